"""`make eval` for the spin stage: spun news with known answers, clean news, and seed 000.

* Spun news: the aeb-dev ground truth (clean human-written news) run through
  ``bench/spinner.py`` (about one content word in eight). Token-level precision and recall of
  the flags (tokens are ``\\w+``; a token is positive when a substitution covers it).
* Clean news: the same pages unspun; flags per 1,000 words.
* Seed 000: how many of its hand-annotated spun words (tests/data/spin/seed000_spun.json)
  are flagged, and how many flags fall elsewhere.

Pages whose id starts with 0-3 are the *fit* half (``--fit`` fits the score weights on them),
the others the *test* half, whose figures are the ones reported; ``--fit-document`` fits the
document weights on the fit half spun and unspun, analysed with the stage's settings.
``--pages N`` (default 8; 0 = all) limits each half. Each page is analysed once (LM included); every threshold of the
table filters the same suspects. The report also counts where the substitutions are lost at
the default threshold (:func:`miss_cause`) and lists the flags raised on the clean pages.

``--budgets 4,15,1000`` instead writes bench/results/spin-budgets.md: the same pages and seed 000
at each language-model budget (1000 = every suspect checked), every threshold, from one LM pass.
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
from dataclasses import replace
from typing import Any

from bench.common import ROOT, aeb_texts, machine, write_section
from bench.spinner import Spinner, Substitution
from cleaner.model import Flag
from cleaner.spin import scoring
from cleaner.spin.candidates import is_content, sentences
from cleaner.spin.document import document_rows
from cleaner.spin.engine import Detector, settings_from
from cleaner.spin.language import word_count
from cleaner.spin.suspects import Suspect, lm_checks
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
    top1 = on_substitution = 0
    for (text, subs), found in zip(spun, all_flags, strict=True):
        flags = [f for f in found if f.score >= threshold]
        spans = token_spans(text)
        truth = covered(spans, [(s.start, s.end) for s in subs])
        flagged = covered(spans, [(f.start, f.end) for f in flags])
        tp, fp, fn = tp + len(truth & flagged), fp + len(flagged - truth), fn + len(truth - flagged)
        originals = {(s.start, s.end): s.original.lower() for s in subs}
        exact = [f for f in flags if (f.start, f.end) in originals]  # a flag on one word of a phrase is not
        on_substitution += len(exact)
        top1 += sum(1 for f in exact if f.suggestions and originals[(f.start, f.end)] == f.suggestions[0].lower())
    return {
        "precision": tp / max(1, tp + fp),
        "recall": tp / max(1, tp + fn),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "top1": top1 / max(1, on_substitution),
    }


def clean_rate(texts: list[str], all_flags: list[list[Flag]], threshold: float) -> tuple[float, int, int]:
    flags = words = 0
    for text, found in zip(texts, all_flags, strict=True):
        flags += sum(1 for f in found if f.score >= threshold)
        words += len(_TOKEN.findall(text))
    return 1000 * flags / max(1, words), flags, words


def seed_text() -> tuple[str, list[tuple[int, int]]]:
    """Seed 000 and the spans of its hand-annotated spun words."""
    answers = json.loads(SEED_ANSWERS.read_text(encoding="utf-8"))["cases"]
    text = next((ROOT / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    marks = []
    for case in answers:
        at = text.index(case["context"]) + case["context"].index(case["spun"])
        marks.append((at, at + len(case["spun"])))
    return text, marks


def seed_hits(marks: list[tuple[int, int]], flags: list[Flag]) -> tuple[int, int]:
    """Annotated spun words flagged, and flags elsewhere."""
    hit = sum(1 for s, e in marks if any(f.start < e and s < f.end for f in flags))
    elsewhere = sum(1 for f in flags if not any(f.start < e and s < f.end for s, e in marks))
    return hit, elsewhere


def seed_report(detector: Detector, threshold: float) -> tuple[int, int, int, list[Flag]]:
    text, marks = seed_text()
    flags = [f for f in detector.detect(text) if f.score >= threshold]
    hit, elsewhere = seed_hits(marks, flags)
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


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9)


def flags_of(detector: Detector, text: str, analysis: Analysis, threshold: float) -> list[Flag]:
    """The flags :meth:`Detector.detect` gives, from an analysis done once for every threshold.

    ``threshold`` is the spin flags'; entity flags keep the setting ``entity_threshold``."""
    return detector.flags_of(text, analysis, threshold)


