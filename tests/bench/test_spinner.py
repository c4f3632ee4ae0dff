"""The evaluation's spinner: what it replaces and, with ``reuse``, that it writes a word's substitute again."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.spinner import Spinner
from cleaner.spin.morph import Exceptions

# Ten occurrences of one content word among function words: the only word the spinner may touch.
TEXT = " ".join(["the talks and"] * 10)


def small_spinner(rate: float, reuse: float) -> Spinner:
    """A spinner over four neighbours of "talk", all common enough to be written (not the installed
    thesauri: the test is about the draw)."""
    spinner = Spinner.__new__(Spinner)
    spinner.rate, spinner.reuse = rate, reuse
    spinner.index = {
        "talk": [("negotiation", "wordnet"), ("conversation", "wordnet"), ("chat", "moby"), ("discussion", "moby")]
    }
    spinner.exceptions, spinner.verb_phrases = Exceptions(), frozenset()
    return spinner


def substitutes(spinner: Spinner, seed: int) -> Counter[str]:
    _, subs = spinner.spin(TEXT, seed)
    assert all(s.original == "talks" for s in subs)
    return Counter(s.replacement for s in subs)


@pytest.mark.parametrize("seed", range(5))
def test_a_reusing_spinner_writes_one_substitute_per_word(seed: int) -> None:
    """Every occurrence after the first spun one is spun again (reuse 1) with the same substitute."""
    spinner = small_spinner(rate=0.5, reuse=1.0)
    text, subs = spinner.spin(TEXT, seed)
    assert len({s.replacement for s in subs}) == 1
    later = [m for m in range(len(text)) if text.startswith(subs[0].replacement, m)]
    assert [s.start for s in subs] == later  # every occurrence from the first spun one on
    assert "talks" not in text[subs[0].start :]


def test_a_spinner_without_reuse_draws_each_occurrence_on_its_own() -> None:
    counts = Counter[str]()
    for seed in range(5):
        counts += substitutes(small_spinner(rate=1.0, reuse=0.0), seed)
    assert sum(counts.values()) == 50
    assert len(counts) == 4  # every neighbour drawn somewhere in 50 draws


def test_reuse_keeps_the_capitalisation_of_the_occurrence() -> None:
    spinner = small_spinner(rate=1.0, reuse=1.0)
    text, subs = spinner.spin("Talks ended. The talks went on. Talks resumed.", seed=3)
    written = [text[s.start : s.end] for s in subs]
    assert len(written) == 3
    assert written[0][0].isupper() and written[1][0].islower() and written[2][0].isupper()
    assert len({w.lower() for w in written}) == 1
