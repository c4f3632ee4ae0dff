"""`make eval` for the spin stage: spun news with known answers, clean news, and seed 000.

* Spun news: the aeb-dev ground truth (clean human-written news) run through
  ``bench/spinner.py`` (about one content word in eight). Token-level precision and recall of
  the flags (tokens are ``\\w+``; a token is positive when a substitution covers it).
* Clean news: the same pages unspun; flags per 1,000 words.
* Seed 000: how many of its hand-annotated spun words (tests/data/spin/seed000_spun.json)
  are flagged, and how many flags fall elsewhere.

Pages whose id starts with 0-3 are the *fit* half (``--fit`` fits the score weights on them),
the others the *test* half, whose figures are the ones reported. ``--pages N`` (default 8;
0 = all) limits each half. Each page is analysed once (LM included); every threshold of the
table filters the same suspects. The report also counts where the substitutions are lost at
the default threshold (:func:`miss_cause`) and lists the flags raised on the clean pages.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from bench.common import ROOT, aeb_texts, machine, write_section
from bench.spinner import Spinner, Substitution
from cleaner.model import Flag
from cleaner.spin import scoring
from cleaner.spin.candidates import is_content, sentences
from cleaner.spin.engine import Detector, Suspect, settings_from, word_count
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


Analysis = tuple[list[Flag], list[Suspect]]


def wilson(hits: float, total: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 %) of a proportion ``hits / total``.

    >>> [round(x, 2) for x in wilson(77, 80)]
    [0.9, 0.99]
    """
    if total <= 0:
        return 0.0, 1.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


def flags_of(detector: Detector, text: str, analysis: Analysis, threshold: float) -> list[Flag]:
    """The flags :meth:`Detector.detect` gives, from an analysis done once for every threshold."""
    fingerprint_flags, suspects = analysis
    flags = [detector.flag(text, s) for s in suspects if detector.score(s) >= threshold]
    return sorted(fingerprint_flags + flags, key=lambda f: (f.start, f.end))


def miss_cause(detector: Detector, text: str, sub: Substitution, suspects: dict[tuple[int, int], Suspect]) -> str:
    """Why a substitution was not flagged (or "flagged"), in the order the stage works."""
    suspect = suspects.get((sub.start, sub.end))
    if suspect is None:
        token = next((t for s in sentences(text) for t in s.tokens if (t.start, t.end) == (sub.start, sub.end)), None)
        if token is None or (not is_content(token) and sub.source != "demonym"):
            return "not a word the stage checks"
        if not detector.candidates(token.lower):
            return "no thesaurus candidate"
        return "prefilter: no candidate fits the trigrams better"
    if detector.score(suspect) >= detector.settings.threshold:
        return "flagged"
    if suspect.lm_gains is None:
        return "LM budget spent before it"
    if sub.original.lower() not in {w.lower() for w, _, _ in suspect.candidates}:
        return "LM-checked, original not among the scored candidates"
    return "LM-checked, original scored, below the threshold"