def miss_cause(
    detector: Detector, text: str, sub: Substitution, suspects: dict[tuple[int, int], tuple[Suspect, float]]
) -> str:
    """Why a substitution was not flagged (or "flagged"), in the order the stage works;
    ``suspects`` holds each suspect by its span, with its final score."""
    suspect, final = suspects.get((sub.start, sub.end), (None, 0.0))
    if suspect is None:
        token = next((t for s in sentences(text) for t in s.tokens if (t.start, t.end) == (sub.start, sub.end)), None)
        if token is None or (not is_content(token) and sub.source != "demonym"):
            return "not a word the stage checks"
        if not detector.candidates(token.lower):
            return "no thesaurus candidate"
        return "prefilter: no candidate fits the trigrams better"
    if final >= detector.settings.threshold:
        return "flagged"
    if suspect.lm_gains is None:
        return "LM budget spent before it"
    if sub.original.lower() not in {w.lower() for w, _, _ in suspect.candidates}:
        return "LM-checked, original not scored: " + candidate_loss(detector, suspect, sub.original.lower())
    return "LM-checked, original scored, below the threshold"


def candidate_loss(detector: Detector, suspect: Suspect, original: str) -> str:
    """Where an original the language model did not score was lost on the way to it."""
    ranked = [w for _, w, _ in detector.ranked_candidates(suspect.words, suspect.token)]
    if original not in ranked:
        zipf = detector.zipf(original)
        if zipf < detector.settings.min_candidate_zipf:
            return f"not a candidate (rarer than Zipf {detector.settings.min_candidate_zipf:g})"
        if zipf >= detector.candidates.max_zipf:
            return f"not a candidate (as common as Zipf {detector.candidates.max_zipf:g})"
        return "not a candidate (no thesaurus link in this inflection)"
    if ranked.index(original) >= detector.settings.lm_shortlist_from:
        return f"candidate ranked below the first {detector.settings.lm_shortlist_from} by trigram gain"
    return f"in the shortlist, not among the {detector.settings.max_candidates} the LM picked to score"


def miss_causes(
    detector: Detector, spun: list[tuple[str, list[Substitution]]], analyses: list[Analysis]
) -> Counter[str]:
    """How many substitutions end where, at the detector's threshold."""
    causes: Counter[str] = Counter()
    for (text, subs), (_, suspects) in zip(spun, analyses, strict=True):
        scored = detector.document_scores(text, suspects)
        by_span = {(s.token.start, s.token.end): (s, v.score) for s, v in zip(suspects, scored, strict=True)}
        causes.update(miss_cause(detector, text, sub, by_span) for sub in subs)
    return causes


def fit(detector: Detector, spun: list[tuple[str, list[Substitution]]]) -> dict[str, dict[str, float]]:
    """Fit the full, prefilter-only and (with a second model) pair weights on suspects of the fit half.

    The pair weights are fitted on every LM-checked position, with the mean of the two
    models' gains as ``lm_gain``: run it with ``second_band`` covering every score.
    """
    rows_full, labels_full, rows_pre, labels_pre = [], [], [], []
    rows_pair: list[list[float]] = []
    labels_pair: list[int] = []
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
            if s.figures.second_gain is not None:
                rows_pair.append(scoring.pair_vector(s.figures))
                labels_pair.append(label)
    weights = {"prefilter_weights": scoring.fit_logistic(rows_pre, labels_pre, scoring.PREFILTER_FEATURES)}
    if rows_full:
        weights["full_weights"] = scoring.fit_logistic(rows_full, labels_full, scoring.FEATURES)
    if rows_pair:
        weights["pair_weights"] = scoring.fit_logistic(rows_pair, labels_pair, scoring.FEATURES)
    print(
        f"fitted on {len(rows_pre)} suspects ({sum(labels_pre)} spun), {len(rows_full)} LM-checked, "
        f"{len(rows_pair)} checked by the second model too"
    )
    return weights


def fit_document(detector: Detector, pages: list[tuple[str, list[Substitution]]]) -> dict[str, float]:
    """Fit the document weights on texts with their substitutions (none for clean ones), analysed with
    the stage's settings: the step rescores the scores those give, so they must be the shipped ones."""
    rows, labels = [], []
    for text, subs in pages:
        truth = {(s.start, s.end) for s in subs}
        _, suspects = detector.analyse(text)
        alone = [detector.score(s) for s in suspects]
        for i, row in document_rows(text, suspects, alone).items():
            rows.append(row)
            labels.append(int((suspects[i].token.start, suspects[i].token.end) in truth))
    print(f"fitted on {len(rows)} LM-checked suspects of {len(pages)} texts ({sum(labels)} spun)")
    return scoring.fit_logistic(rows, labels, scoring.DOCUMENT_FEATURES)


