"""The command line: ``cleaner run INPUT... --out DIR``; argument parsing and printing only.

Exit codes: 0 every document processed, 1 some documents failed (they are listed in the
report with the reason) or a fatal fault stopped the run, 2 usage or configuration error, 130 interrupted (Ctrl-C), 143
terminated (SIGTERM).
"""

from __future__ import annotations

import _thread
import argparse
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cleaner.errors import CleanerError, ConfigError, FatalError
from cleaner.inputs import STDIN, check_inputs, iter_sources, read_streams
from cleaner.model import Summary
from cleaner.pipeline import Pipeline
from cleaner.registry import stage_names
from cleaner.report.writer import HTML_LIMIT_MB, DocumentWriter, Outcome, RunWriter
from cleaner.review.apply import stale_in
from cleaner.review.commands import add_commands, dispatch
from cleaner.review.decisions import stale_note

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
PROGRESS_AFTER_SECONDS = 2.0  # short runs finish before a bar would be any use
console = Console(stderr=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cleaner", description="Clean and repair scraped news text.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="clean documents into an output folder with a report")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt files, folders, .jsonl files, or - for stdin")
    run.add_argument("--out", required=True, type=Path, help="output folder (created if missing)")
    run.add_argument("--stages", help=f"comma-separated stages to run (of: {', '.join(stage_names())})")
    run.add_argument("--config", type=Path, help="YAML file merged over the default configuration")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; output is identical)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary table")
    run.add_argument(
        "--html-limit",
        type=float,
        default=HTML_LIMIT_MB,
        metavar="MB",
        help=f"report.html shows documents in full up to this size, the rest by their counts "
        f"(default {HTML_LIMIT_MB:g}; 0: no limit)",
    )
    run.add_argument(
        "--grammar-server", metavar="URL", help="use a running LanguageTool server (see `cleaner grammar-server`)"
    )
    serve = commands.add_parser("grammar-server", help="keep one LanguageTool server up for many runs")
    serve.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (default 8081)")
    add_commands(commands)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a scheduler), handled as Ctrl-C is: worker processes and
    servers are stopped, not left running without their parent."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _stop_workers(signum: int, frame: object) -> None:
    """The first Ctrl-C of a run with workers: they finish the documents in hand, which may take
    a while, so say so; a second Ctrl-C stops them at once (:func:`cleaner.pipeline._worker_pool`)."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.stderr.write("\nstopping: the workers finish the documents in hand (Ctrl-C again stops them at once)\n")
    raise KeyboardInterrupt


def _exit_at_once(signum: int, frame: object) -> None:
    """A Ctrl-C or SIGTERM after a command was interrupted and has stopped: the process is exiting
    anyway, so it ends now, with the command's code. Without this, one that lands while Python shuts
    down (joining its threads) printed a traceback ("Exception ignored in: threading")."""
    os._exit(EXIT_TERMINATED if signum == signal.SIGTERM else EXIT_INTERRUPTED)


def _interrupt_again(unraisable: Any) -> None:
    """``sys.unraisablehook`` during a run: a Ctrl-C or SIGTERM that lands where Python cannot raise
    it (a weakref callback during garbage collection, a ``__del__``) is delivered to the main thread
    again, instead of being printed as a traceback ("Exception ignored in: ... KeyboardInterrupt")
    and lost. Seen about once in 30 runs of a second Ctrl-C while the workers stopped."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _thread.interrupt_main(signal.SIGTERM if isinstance(unraisable.exc_value, Terminated) else signal.SIGINT)
        return
    sys.__unraisablehook__(unraisable)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cleaner`` console script."""
    args = _parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.command == "run":
            main_thread = threading.current_thread() is threading.main_thread()
            previous, previous_hook = signal.getsignal(signal.SIGINT), sys.unraisablehook
            if main_thread:
                sys.unraisablehook = _interrupt_again
                if args.jobs > 1:
                    signal.signal(signal.SIGINT, _stop_workers)
            try:
                return _run(args)
            finally:
                if main_thread:
                    signal.signal(signal.SIGINT, previous)
                    sys.unraisablehook = previous_hook
        if args.command == "grammar-server":
            from cleaner.languagetool import serve_forever  # Java and LanguageTool only when asked for

            return serve_forever(args.port)
        code = dispatch(args)
        if code is not None:
            return code
    except ConfigError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        return EXIT_USAGE
    except FatalError as exc:
        console.print(f"[red]fatal:[/red] {exc}\nOutputs written so far are kept.", highlight=False)
        return EXIT_SOME_FAILED
    except KeyboardInterrupt as exc:
        if threading.current_thread() is threading.main_thread():  # stopped: a further signal ends the process
            signal.signal(signal.SIGINT, _exit_at_once)
            signal.signal(signal.SIGTERM, _exit_at_once)
        console.print("interrupted; outputs written so far are kept, the report was not written", highlight=False)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    return EXIT_USAGE


def _check_out_dir(out: Path, inputs: Sequence[str]) -> None:
    """Refuse an output folder that could overwrite an input or be read back as one."""
    resolved = out.resolve()
    for item in inputs:
        if item == STDIN:
            continue
        path = Path(item).resolve()
        inside = resolved == path or path in resolved.parents if path.is_dir() else resolved == path.parent
        if inside:
            msg = f"--out {out} would mix outputs with the input {item}: choose an output folder outside the inputs"
            raise ConfigError(msg)


def _run(args: argparse.Namespace) -> int:
    stages = _chosen_stages(args)  # the options first, then the files
    inputs = check_inputs(args.inputs)
    _check_out_dir(args.out, inputs)
    pipeline = Pipeline(stages=stages, config_path=args.config, overrides=_overrides(args))
    streams = read_streams(inputs, pipes=pipeline.needs_survey)  # the survey would use pipes up
    if pipeline.needs_survey:
        pipeline.survey_sources(iter_sources(inputs, streams), jobs=args.jobs)
    with pipeline:  # servers start first: a run that cannot start leaves no output folder behind
        try:
            writer = RunWriter(args.out, list(pipeline.config.stages), args.html_limit)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename and Path(exc.filename) != args.out else ""
            msg = f"cannot prepare the output folder {args.out}: {exc.strerror or exc}{where}; choose another --out"
            raise ConfigError(msg) from None
        try:
            with _progress(args.quiet) as advance:
                sources = iter_sources(inputs, streams)
                documents = pipeline.map(sources, DocumentWriter(args.out, args.html_limit), jobs=args.jobs)
                with closing(documents):  # on Ctrl-C, the workers stop here, before the reports go
                    for written in documents:
                        writer.add_written(written)
                        advance(written.outcome)
            summary = writer.close()
        except BaseException:  # a full disk, a stage error, Ctrl-C: the spooled reports go, written texts stay
            writer.discard()
            raise
    _print_end(args, summary, writer)
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def _chosen_stages(args: argparse.Namespace) -> list[str] | None:
    """The stages ``--stages`` names (None: all), after checking the options the run needs."""
    if args.jobs < 1:
        msg = "--jobs must be at least 1"
        raise ConfigError(msg)
    if not 0 <= args.html_limit < math.inf:  # also refuses nan
        msg = "--html-limit must be 0 (no limit) or a size in megabytes"
        raise ConfigError(msg)
    if args.stages is None:
        return None
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    if not stages:  # an empty $STAGES in a script would copy every text through unchanged
        msg = f"--stages names no stage: give one or more of {','.join(stage_names())}, or leave it out"
        raise ConfigError(msg)
    return stages


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The configuration the command line sets over the YAML."""
    overrides: dict[str, Any] = {}
    if args.grammar_server:
        overrides["grammar"] = {"server_url": args.grammar_server}
    if args.jobs > 1:  # each worker's language model gets one core (threads fighting for cores are slow)
        overrides["spin"] = {"threads": 1}
    return overrides


