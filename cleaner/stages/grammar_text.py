"""The grammar stage's text work around LanguageTool: paragraphs, names, language, safe fixes.

Pure functions of the text and LanguageTool's matches, so that the stage's choices can be
tested without a server.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from cleaner.languagetool import LTMatch
from cleaner.variants import american_forms

# Below this many words a document's language is not judged by its unknown words: a couple
# of names would make a large share.
MIN_WORDS_TO_JUDGE_LANGUAGE = 30

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# What comes before a sentence's first word: the text's start, or a sentence end and space
# (quotes and brackets allowed); searched in the few characters before the word.
_SENTENCE_START = re.compile(r"(?:\A|[.!?:][\"”’')\]]*\s+|\n\s*)[\"“‘'(\[]*\Z")
# A letter of the Latin alphabet, accented or not (Latin-1, Latin Extended A/B and Additional).
_LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
# LanguageTool's languages that are not written in the Latin alphabet.
NON_LATIN_LANGUAGES = frozenset({"ar", "be", "el", "fa", "ja", "km", "ru", "ta", "uk", "zh"})


# An en-US check finding at least this many British spellings checks the document as en-GB.
BRITISH_MIN_WORDS = 2


def british_spellings(text: str, matches: list[LTMatch]) -> int:
    """How many of the spelling matches are British spellings that LanguageTool would respell
    the American way (``criticised`` -> ``criticized``).

    >>> m = [LTMatch(0, 10, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "", ("criticized",)),
    ...      LTMatch(11, 16, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "", ("Rooms",))]
    >>> british_spellings("criticised Roons", m)
    1
    """
    spelling = (m for m in matches if m.issue_type == "misspelling" and m.replacements)
    return sum(1 for m in spelling if american_forms(text[m.start : m.end]) & {r.lower() for r in m.replacements})


# A paragraph longer than this goes to LanguageTool in pieces: its time and memory grow
# faster than the text (a 400,000-character paragraph took 80 s and 5.7 GB of Java heap).
MAX_PARAGRAPH_CHARS = 20_000


def split_paragraphs(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> Iterator[tuple[int, str]]:
    """The paragraphs of ``text`` (separated by blank lines) with their offsets; blank ones are left out.

    One longer than ``limit`` is cut into pieces (:func:`_pieces`).

    >>> list(split_paragraphs("One.\\n\\n  \\nTwo\\nlines.\\n"))
    [(0, 'One.'), (9, 'Two\\nlines.\\n')]
    >>> list(split_paragraphs("First line.\\nSecond one. Third.", limit=15))
    [(0, 'First line.\\n'), (12, 'Second one. '), (24, 'Third.')]
    """
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        if text[start : brk.start()].strip():
            yield from _pieces(start, text[start : brk.start()], limit)
        start = brk.end()
    if text[start:].strip():
        yield from _pieces(start, text[start:], limit)


def _pieces(offset: int, paragraph: str, limit: int) -> Iterator[tuple[int, str]]:
    """``paragraph`` in pieces of at most ``limit`` characters, each ending at the last line break
    before the limit, or else the last sentence end, or else the last space."""
    while len(paragraph) > limit:
        cut = paragraph.rfind("\n", 0, limit) + 1
        if cut <= 0:
            cut = paragraph.rfind(". ", 0, limit - 1) + 2
        if cut <= 1:
            cut = paragraph.rfind(" ", 0, limit) + 1
        if cut <= 0:
            cut = limit
        if paragraph[:cut].strip():
            yield offset, paragraph[:cut]
        offset, paragraph = offset + cut, paragraph[cut:]
    if paragraph.strip():
        yield offset, paragraph


@dataclass
class NameCounts:
    """How often each capitalised run of letters occurs, as a name could, in the texts added.

    A word that opens sentences counts there only if it is also capitalised inside one, in any
    of the texts: any word is capitalised at a sentence's start, a misspelled one too
    ("Goverment said ...").

    >>> counts = NameCounts.of("Goverment spoke. Goverment agreed. Then Kean left. Kean said so.")
    >>> counts["Goverment"], counts["Kean"], counts["Then"]
    (0, 2, 0)
    >>> counts.add("Minister Goverment"); counts["Goverment"]
    3
    """

    inside: Counter[str] = field(default_factory=Counter)
    opening: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, text: str) -> NameCounts:
        counts = cls()
        counts.add(text)
        return counts

    def add(self, text: str) -> None:
        for match in _LETTER_RUN.finditer(text):
            word, at = match.group(), match.start()
            if word[0].isupper():
                (self.opening if _SENTENCE_START.search(text, max(0, at - 8), at) else self.inside)[word] += 1

    def update(self, other: NameCounts) -> None:
        self.inside.update(other.inside)
        self.opening.update(other.opening)

    def __getitem__(self, word: str) -> int:
        inside = self.inside[word]
        return inside + self.opening[word] if inside else 0


def is_recurring_name(word: str, counts: NameCounts, threshold: int) -> bool:
    """Whether a flagged ``word`` is capitalised and each of its capitalised parts occurs ``threshold`` times.

    >>> counts = NameCounts.of("Rafik met Sarkisian, Sarkisian and Sarkisian.")
    >>> is_recurring_name("Sarkisian's", counts, 2), is_recurring_name("Rafik", counts, 2)
    (True, False)
    >>> is_recurring_name("sarkisian", counts, 2)  # lower case: a word, not a name
    False
    """
    parts = [p for p in _LETTER_RUN.findall(word) if p[0].isupper()]
    if threshold <= 0 or not word[:1].isupper() or not parts:
        return False
    return all(counts[p] >= threshold for p in parts)


def unknown_word_share(text: str, matches: list[LTMatch], latin: bool = True) -> float:
    """The share of the words of ``text`` that LanguageTool's speller did not know (0 for no words).

    Capitalised words are left out: names are often unknown to the speller, and a match
    report's team sheets are English too. For a ``latin`` language, a word with no Latin letter
    counts as unknown: the speller passes over words of another script, so Russian text would
    seem to have none.

    >>> text = "olá a todos " * 10
    >>> unknown_word_share(text, [LTMatch(i, i + 3, "R", "TYPOS", "misspelling", "", ()) for i in range(0, 120, 12)])
    0.3333333333333333
    >>> unknown_word_share("olá a todos", [LTMatch(0, 3, "R", "TYPOS", "misspelling", "", ())])  # too short to judge
    0.0
    >>> names = "Saka and Odegaard scored. " * 10
    >>> unknown_word_share(names, [LTMatch(i, i + 4, "R", "TYPOS", "misspelling", "", ()) for i in range(0, 260, 26)])
    0.0
    >>> text = "Мы встретились в москве, and then we met again. " * 4
    >>> round(unknown_word_share(text, []), 2), unknown_word_share(text, [], latin=False)
    (0.38, 0.0)
    """
    words = [w for w in _LETTER_RUN.findall(text) if not w[:1].isupper()]
    if len(words) < MIN_WORDS_TO_JUDGE_LANGUAGE:
        return 0.0
    other_script = sum(1 for w in words if not _LATIN_LETTER.search(w)) if latin else 0
    unknown = sum(1 for m in matches if m.issue_type == "misspelling" and not text[m.start : m.end][:1].isupper())
    return (unknown + other_script) / len(words)


def safe_fixes(matches: list[LTMatch], rules: tuple[str, ...]) -> list[LTMatch]:
    """The matches that may be applied: a listed rule, exactly one suggestion, no overlap with another.

    >>> m = LTMatch(0, 5, "ENGLISH_WORD_REPEAT_RULE", "MISC", "duplication", "repeated", ("He",))
    >>> [f.start for f in safe_fixes([m], ("ENGLISH_WORD_REPEAT_RULE",))]
    [0]
    >>> safe_fixes([m], ())  # rule not listed
    []
    """
    chosen: list[LTMatch] = []
    for match in sorted(matches, key=lambda m: (m.start, m.end)):
        if match.rule_id not in rules or len(match.replacements) != 1:
            continue
        if chosen and chosen[-1].end > match.start:
            continue
        chosen.append(match)
    return chosen


def only_decomposed(word: str, replacements: tuple[str, ...]) -> bool:
    """Whether ``word`` is flagged only for being written with combining accents: its composed
    (NFC) form, which reads the same, is among the ``replacements``.

    >>> only_decomposed("cafe\u0301", ("cafe", "caf\u00e9")), only_decomposed("caf\u00e9", ("cafe",))
    (True, False)
    """
    composed = unicodedata.normalize("NFC", word)
    return composed != word and composed in replacements
