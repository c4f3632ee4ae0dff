"""The spin stage's demonym signal on demonym swaps with known answers (run by hand, not by `make eval`).

``python -m bench.eval_demonyms`` writes bench/results/spin-demonyms.md.

`make eval`'s spinner swaps demonyms too, but its 16 pages hold none that it knows, so the
demonym signal (``entity:demonym``, its score set by hand in
:meth:`cleaner.spin.engine.Detector.score`) is not measured there. Here every aeb-dev page
with at least two mentions of a demonym from :data:`bench.spinner.DEMONYMS` has about a third
of those mentions (at least one) swapped for another demonym, and nothing else. Each page
is then checked, spun and clean, for its demonym suspects only: the language model checks
all of them, as in the stage, where entity suspects are checked first, and each demonym gets
one decision (:func:`cleaner.spin.suspects.one_decision_per_name`). Reported: recall of the
swaps and false flags, spun pages and clean pages, at several thresholds.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass

from bench.common import aeb_texts, machine, write_section
from bench.spinner import DEMONYMS
from cleaner.spin.candidates import sentences
from cleaner.spin.engine import Detector, settings_from
from cleaner.spin.suspects import one_per_token
from cleaner.stages.spin import SpinConfig

SHARE = 0.3  # of a page's demonym mentions swapped (at least one)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_NAME = re.compile(r"\b[A-Z][a-z]+\b")
_KNOWN = frozenset(DEMONYMS)


@dataclass(frozen=True)
class Scored:
    """A demonym suspect: its word, whether it is a swap, and its score."""

    word: str
    swapped: bool
    score: float


def swap_demonyms(text: str, seed: int) -> tuple[str, set[tuple[int, int]]]:
    """``text`` with about :data:`SHARE` of its known demonyms swapped, and the swaps' spans in it."""
    rng = random.Random(seed)
    found = [m for m in _NAME.finditer(text) if m.group() in _KNOWN]
    chosen = [m for m in found if rng.random() < SHARE] or [rng.choice(found)]
    pieces, spans, last, shift = [], set(), 0, 0
    for match in chosen:
        new = rng.choice([d for d in DEMONYMS if d != match.group()])
        start = match.start() + shift
        pieces += [text[last : match.start()], new]
        spans.add((start, start + len(new)))
        shift += len(new) - len(match.group())
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), spans


def demonym_suspects(detector: Detector, text: str, swaps: set[tuple[int, int]]) -> list[Scored]:
    """The page's demonym suspects, each checked by the language model, with their scores.

    The stage's own steps, less the thesaurus suspects (so that the budget goes to these).
    """
    sents = sentences(text)
    tokens = [t for s in sents for t in s.tokens]
    found = one_per_token(detector._entity_suspects(text, sents, Counter(), []))
    found = [s for s in found if s.rule == "entity:demonym"]
    detector._check_with_lm(text, tokens, found)
    return [Scored(s.token.word, (s.token.start, s.token.end) in swaps, detector.score(s)) for s in found]


def main() -> None:
    detector = Detector.load(settings_from(SpinConfig()))
    pages = aeb_texts("ground-truth")
    spun: list[Scored] = []
    clean: list[Scored] = []
    swaps = words = used = 0
    for seed, (_, text) in enumerate(sorted(pages.items())):
        if sum(1 for m in _NAME.finditer(text) if m.group() in _KNOWN) < 2:
            continue
        spun_text, spans = swap_demonyms(text, seed)
        spun += demonym_suspects(detector, spun_text, spans)
        clean += demonym_suspects(detector, text, set())
        swaps, words, used = swaps + len(spans), words + len(text.split()), used + 1
    rows = []
    for threshold in THRESHOLDS:
        hits = sum(1 for s in spun if s.swapped and s.score >= threshold)
        wrong = sum(1 for s in spun if not s.swapped and s.score >= threshold)
        false_clean = [s.word for s in clean if s.score >= threshold]
        rows.append(
            f"| {threshold} | {hits} of {swaps} ({hits / swaps:.2f}) | {wrong} | "
            f"{len(false_clean)} ({', '.join(false_clean) or '-'}) |"
        )
    default = detector.settings.entity_threshold
    missed = sorted(round(s.score, 2) for s in spun if s.swapped and s.score < default)
    suspected = sum(1 for s in spun if s.swapped)
    markdown = f"""## Spin stage: the demonym signal on demonym swaps

Measured by `python -m bench.eval_demonyms` on {machine()}.

The {used} aeb-dev pages (both halves; no weight of this signal was fitted on them) with at least
two mentions of a demonym the spinner knows, {words} words. About a third of those mentions were
swapped for another demonym, {swaps} swaps, and nothing else. The model checked every demonym
suspect, and every occurrence of a demonym was scored with the mean of their gains, as in the
stage; default settings.

| entity threshold | swaps flagged (recall) | other demonyms flagged on the spun pages | flags on the clean pages |
|---|---|---|---|
{chr(10).join(rows)}

{suspected} of the {swaps} swaps became suspects (a swapped demonym must be much less used in the
page than another one). The scores of the swaps left below the default `entity_threshold` {default}
(entity flags have their own threshold: their scores are not the document step's):
{", ".join(map(str, missed)) or "none"}.
"""
    write_section("spin-demonyms", markdown)


if __name__ == "__main__":
    main()