Span = tuple[int, int]


def checks_made(
    detector: Detector, budget: float | None, order: list[Suspect], done: dict[Span, Suspect], words: int
) -> int:
    """How many suspects of the check ``order`` the model checks at a fixed ``budget``, or (None) in the
    stage's own rounds: ``lm_budget``, then ``lm_budget_spun`` if those checks find the text likely spun.
    ``done`` holds every suspect as the model left it after checking, by span."""
    if budget is not None:
        return len(order[: lm_checks(budget, words)])
    first, _ = detector.rounds(words)
    return len(order[: detector.checks_in_rounds(words, [done[(s.token.start, s.token.end)] for s in order[:first]])])


def analyses_by_budget(
    detector: Detector, texts: list[str], budgets: Sequence[float | None]
) -> tuple[dict[float | None, list[Analysis]], dict[float | None, float]]:
    """Every text analysed at every LM budget (None: the stage's own rounds, :func:`checks_made`), from
    two passes: one without the LM, one checking every suspect a budget could reach.

    The model checks the suspects in :meth:`Detector.check_order` (computed before it looks
    at any of them) and a check changes nothing but its own suspect, so the analysis at a
    smaller budget is the large one with the suspects past its checks as the pass without the
    LM left them. One exception: the occurrences of a suspect name share the mean of their
    gains (:func:`~cleaner.spin.suspects.one_decision_per_name`), so the replay is exact only
    while a budget checks every name suspect; they are checked first, and there are few. Also
    returns the seconds each budget would take: the pass without the LM plus the LM pass's
    extra time in proportion to the checks made.
    """
    lm, settings = detector.lm, detector.settings
    started = time.perf_counter()
    detector.lm = None
    plain = [detector.analyse(t) for t in texts]
    plain_seconds = time.perf_counter() - started
    largest = max([b for b in budgets if b is not None] + [settings.lm_budget, settings.lm_budget_spun])
    detector.lm, detector.settings = lm, replace(settings, lm_budget=largest, lm_budget_spun=0.0)
    started = time.perf_counter()
    full = [detector.analyse(t) for t in texts]
    lm_seconds = time.perf_counter() - started - plain_seconds
    detector.settings = settings
    # per text: the check order, the suspects as checked by span, and the word count
    views = [
        (detector.check_order(before), {(s.token.start, s.token.end): s for s in after}, word_count(text))
        for text, (_, before), (_, after) in zip(texts, plain, full, strict=True)
    ]
    analyses: dict[float | None, list[Analysis]] = {}
    checks: dict[float | None, int] = {}
    for budget in budgets:
        analyses[budget], checks[budget] = [], 0
        for (fingerprint_flags, before), (order, done, words) in zip(plain, views, strict=True):
            made = checks_made(detector, budget, order, done, words)
            checked = {(s.token.start, s.token.end) for s in order[:made]}
            mixed = [done[k] if k in checked else s for s in before for k in [(s.token.start, s.token.end)]]
            analyses[budget].append((fingerprint_flags, mixed))
            checks[budget] += made
    most = sum(checks_made(detector, largest, order, done, words) for order, done, words in views)
    return analyses, {b: plain_seconds + lm_seconds * checks[b] / max(1, most) for b in budgets}


def best_recall(rows: list[dict[str, float]], precision: float) -> dict[str, float] | None:
    """The row of highest recall whose precision is at least ``precision``.

    >>> best_recall([{"precision": 0.9, "recall": 0.4}, {"precision": 0.8, "recall": 0.6}], 0.85)
    {'precision': 0.9, 'recall': 0.4}
    """
    fit = [r for r in rows if r["precision"] >= precision]
    return max(fit, key=lambda r: r["recall"]) if fit else None


