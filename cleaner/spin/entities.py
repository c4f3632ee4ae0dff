"""Entity consistency: a name that is a near-spelling of a better-attested one is suspect.

Spinners and careless copying leave ``O'Brian`` beside ``O'Brien`` and a demonym swapped for
another (``Iranian`` in a text about Armenians). Two kinds of alternatives are proposed here;
the language model and the stage decide:

* near spellings (:func:`near_spellings`): two capitalised names with a small edit distance,
  the one with less *support* (mentions in the document, in the other documents of the run,
  and general frequency in ``wordfreq``) being the suspect;
* document demonyms (:func:`demonym_alternatives`): a demonym mentioned less often than
  another demonym of the same document.

Deliberately left alone: pairs of two common words (``Iran``/``Iraq``,
``Austria``/``Australia``): both spellings are real, and only the context can tell.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

# A capitalised word, apostrophes and hyphens inside it allowed (O'Brien, Al-Assad).
_NAME = re.compile(r"\b[A-Z][a-z]*(?:['’][A-Z]?[a-z]+)*(?:-[A-Z][a-z]+)*\b")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?:\"“”]\s*$|^\s*$")
# Endings of English demonyms (Armenian, Japanese, Danish, Iraqi). WordNet's pertainyms also
# hold "tribal" or "economic", which are no demonyms even when capitalised.
DEMONYM_ENDINGS = ("an", "ese", "ish", "i")
# What turns a name into a related one: plural, possessive, demonym (Israel -> Israeli).
# What turns a name into another form of itself: a demonym ending, then a plural or possessive
# (Armenia -> Armenian -> Armenians, Azerbaijan -> Azerbaijanis, Kean -> Kean's).
_DEMONYM_SUFFIXES = ("", "n", "an", "ian", "i", "ese", "ish", "ic")
_NAME_SUFFIXES = frozenset(d + p for d in _DEMONYM_SUFFIXES for p in ("", "s", "'s", "es")) - {""}
# Both spellings at least this common in general English: not a misspelling pair.
COMMON_ZIPF = 4.0


@dataclass(frozen=True)
class Mention:
    """A capitalised name in a text."""

    start: int
    end: int
    name: str
    sentence_initial: bool


def mentions(text: str) -> list[Mention]:
    """Capitalised words of ``text``, marked when they open a sentence.

    >>> [(m.name, m.sentence_initial) for m in mentions("Nothing, O’Brian said. Then Kean’s aide left.")]
    [('Nothing', True), ('O’Brian', False), ('Then', True), ('Kean', False)]
    """
    found = []
    for match in _NAME.finditer(text):
        name = _POSSESSIVE.sub("", match.group())
        if len(name) < 2:
            continue
        before = text[max(0, match.start() - 3) : match.start()]
        initial = bool(_SENTENCE_END.search(before)) or match.start() == 0
        found.append(Mention(match.start(), match.start() + len(name), name, initial))
    return found


def name_counts(text: str) -> Counter[str]:
    """How often each name occurs; a sentence opener counts only if it also occurs inside a sentence.

    >>> name_counts("Then Kean spoke. Kean and Keen left.")
    Counter({'Kean': 2, 'Keen': 1})
    """
    found = mentions(text)
    inside = {m.name for m in found if not m.sentence_initial}
    return Counter(m.name for m in found if m.name in inside)


def _key(name: str) -> str:
    return name.lower().replace("’", "'")


def support(name: str, doc: Counter[str], run: Counter[str], zipf: Callable[[str], float]) -> float:
    """How well attested a spelling is: its mentions here and elsewhere in the run, and in English.

    >>> round(support("Kean", Counter(Kean=3), Counter(Kean=3), lambda w: 2.0), 2)
    2.39
    """
    elsewhere = run[name] - doc[name]
    return math.log1p(doc[name]) + 0.5 * math.log1p(max(0, elsewhere)) + 0.5 * zipf(_key(name))


@dataclass(frozen=True)
class Alternative:
    """A better-attested spelling for a name, with the figures behind it."""

    name: str
    better: str
    distance: int
    support: float
    better_support: float


def near_spellings(
    doc: Counter[str], run: Counter[str], zipf: Callable[[str], float], max_distance: int = 2
) -> dict[str, Alternative]:
    """For each name with a better-attested near-spelling in the document or run, that spelling.

    >>> z = {"o'brien": 3.85, "o'brian": 2.43}.get
    >>> alt = near_spellings(Counter({"O’Brien": 1, "O’Brian": 2}), Counter(), lambda w: z(w, 0.0))
    >>> alt["O’Brian"].better, "O’Brien" in alt
    ('O’Brien', False)
    """
    names = sorted(set(doc) | {n for n in run if run[n] >= 2})
    result: dict[str, Alternative] = {}
    for name in (n for n in doc if len(n) >= 4):
        own = support(name, doc, run, zipf)
        best: Alternative | None = None
        for other in names:
            if other == name or other[0] != name[0] or _is_inflection(name, other):
                continue
            limit = min(max_distance, len(name) // 4)
            distance = Levenshtein.distance(_key(name), _key(other), score_cutoff=limit)
            if distance > limit or min(zipf(_key(name)), zipf(_key(other))) >= COMMON_ZIPF:
                continue
            theirs = support(other, doc, run, zipf)
            if theirs > own and (best is None or theirs > best.better_support):
                best = Alternative(name, other, distance, own, theirs)
        if best is not None:
            result[name] = best
    return result


def _is_inflection(a: str, b: str) -> bool:
    """``Kean``/``Keans``/``Kean's``, ``Armenia``/``Armenians``: the same name, not a misspelling.

    >>> _is_inflection("Armenians", "Armenia"), _is_inflection("Azerbaijanis", "Azerbaijan")
    (True, True)
    >>> _is_inflection("O'Brian", "O'Brien"), _is_inflection("Iranian", "Armenian")
    (False, False)
    """
    short, long = sorted((_key(a), _key(b)), key=len)
    return long.startswith(short) and long[len(short) :] in _NAME_SUFFIXES


def wordnet_demonyms(folder: Path) -> frozenset[str]:
    """Adjectives WordNet relates to a noun (pertainyms, ``\\`` pointers): ``armenian`` -> Armenia.

    Capitalised in running text, these are demonyms and the like; surnames are not among them.
    """
    path = folder / "index.adj"
    if not path.is_file():
        return frozenset()
    found = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) > 4 and not line.startswith(" ") and "\\" in fields[4 : 4 + int(fields[3])]:
                found.add(fields[0])
    return frozenset(found)


def demonym_alternatives(doc: Counter[str], demonyms: frozenset[str], min_ratio: float = 2.0) -> dict[str, list[str]]:
    """Demonyms of a document that a more frequent demonym of it could have replaced.

    >>> known = frozenset({"armenian", "iranian", "azerbaijani", "tribal"})
    >>> demonym_alternatives(Counter({"Armenian": 5, "Iranian": 1, "Azerbaijani": 4, "Tribal": 1}), known)
    {'Iranian': ['Armenian', 'Azerbaijani']}
    """
    demonyms_here = {n: c for n, c in doc.items() if n.lower() in demonyms and n.lower().endswith(DEMONYM_ENDINGS)}
    result: dict[str, list[str]] = {}
    for name, count in demonyms_here.items():
        ranked = sorted(demonyms_here.items(), key=lambda x: -x[1])
        better = [o for o, c in ranked if c >= min_ratio * count and o != name]
        if better:
            result[name] = better[:3]
    return result


def iter_suspect_mentions(text: str, suspects: dict[str, Alternative]) -> Iterator[Mention]:
    """The mentions of ``text`` whose name is a key of ``suspects`` (openers included)."""
    return (m for m in mentions(text) if m.name in suspects)
