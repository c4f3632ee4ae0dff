"""Whether a text is English enough to check, and how many words it has.

The spin stage checks English only: its thesauri, trigram model and language model are
English, and in another language every word would look like a swap.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cleaner.spin.candidates import sentences


def word_count(text: str) -> int:
    """Words of ``text`` as the stage counts them.

    >>> word_count("Peace talks, O’Brien said.")
    4
    """
    return sum(len(s.tokens) for s in sentences(text))


_LETTERS = re.compile(r"[^\W\d_]+")
# Fewer words than this tell too little of a text's language: it counts as English.
MIN_WORDS_FOR_LANGUAGE = 20
# A word at least this common in English (wordfreq Zipf) counts as an English word.
ENGLISH_ZIPF = 3.0


def english_share(text: str, zipf: Callable[[str], float]) -> float:
    """The share of the words of ``text`` that are common English words (Zipf >= 3), leaving
    out capitalised words (names, mostly: a match report's team sheets are English too); 1.0
    when fewer than :data:`MIN_WORDS_FOR_LANGUAGE` words are left.

    >>> z = {"the": 7.7, "talks": 4.5, "went": 5.3, "on": 7.0, "with": 7.3}.get
    >>> english_share("The talks went on with Raya, Saliba, Odegaard. " * 7, lambda w: z(w, 0.0))
    1.0
    >>> english_share("Die Gespräche gingen weiter. " * 10, lambda w: z(w, 0.0))
    0.0
    """
    words = [w.lower() for w in _LETTERS.findall(text) if not w[:1].isupper()]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return 1.0
    return sum(1 for w in words if zipf(w) >= ENGLISH_ZIPF) / len(words)