def budget_report(
    detector: Detector, budgets: Sequence[float | None], page_ids: list[str], pages: dict[str, str]
) -> None:
    """`--budgets`: accuracy and estimated speed of the stage at several LM budgets, from one LM pass."""
    spinner = Spinner()
    spun = [spin_page(spinner, p, pages[p]) for p in page_ids]
    clean = [pages[p] for p in page_ids]
    seed, marks = seed_text()
    texts = [t for t, _ in spun] + clean + [seed]
    analyses, seconds = analyses_by_budget(detector, texts, budgets)
    words = sum(word_count(t) for t in texts)
    threshold = detector.settings.threshold
    grid = [round(0.3 + 0.05 * i, 2) for i in range(14)]
    lines = _budget_header(detector, len(page_ids), sum(len(s) for _, s in spun))
    causes_by_budget = {}
    for budget in budgets:
        spun_a, clean_a, seed_a = (
            analyses[budget][: len(spun)],
            analyses[budget][len(spun) : -1],
            analyses[budget][-1],
        )
        rows = []
        for t in grid:
            spun_flags = [flags_of(detector, text, a, t) for (text, _), a in zip(spun, spun_a, strict=True)]
            clean_flags = [flags_of(detector, text, a, t) for text, a in zip(clean, clean_a, strict=True)]
            row = score_pages(spun, spun_flags, t) | {"threshold": t}
            row["clean"] = clean_rate(clean, clean_flags, t)[0]
            row["seed"] = seed_hits(marks, flags_of(detector, seed, seed_a, t))[0]
            rows.append(row)
        label = budget_label(detector.settings, budget)
        speed = f"{words / seconds[budget]:.0f}"
        for row in rows:
            if row["threshold"] in THRESHOLDS:
                lines.append(
                    f"| {label} | {speed} | {row['threshold']} | {row['precision']:.3f} | {row['recall']:.3f} "
                    f"| {row['tp']:.0f} | {row['fp']:.0f} | {row['clean']:.2f} | {row['seed']:.0f} of {len(marks)} |"
                )
        best = best_recall(rows, 0.85)
        causes_by_budget[label] = (best, miss_causes(detector, spun, spun_a), speed)
    lines += ["", "Highest recall with precision >= 0.85 (thresholds 0.30-0.95 in steps of 0.05), and where the", ""]
    lines += [f"substitutions end at the default threshold {threshold}:", ""]
    for label, (best, causes, speed) in causes_by_budget.items():
        reached = (
            f"R {best['recall']:.3f} at P {best['precision']:.3f} (threshold {best['threshold']}, "
            f"{best['clean']:.2f} clean flags/1000)"
            if best
            else "never"
        )
        shown = ", ".join(f"{cause} {count}" for cause, count in causes.most_common())
        lines.append(f"- budget {label} ({speed} words/s): {reached}. {shown}")
    write_section("spin-budgets", "\n".join(lines))


def budget_label(settings: Any, budget: float | None) -> str:
    """A fixed budget, or (None) the stage's own rounds, as the tables name them."""
    if budget is None:
        return f"{settings.lm_budget:g}, {settings.lm_budget_spun:g} if spun (default)"
    return f"{budget:g}"


def second_model_text(settings: Any) -> str:
    """The second model and where it is asked, as the results files name it."""
    if not settings.use_lm or settings.second_model is None:
        return "none"
    low, high = settings.second_band
    return f"{settings.second_model}, asked where the first model's score is in [{low}, {high})"