def miss_causes(
    detector: Detector, spun: list[tuple[str, list[Substitution]]], analyses: list[Analysis]
) -> Counter[str]:
    """How many substitutions end where, at the detector's threshold."""
    causes: Counter[str] = Counter()
    for (text, subs), (_, suspects) in zip(spun, analyses, strict=True):
        by_span = {(s.token.start, s.token.end): s for s in suspects}
        causes.update(miss_cause(detector, text, sub, by_span) for sub in subs)
    return causes


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
    # 8 pages of each half by default: the whole test half (43 pages, 2 x 30k words) takes
    # hours on the shared 2-core machine with the LM on.
    parser.add_argument("--pages", type=int, default=8, help="pages of each half (0 = all)")
    parser.add_argument("--no-lm", action="store_true", help="prefilter and thesaurus only")
    parser.add_argument("--budget", type=float, default=None, help="LM checks per 100 words")
    parser.add_argument("--proposals", type=int, default=None, help="the model's own proposals per position")
    args = parser.parse_args(argv)

    overrides: dict[str, float | int | bool] = {"use_lm": not args.no_lm, "threads": 1}
    if args.budget is not None:
        overrides["lm_budget"] = args.budget
    if args.proposals is not None:
        overrides["lm_proposals"] = args.proposals
    settings = settings_from(SpinConfig(**overrides))  # type: ignore[arg-type]
    started = time.perf_counter()
    detector = Detector.load(settings)
    pages = aeb_texts("ground-truth")
    fit_ids, test_ids = split_pages(pages, args.pages or None)
    spinner = Spinner()
    if args.fit:
        weights = fit(detector, [spin_page(spinner, p, pages[p]) for p in fit_ids])
        print(json.dumps({k: {n: round(v, 3) for n, v in w.items()} for k, w in weights.items()}, indent=2))
        return
    spun = [spin_page(spinner, p, pages[p]) for p in test_ids]
    clean = [pages[p] for p in test_ids]
    spun_analyses = [detector.analyse(text) for text, _ in spun]
    clean_analyses = [detector.analyse(text) for text in clean]
    seconds = time.perf_counter() - started
    lines = _header(settings, len(test_ids), sum(len(s) for _, s in spun), sum(word_count(t) for t, _ in spun))
    for threshold in THRESHOLDS:
        spun_flags = [flags_of(detector, t, a, threshold) for (t, _), a in zip(spun, spun_analyses, strict=True)]
        clean_flags = [flags_of(detector, t, a, threshold) for t, a in zip(clean, clean_analyses, strict=True)]
        m = score_pages(spun, spun_flags, threshold)
        rate, count, _ = clean_rate(clean, clean_flags, threshold)
        p_low, p_high = wilson(m["tp"], m["tp"] + m["fp"])
        r_low, r_high = wilson(m["tp"], m["tp"] + m["fn"])
        lines.append(
            f"| {threshold} | {m['precision']:.3f} ({p_low:.2f}-{p_high:.2f}) "
            f"| {m['recall']:.3f} ({r_low:.2f}-{r_high:.2f}) "
            f"| {m['tp']:.0f} | {m['fp']:.0f} | {m['fn']:.0f} | {m['top1']:.2f} | {rate:.2f} ({count}) |"
        )
    lines += _details(detector, spun, spun_analyses, clean, clean_analyses)
    hit, total, elsewhere, flags = seed_report(detector, settings.threshold)
    lines += [
        "",
        f"Seed 000 at the default threshold {settings.threshold}: {hit} of {total} annotated spun words flagged,",
        f"{elsewhere} flags elsewhere. Analysis of the pages took {seconds:.0f} s (1 LM thread).",
        "",
        "Seed 000 flags: " + "; ".join(f"{f.text} -> {f.suggestions[0]} ({f.score:.2f})" for f in flags),
    ]
    write_section("spin", "\n".join(lines))


def _header(settings: Any, pages: int, subs: int, words: int) -> list[str]:
    return [
        "## Spin stage: accuracy",
        "",
        f"Measured by `bench/eval_spin.py` (`make eval`) on {machine()}:",
        f"{pages} aeb-dev test pages (ids not starting with 0-3; the score weights were fitted on pages whose id",
        f"starts with 0-3), spun by `bench/spinner.py`: {subs} substitutions in {words} words.",
        f"LM: {'on' if settings.use_lm else 'off'}, budget {settings.lm_budget} checks per 100 words, "
        f"{settings.lm_proposals} proposals of its own per position; default threshold {settings.threshold}.",
        "",
        "| threshold | precision (95% CI) | recall (95% CI) | TP | FP | FN | best suggestion = original "
        "| clean flags /1000 words (n) |",
        "|---|---|---|---|---|---|---|---|",
    ]


def _details(
    detector: Detector,
    spun: list[tuple[str, list[Substitution]]],
    spun_analyses: list[Analysis],
    clean: list[str],
    clean_analyses: list[Analysis],
) -> list[str]:
    """Where the substitutions are lost, and the flags on clean news, at the default threshold."""
    causes = miss_causes(detector, spun, spun_analyses)
    lines = ["", f"Substitutions by where they end, at the default threshold {detector.settings.threshold}:", ""]
    lines += [f"- {cause}: {count}" for cause, count in causes.most_common()]
    clean_flags = [
        f
        for t, a in zip(clean, clean_analyses, strict=True)
        for f in flags_of(detector, t, a, detector.settings.threshold)
    ]
    shown = "; ".join(f"{f.text} -> {f.suggestions[0] if f.suggestions else '?'} ({f.score:.2f})" for f in clean_flags)
    lines += ["", f"Flags on the clean pages at the default threshold: {shown or 'none'}"]
    return lines


if __name__ == "__main__":
    main()
