"""The fast first look: does a neighbour fit the words around a position better than the word?

Two cheap signals decide which positions the language model looks at:

* a trigram model (the 27 MB US-English LM that PyPI ``pocketsphinx`` ships,
  ``en-us.lm.bin``): :func:`window_logprob` sums ``log P`` of the word and the two words
  after it, so the left *and* the right context count; the gain of a candidate is its
  window minus the word's window;
* ``wordfreq`` unigram frequencies (Zipf scale): a spinner's synonyms are often rarer than
  the words they replace.

The trigram model is queried in natural-log units; a word it does not know gets
:data:`OOV_LOGPROB`, so one unknown name cannot dominate a window.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

# pocketsphinx reports log base 1.0001; this turns it into natural log.
_LN_BASE = math.log(1.0001)
# Floor of one word's log-probability (nats): an unknown word scores like a very rare one
# instead of the model's -inf sentinel.
OOV_LOGPROB = -16.0
SENTENCE_START = "<s>"
SENTENCE_END = "</s>"


class NGram(Protocol):
    """What the prefilter needs of an n-gram model: ``prob([word, prev, prev2])``."""

    def prob(self, words: list[str]) -> int: ...


def pocketsphinx_lm_file() -> Path | None:
    """The US-English trigram model shipped inside PyPI ``pocketsphinx``, if installed."""
    spec = find_spec("pocketsphinx")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model" / "en-us" / "en-us.lm.bin"
    return path if path.is_file() else None


class TrigramScorer:
    """Natural-log trigram probabilities with a floor and a cache."""

    def __init__(self, model: NGram) -> None:
        self._model = model
        self._cached = lru_cache(maxsize=200_000)(self._logprob)

    @classmethod
    def load(cls) -> TrigramScorer:
        """Read pocketsphinx's ``en-us.lm.bin`` (0.05 s: it is memory-mapped)."""
        path = pocketsphinx_lm_file()
        if path is None:
            msg = "the pocketsphinx trigram model is missing: run `make setup` (PyPI pocketsphinx)"
            raise FileNotFoundError(msg)
        from pocketsphinx import NGramModel  # type: ignore[import-untyped]

        return cls(NGramModel.readfile(str(path)))

    def _logprob(self, word: str, prev: str, prev2: str) -> float:
        raw = self._model.prob([word, prev, prev2])
        return max(OOV_LOGPROB, raw * _LN_BASE)

    def logprob(self, word: str, prev: str, prev2: str) -> float:
        """``ln P(word | prev2 prev)``, floored at :data:`OOV_LOGPROB`."""
        return float(self._cached(word, prev, prev2))

    def window(self, words: Sequence[str], i: int, replacement: str) -> float:
        """:func:`window_logprob` with this model."""
        return window_logprob(self.logprob, words, i, replacement)


def window_logprob(logprob: _LogProb, words: Sequence[str], i: int, replacement: str) -> float:
    """``ln P`` of ``words[i]`` replaced by ``replacement`` and of the two words after it.

    ``words`` is one sentence, lower-cased; positions before and after it read as
    ``<s>``/``</s>``. A multi-word replacement counts all its words.

    >>> table = {("b", "a"): -1.0, ("c", "b"): -1.0, ("x", "a"): -5.0, ("c", "x"): -5.0}
    >>> lp = lambda w, p, p2: table.get((w, p), -2.0)
    >>> window_logprob(lp, ["a", "b", "c"], 1, "b"), window_logprob(lp, ["a", "b", "c"], 1, "x")
    (-4.0, -12.0)
    """
    new = [*words[:i], *replacement.split(), *words[i + 1 :]]
    width = len(replacement.split())
    padded = [SENTENCE_START, SENTENCE_START, *new, SENTENCE_END]
    total = 0.0
    for j in range(i + 2, min(i + 2 + width + 2, len(padded))):
        total += logprob(padded[j], padded[j - 1], padded[j - 2])
    return total


@lru_cache(maxsize=1)
def load_zipf() -> Callable[[str], float]:
    """``wordfreq``'s English Zipf frequency as a fast dictionary lookup (0.1 s to load, once
    per process: the spin and grammar stages share it).

    ``zipf_frequency`` re-tokenises every query; a single lower-case word is simply looked
    up, anything else goes through it.
    """
    from wordfreq import get_frequency_dict, zipf_frequency

    table = get_frequency_dict("en")

    def zipf(word: str) -> float:
        freq = table.get(word)
        if freq is not None:
            return round(math.log10(freq) + 9.0, 2)
        if word.isalpha() and word.islower():
            return 0.0
        return float(zipf_frequency(word, "en"))

    return zipf


class _LogProb(Protocol):
    def __call__(self, word: str, prev: str, prev2: str) -> float: ...
