"""A corpus of distinct pages for the ``--jobs`` benchmark, made from the aeb-dev pages.

Ten plain copies of the 88 pages are not a corpus a user has: one process meets every line
ten times and, since the boilerplate stage remembers lines within a run, measures each once,
while each of two workers measures it again. Here copy ``k`` of a page has its words swapped
for other words of the same length (a fixed permutation of the corpus vocabulary per copy),
keeping everything the stages look at but the words themselves: stop words, lengths,
capitals, digits, punctuation and line structure. Lines repeated across pages (a site's
menus) stay repeated within a copy, as on a real site; no line of prose repeats across copies.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping

from cleaner.boilerplate.lines import STOP_WORDS

_WORD = re.compile(r"\b[A-Za-z]+\b")


def vocabulary(texts: Iterable[str]) -> list[str]:
    """The lower-case words of ``texts`` that a variant may swap (not stop words), sorted.

    >>> vocabulary(["The cat sat.", "A dog and the cat"])
    ['cat', 'dog', 'sat']
    """
    words = {m.group().lower() for text in texts for m in _WORD.finditer(text)}
    return sorted(words - STOP_WORDS)


def swaps(words: list[str], copy: int) -> dict[str, str]:
    """For copy ``copy``, each word's replacement: a word of the same length (copy 0: itself).

    >>> swaps(["cat", "dog", "sat"], 0)
    {'cat': 'cat', 'dog': 'dog', 'sat': 'sat'}
    >>> sorted(swaps(["cat", "dog", "sat"], 1).values())
    ['cat', 'dog', 'sat']
    """
    by_length: dict[int, list[str]] = {}
    for word in words:
        by_length.setdefault(len(word), []).append(word)
    result: dict[str, str] = {}
    for group in by_length.values():
        shuffled = list(group)
        if copy:
            random.Random(copy * 1_000_003 + len(group[0])).shuffle(shuffled)
        result.update(zip(group, shuffled, strict=True))
    return result


def variant(text: str, swap: Mapping[str, str]) -> str:
    """``text`` with its words swapped, in the same case pattern (mixed-case words are kept).

    >>> variant("The Cat sat on CAT-mat, iPhone.", {"cat": "dog", "sat": "ran", "mat": "rug", "iphone": "x"})
    'The Dog ran on DOG-rug, iPhone.'
    """

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        new = swap.get(word.lower())
        if new is None:
            return word
        if word.islower():
            return new
        if word.isupper():
            return new.upper()
        if word[0].isupper() and word[1:].islower():
            return new.capitalize()
        return word

    return _WORD.sub(replace, text)


def distinct_copies(texts: Mapping[str, str], copies: int) -> dict[str, str]:
    """``copies`` variants of every page, named ``<page>-<copy>``; copy 0 is the page itself."""
    words = vocabulary(texts.values())
    corpus: dict[str, str] = {}
    for copy in range(copies):
        swap = swaps(words, copy)
        corpus |= {f"{page}-{copy}": variant(text, swap) for page, text in texts.items()}
    return corpus
