"""`make eval` for the spin stage: spun news with known answers, clean news, and seed 000.

* Spun news: the aeb-dev ground truth (clean human-written news) run through
  ``bench/spinner.py`` (about one content word in eight). Token-level precision and recall of
  the flags (tokens are ``\\w+``; a token is positive when a substitution covers it).
* Clean news: the same pages unspun; flags per 1,000 words.
* Seed 000: how many of its hand-annotated spun words (tests/data/spin/seed000_spun.json)
  are flagged, and how many flags fall elsewhere.

Pages whose id starts with 0-3 are the *fit* half (``--fit`` fits the score weights on them),
4-7 the *test* half, whose figures are the ones reported. ``--pages N`` (default 12; 0 = all)
limits each half.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import zlib
from collections.abc import Sequence
from dataclasses import replace

from bench.common import ROOT, aeb_texts, write_section
from bench.spinner import Spinner, Substitution
from cleaner.model import Flag
from cleaner.spin import scoring
from cleaner.spin.engine import Detector, settings_from, word_count
from cleaner.stages.spin import SpinConfig

_TOKEN = re.compile(r"\w+")
SEED_ANSWERS = ROOT / "tests" / "data" / "spin" / "seed000_spun.json"


def token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


def covered(spans: Sequence[tuple[int, int]], marks: Sequence[tuple[int, int]]) -> set[int]:
    """Indexes of ``spans`` that overlap any of ``marks``."""
    return {i for i, (s, e) in enumerate(spans) if any(ms < e and s < me for ms, me in marks)}


def split_pages(pages: dict[str, str], limit: int | None) -> tuple[list[str], list[str]]:
    fit = sorted(p for p in pages if p[0] in "0123")
    test = sorted(p for p in pages if p[0] not in "0123")
    return (fit[:limit], test[:limit]) if limit else (fit, test)


def spin_page(spinner: Spinner, page: str, text: str) -> tuple[str, list[Substitution]]:
    return spinner.spin(text, seed=zlib.crc32(page.encode()))


def score_pages(
    spun: list[tuple[str, list[Substitution]]], all_flags: list[list[Flag]], threshold: float
) -> dict[str, float]:
    tp = fp = fn = 0
    top1 = 0
    for (text, subs), found in zip(spun, all_flags, strict=True):
        flags = [f for f in found if f.score >= threshold]
        spans = token_spans(text)
        truth = covered(spans, [(s.start, s.end) for s in subs])
        flagged = covered(spans, [(f.start, f.end) for f in flags])
        tp, fp, fn = tp + len(truth & flagged), fp + len(flagged - truth), fn + len(truth - flagged)
        originals = {(s.start, s.end): s.original.lower() for s in subs}
        top1 += sum(1 for f in flags if f.suggestions and originals.get((f.start, f.end)) == f.suggestions[0].lower())
    return {
        "precision": tp / max(1, tp + fp),
        "recall": tp / max(1, tp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "top1": top1 / max(1, tp),
    }


def clean_rate(texts: list[str], all_flags: list[list[Flag]], threshold: float) -> tuple[float, int, int]:
    flags = words = 0
    for text, found in zip(texts, all_flags, strict=True):
        flags += sum(1 for f in found if f.score >= threshold)
        words += len(_TOKEN.findall(text))
    return 1000 * flags / max(1, words), flags, words


def seed_report(detector: Detector, threshold: float) -> tuple[int, int, int, list[Flag]]:
    answers = json.loads(SEED_ANSWERS.read_text(encoding="utf-8"))["cases"]
    text = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    marks = []
    for case in answers:
        at = text.index(case["context"]) + case["context"].index(case["spun"])
        marks.append((at, at + len(case["spun"])))
    flags = [f for f in detector.detect(text) if f.score >= threshold]
    hit = sum(1 for s, e in marks if any(f.start < e and s < f.end for f in flags))
    elsewhere = sum(1 for f in flags if not any(f.start < e and s < f.end for s, e in marks))
    return hit, len(marks), elsewhere, flags


def fit(detector: Detector, spun: list[tuple[str, list[Substitution]]]) -> dict[str, dict[str, float]]:
    """Fit the full and prefilter-only weights on suspects of the fit half."""
    rows_full, labels_full, rows_pre, labels_pre = [], [], [], []
    for text, subs in spun:
        truth = {(s.start, s.end) for s in subs}
        _, suspects = detector.analyse(text)
        for s in suspects:
            if s.kind != "spin":
                continue
            label = int((s.token.start, s.token.end) in truth)
            rows_pre.append(s.figures.vector(scoring.PREFILTER_FEATURES))
            labels_pre.append(label)
            if s.figures.lm_gain is not None:
                rows_full.append(s.figures.vector(scoring.FEATURES))
                labels_full.append(label)
    weights = {"prefilter_weights": scoring.fit_logistic(rows_pre, labels_pre, scoring.PREFILTER_FEATURES)}
    if rows_full:
        weights["full_weights"] = scoring.fit_logistic(rows_full, labels_full, scoring.FEATURES)
    print(f"fitted on {len(rows_pre)} suspects ({sum(labels_pre)} spun), {len(rows_full)} LM-checked")
    return weights


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="fit score weights on the fit half and print them")
    # 12 pages of each half by default: the whole test half (44 pages, 2 x 30k words) takes
    # most of an hour on the shared 2-core machine with the LM on.
    parser.add_argument("--pages", type=int, default=12, help="pages of each half (0 = all)")
    parser.add_argument("--no-lm", action="store_true", help="prefilter and thesaurus only")
    parser.add_argument("--budget", type=float, default=None, help="LM checks per 100 words")
    args = parser.parse_args(argv)

    config = SpinConfig(use_lm=not args.no_lm, **({"lm_budget": args.budget} if args.budget else {}))
    settings = settings_from(config)
    # Score everything from the lowest threshold in the table once; the rows filter it.
    detector_settings = replace(settings, threshold=min(0.5, settings.threshold))
    started = time.perf_counter()
    detector = Detector.load(detector_settings)
    pages = aeb_texts("ground-truth")
    fit_ids, test_ids = split_pages(pages, args.pages or None)
    spinner = Spinner()
    if args.fit:
        weights = fit(detector, [spin_page(spinner, p, pages[p]) for p in fit_ids])
        print(json.dumps({k: {n: round(v, 3) for n, v in w.items()} for k, w in weights.items()}, indent=2))
        return
    spun = [spin_page(spinner, p, pages[p]) for p in test_ids]
    clean = [pages[p] for p in test_ids]
    subs = sum(len(s) for _, s in spun)
    words = sum(word_count(t) for t, _ in spun)
    lines = [
        "## Spin stage: accuracy",
        "",
        f"Measured by `bench/eval_spin.py` (`make eval`) on {len(test_ids)} aeb-dev test pages (ids 4-7; the",
        f"score weights were fitted on ids 0-3), spun by `bench/spinner.py`: {subs} substitutions in {words} words.",
        f"LM: {'on' if settings.use_lm else 'off'}, budget {settings.lm_budget} checks per 100 words.",
        "",
        "| threshold | precision | recall | TP | FP | FN | best suggestion = original | clean flags /1000 words |",
        "|---|---|---|---|---|---|---|---|",
    ]
    spun_flags = [detector.detect(text) for text, _ in spun]
    clean_flags = [detector.detect(text) for text in clean]
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        m = score_pages(spun, spun_flags, threshold)
        rate, _, _ = clean_rate(clean, clean_flags, threshold)
        lines.append(
            f"| {threshold} | {m['precision']:.3f} | {m['recall']:.3f} | {m['tp']:.0f} | {m['fp']:.0f} | {m['fn']:.0f} "
            f"| {m['top1']:.2f} | {rate:.2f} |"
        )
    hit, total, elsewhere, flags = seed_report(detector, settings.threshold)
    lines += [
        "",
        f"Seed 000 at the default threshold {settings.threshold}: {hit} of {total} annotated spun words flagged,",
        f"{elsewhere} flags elsewhere. Elapsed {time.perf_counter() - started:.0f} s.",
        "",
        "Seed 000 flags: " + "; ".join(f"{f.text} -> {f.suggestions[0]} ({f.score:.2f})" for f in flags),
    ]
    write_section("spin", "\n".join(lines))


if __name__ == "__main__":
    main()
