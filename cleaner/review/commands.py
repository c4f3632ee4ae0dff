"""The ``review``, ``apply`` and ``learn`` subcommands, wired into :mod:`cleaner.cli`.

``add_commands(subparsers)`` declares them; ``dispatch(args)`` runs one and returns the exit
code, or ``None`` when the command is not one of these.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cleaner.config import read_text
from cleaner.errors import ConfigError
from cleaner.review.apply import ApplyConfig, apply_run
from cleaner.review.decisions import stale_note

COMMANDS = ("review", "apply", "learn")
EXIT_OK, EXIT_CONFLICTS = 0, 1


def add_commands(subparsers: Any) -> None:
    """Add ``review``, ``apply`` and ``learn`` to the CLI's subparsers."""
    review = subparsers.add_parser("review", help="review a finished run in the browser (127.0.0.1 only)")
    review.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the --out folder of `cleaner run`")
    review.add_argument("--port", type=int, default=0, help="port to listen on (default: any free one)")
    review.add_argument("--log", action="store_true", help="print every request")
    _undecided_options(review)

    apply = subparsers.add_parser("apply", help="write the final texts of a reviewed run")
    apply.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the --out folder of `cleaner run`")
    apply.add_argument("--to", type=Path, help="folder for the final texts (default: OUT_DIR/final)")
    _undecided_options(apply)

    learn = subparsers.add_parser("learn", help="turn a run's review into spin fingerprints and boilerplate rules")
    learn.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="the --out folder of a reviewed run")
    learn.add_argument("--rules", type=Path, help="rules folder to add learned.yaml to (default: the rules root)")


def _undecided_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML file whose `review:` section sets what undecided items do")
    parser.add_argument("--undecided-changes", choices=("keep", "revert"), help="undecided changes (default keep)")
    parser.add_argument("--undecided-flags", choices=("skip", "apply"), help="undecided flags (default skip)")
    parser.add_argument("--min-score", type=float, help="with --undecided-flags apply, only flags scoring this much")


def apply_config(args: argparse.Namespace) -> ApplyConfig:
    """The ``review:`` section of ``--config`` (if any) with the command-line options over it."""
    data: dict[str, Any] = {}
    if args.config is not None:
        text = read_text(args.config, "the config file")
        try:
            loaded = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            msg = f"cannot read the config file {args.config}: {exc}"
            raise ConfigError(msg) from None
        section = loaded.get("review", {}) if isinstance(loaded, dict) else None
        if not isinstance(section, dict):
            msg = f"{args.config}: the `review:` section must be a mapping"
            raise ConfigError(msg)
        data.update(section)
    options = {"undecided_changes": args.undecided_changes, "undecided_flags": args.undecided_flags}
    data.update({k: v for k, v in {**options, "min_score": args.min_score}.items() if v is not None})
    try:
        config = ApplyConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"review.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        msg = f"invalid review settings: {problems}"
        raise ConfigError(msg) from None
    if config.min_score > 0 and config.undecided_flags == "skip":
        msg = "--min-score (review: min_score) chooses which undecided flags to apply: give --undecided-flags apply too"
        raise ConfigError(msg)
    return config


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command in ``args`` if it is one of these; its exit code, else ``None``."""
    if args.command not in COMMANDS:
        return None
    if not (args.out_dir / "report.json").is_file():
        msg = (
            f"{args.out_dir}/report.json not found: give the --out folder of a finished `cleaner run` "
            "(`make clean` writes out/; `make review OUT=folder` reviews another)"
        )
        raise ConfigError(msg)
    if args.command == "review":
        from cleaner.review.server import serve

        serve(args.out_dir, apply_config(args), args.port, log=args.log)
        return EXIT_OK
    if args.command == "apply":
        to = args.to if args.to is not None else args.out_dir / "final"
        applied = apply_run(args.out_dir, to, apply_config(args))
        summary, conflicts = applied.summary, applied.conflicts
        review = summary.stats.get("review", {})
        counts = {k: v for k, v in review.items() if k not in ("documents", "changed", "edits")}
        done = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(counts.items()))
        print(f"applied the review of {args.out_dir}: {done or 'nothing to do'}")
        print(f"{review.get('changed', 0)} of {summary.documents} documents differ from the run's cleaned text")
        print(f"written to {to}/ (report.html, report.json, <id>.txt, <id>.diff)")
        if applied.stale:
            print(f"note: {stale_note(applied.stale)}: they were not applied")
        if conflicts:
            print(f"{conflicts} accepted corrections could not be placed; see review_conflicts in report.json")
        return EXIT_CONFLICTS if conflicts else EXIT_OK
    from cleaner.review.learn import learn

    outcome = learn(args.out_dir, args.rules)
    sys.stdout.write(outcome.describe() + "\n")
    return EXIT_OK