def _budget_header(detector: Detector, pages: int, subs: int) -> list[str]:
    settings = detector.settings
    return [
        "## Spin stage: accuracy against the language-model budget",
        "",
        f"Measured by `bench/eval_spin.py --budgets` on {machine()}:",
        f"the {pages} aeb-dev test pages of `make eval` ({subs} substitutions), the same pages unspun, and seed 000;",
        f"{settings.lm_proposals} proposals per checked position, {settings.max_candidates} candidates scored, "
        f"score weights as shipped, LM {settings.model}, 1 thread; second model: {second_model_text(settings)}.",
        "One pass without the LM and one at the largest budget; a smaller budget's analysis is the large one with",
        "the suspects past its checks left unchecked (the model checks them in a fixed order and a check touches",
        "only its own suspect, but for the occurrences of a suspect name, which share one decision; they are few",
        "and checked first). words/s is an estimate: the pass without the LM plus the LM pass's extra time in",
        "proportion to the checks a budget makes, over the words of all analysed texts (spun, clean and seed).",
        "",
        "| LM checks per 100 words | words/s (est.) | threshold | precision | recall | TP | FP "
        "| clean flags /1000 words | seed 000 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="fit score weights on the fit half and print them")
    # 8 pages of each half by default: the whole test half (43 pages, 2 x 30k words) takes
    # hours on the shared 2-core machine with the LM on.
    parser.add_argument(
        "--fit-document",
        action="store_true",
        help="fit the document weights on the fit half, spun and clean, and print them",
    )
    parser.add_argument("--pages", type=int, default=8, help="pages of each half (0 = all)")
    parser.add_argument("--no-lm", action="store_true", help="prefilter and thesaurus only")
    parser.add_argument(
        "--no-phrases", action="store_true", help="leave phrases out (written to bench/results/spin-no-phrases.md)"
    )
    parser.add_argument(
        "--reuse",
        type=float,
        default=0.0,
        help="spin the pages with a spinner that reuses a word's substitute at this rate "
        "(bench/spinner.py; the report goes to bench/results/spin-reuse.md)",
    )
    parser.add_argument("--budget", type=float, default=None, help="LM checks per 100 words")
    parser.add_argument("--proposals", type=int, default=None, help="the model's own proposals per position")
    parser.add_argument("--model", default=None, help="language model (name or GGUF path; default: the stage's)")
    parser.add_argument("--second", default=None, help="second model (name, GGUF path or `none`; default: the stage's)")
    parser.add_argument(
        "--budgets",
        default=None,
        help="comma-separated LM budgets (e.g. 15,30,60,1000): accuracy at each, and at the stage's own two rounds, "
        "from one LM pass (bench/results/spin-budgets.md) instead of the default report",
    )
    args = parser.parse_args(argv)

    overrides: dict[str, float | int | bool | str | tuple[float, float]] = {
        "use_lm": not args.no_lm,
        "threads": 1,
        "phrases": not args.no_phrases,
    }
    if args.budget is not None:
        overrides["lm_budget"] = args.budget
    if args.proposals is not None:
        overrides["lm_proposals"] = args.proposals
    if args.model is not None:
        overrides["model"] = args.model
    if args.second is not None:
        overrides["second_model"] = "" if args.second == "none" else args.second
    if args.fit:
        overrides["second_band"] = (0.0, 1.0)  # the pair weights are fitted on every checked position
    settings = settings_from(SpinConfig(**overrides))  # type: ignore[arg-type]
    started = time.perf_counter()
    detector = Detector.load(settings)
    pages = aeb_texts("ground-truth")
    fit_ids, test_ids = split_pages(pages, args.pages or None)
    if args.budgets:
        budgets: list[float | None] = [None, *sorted(float(b) for b in args.budgets.split(","))]
        budget_report(detector, budgets, test_ids, pages)
        return
    spinner = Spinner(reuse=args.reuse)
    if args.fit_document:
        texts = [t for p in fit_ids for t in (spin_page(spinner, p, pages[p]), (pages[p], []))]
        weights = {"document_weights": fit_document(detector, texts)}
        print(json.dumps({k: {n: round(v, 3) for n, v in w.items()} for k, w in weights.items()}, indent=2))
        return
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
    if args.reuse:
        lines[0] += f": a spinner that reuses its substitutes ({args.reuse:g})"
        lines.insert(2, reuse_note(args.reuse, spun))
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
        f"{elsewhere} flag{'' if elsewhere == 1 else 's'} elsewhere. "
        f"Analysis of the pages took {seconds:.0f} s (1 LM thread).",
        "",
        "Seed 000 flags: " + "; ".join(f"{f.text} -> {f.suggestions[0]} ({f.score:.2f})" for f in flags),
    ]
    name = "spin-reuse" if args.reuse else "spin-no-phrases" if args.no_phrases else "spin"
    write_section(name, "\n".join(lines))


def reuse_note(reuse: float, spun: list[tuple[str, list[Substitution]]]) -> str:
    """What ``--reuse`` changes, with the share of the substitutions that repeat one."""
    repeated = total = 0
    for _, subs in spun:
        counts = Counter(s.replacement.lower() for s in subs)
        repeated += sum(n for n in counts.values() if n > 1)
        total += len(subs)
    return (
        "The spinner keeps the substitute it chose for a word and writes it again at the word's later\n"
        f"occurrences with probability {reuse:g} (`--reuse`): {repeated} of the {total} substitutions are of a\n"
        "substitute written more than once in its page. The clean pages and seed 000 are as in spin.md.\n"
    )


def _header(settings: Any, pages: int, subs: int, words: int) -> list[str]:
    return [
        "## Spin stage: accuracy",
        "",
        f"Measured by `bench/eval_spin.py` (`make eval`) on {machine()}:",
        f"{pages} aeb-dev test pages (ids not starting with 0-3; the score weights were fitted on pages whose id",
        f"starts with 0-3), spun by `bench/spinner.py`: {subs} substitutions in {words} words.",
        f"LM: {settings.model if settings.use_lm else 'off'}, "
        f"budget {budget_label(settings, None)} checks per 100 words, "
        f"{settings.lm_proposals} proposals of its own per position; default threshold {settings.threshold}.",
        f"Second model: {second_model_text(settings)}.",
        "Best suggestion = original: the share of the flags spanning a substitution exactly whose first",
        "suggestion is the word the spinner replaced.",
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