def _print_end(args: argparse.Namespace, summary: Summary, writer: RunWriter) -> None:
    """The summary table and the notes after a run."""
    if not summary.documents:  # a warning, even with --quiet: the run had nothing to do
        console.print(
            "note: no documents in the inputs (a folder is searched for .txt and .jsonl files)", highlight=False
        )
    if args.quiet:
        return
    _print_summary(summary, args.out)
    if writer.brief:
        console.print(
            f"note: report.html shows {summary.documents - writer.brief} documents in full and the other "
            f"{writer.brief} by their counts only (its limit is {writer.html_limit_mb:g} MB: --html-limit)",
            highlight=False,
        )
    earlier = writer.earlier_files()
    if earlier:
        console.print(
            f"note: {args.out}/ also holds {len(earlier)} .txt/.diff files of documents not in this run "
            f"(e.g. {earlier[0]}), left from an earlier run; report.json lists this run's only",
            highlight=False,
        )
    _note_stale_decisions(args.out)


def _note_stale_decisions(out: Path) -> None:
    """Say how many of a review's decisions this run has made stale (they are kept, unused)."""
    try:
        stale = stale_in(out)
    except CleanerError:  # an unreadable review.json: `review` and `apply` say what is wrong with it
        return
    if stale:
        console.print(f"note: {stale_note(stale)}: review and apply leave them out", highlight=False)


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[Outcome], None]]:
    """A progress bar on a terminal once a run takes more than a few seconds; failures printed as they come."""
    bar = None
    if not quiet and console.is_terminal:
        columns = (TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        bar = Progress(*columns, TextColumn("{task.fields[doc]}"), console=console, transient=True)
    task = bar.add_task("clean", total=None, doc="") if bar is not None else None
    started = time.monotonic()
    last_error = None

    def advance(result: Outcome) -> None:
        nonlocal last_error
        if bar is not None and task is not None:
            if not bar.live.is_started and time.monotonic() - started > PROGRESS_AFTER_SECONDS:
                bar.start()
            bar.update(task, advance=1, doc=result.id)
        if result.failed:
            # a server gone for good fails every later document with the same long reason: say it once
            reason = "the same reason as the one before" if result.error == last_error else result.error
            console.print(f"[yellow]failed:[/yellow] {result.source}: {reason}", highlight=False)
            last_error = result.error

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def _print_summary(summary: Summary, out: Path) -> None:
    table = Table(title=f"{summary.documents} documents, {summary.changed} changed, {summary.failed} failed")
    for column in ("stage", "documents changed", "changes made", "lines removed", "flags"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for stage in summary.stages:
        counters = summary.stats.get(stage, {})
        table.add_row(
            stage,
            str(counters.get("changed", 0)),
            str(counters.get("edits", 0)),
            str(counters.get("lines_dropped", 0)),
            str(counters.get("flags", 0)),
        )
    console.print(table)
    console.print(f"written to {out}/ (report.html, report.json, <id>.txt, <id>.diff)", highlight=False)


if __name__ == "__main__":
    sys.exit(main())
