"""Entity consistency: a name that is a near-spelling of a better-attested one is suspect.

Spinners and careless copying leave ``O'Brian`` beside ``O'Brien`` and a demonym swapped for
another (``Iranian`` in a text about Armenians). Two kinds of alternatives are proposed here;
the language model and the stage decide:

* near spellings (:func:`near_spellings`): two capitalised names with a small edit distance,
  the one with less *support* (mentions in the document, in the other documents of the run,
  and general frequency in ``wordfreq``) being the suspect;
* document demonyms (:func:`demonym_alternatives`): a demonym much less supported in the
  document (by its own mentions and those of its place) than another demonym.

Deliberately left alone: pairs of two common words (``Iran``/``Iraq``,
``Austria``/``Australia``): both spellings are real, and only the context can tell.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

# A capitalised word, apostrophes and hyphens inside it allowed (O'Brien, Al-Assad).
_NAME = re.compile(r"\b[A-Z][a-z]*(?:['’][A-Z]?[a-z]+)*(?:-[A-Z][a-z]+)*\b")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?:\"“”]\s*$|^\s*$")
# What turns a name into a related one: plural, possessive, demonym (Israel -> Israeli).
# What turns a name into another form of itself: a demonym ending, then a plural or possessive
# (Armenia -> Armenian -> Armenians, Azerbaijan -> Azerbaijanis, Kean -> Kean's).
_DEMONYM_SUFFIXES = ("", "n", "an", "ian", "i", "ese", "ish", "ic")
_NAME_SUFFIXES = frozenset(d + p for d in _DEMONYM_SUFFIXES for p in ("", "s", "'s", "es")) - {""}
# Both spellings at least this common in general English: not a misspelling pair.
COMMON_ZIPF = 4.0
# A spelling seen only in the run's other documents counts against a name English hardly knows
# (a misspelling); not against a name it knows ("Marek" in one story, "Mark" in another).
CROSS_RUN_MAX_ZIPF = 2.0
# A capitalised word that only opens sentences counts as a name when English uses it this rarely.
OPENER_MAX_ZIPF = 3.0


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


def name_counts(text: str, zipf: Callable[[str], float] | None = None) -> Counter[str]:
    """How often each name occurs; a sentence opener counts only if it also occurs inside a sentence
    or, given ``zipf``, if it is rare as an English word (under ``OPENER_MAX_ZIPF``: a name
    that only opens sentences, "Mendez said ...").

    >>> name_counts("Then Kean spoke. Kean and Keen left.")
    Counter({'Kean': 2, 'Keen': 1})
    >>> text = "Mendez scored. Then Mendes left."
    >>> name_counts(text), name_counts(text, {"then": 6.2, "mendez": 2.9, "mendes": 3.2}.get)
    (Counter({'Mendes': 1}), Counter({'Mendez': 1, 'Mendes': 1}))
    """
    found = mentions(text)
    inside = {m.name for m in found if not m.sentence_initial}
    rare = {m.name for m in found if zipf is not None and (zipf(_key(m.name)) or 0.0) < OPENER_MAX_ZIPF}
    return Counter(m.name for m in found if m.name in inside or m.name in rare)


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
    in_document: bool = True  # whether the better spelling is in the same document


def near_spellings(
    doc: Counter[str], run: Counter[str], zipf: Callable[[str], float], max_distance: int = 2
) -> dict[str, Alternative]:
    """For each name with a better-attested near-spelling in the document or run, that spelling.

    One only in other documents of the run counts for a name under ``CROSS_RUN_MAX_ZIPF``.

    >>> z = {"o'brien": 3.85, "o'brian": 2.43}.get
    >>> alt = near_spellings(Counter({"O’Brien": 1, "O’Brian": 2}), Counter(), lambda w: z(w, 0.0))
    >>> alt["O’Brian"].better, "O’Brien" in alt
    ('O’Brien', False)
    >>> near_spellings(Counter({"O’Brian": 2}), Counter({"O’Brien": 5, "O’Brian": 2}), lambda w: z(w, 0.0))
    {}
    >>> near_spellings(Counter({"O'Brien": 1, "O’Brien": 3}), Counter(), lambda w: z(w, 0.0))
    {}
    """
    names = sorted(set(doc) | {n for n in run if run[n] >= 2})
    result: dict[str, Alternative] = {}
    for name in (n for n in doc if len(n) >= 4):
        own = support(name, doc, run, zipf)
        key, limit = _key(name), min(max_distance, len(name) // 4)
        own_zipf = zipf(key)
        best: Alternative | None = None
        for other in names:
            if _key(other) == key or other[0] != name[0] or _is_inflection(name, other):
                continue  # (the same name, perhaps with the other apostrophe: O'Brien, O’Brien)
            distance = Levenshtein.distance(key, _key(other), score_cutoff=limit)
            if distance > limit or min(own_zipf, zipf(_key(other))) >= COMMON_ZIPF:
                continue
            if not doc[other] and own_zipf >= CROSS_RUN_MAX_ZIPF:
                continue
            theirs = support(other, doc, run, zipf)
            if theirs > own and (best is None or theirs > best.better_support):
                best = Alternative(name, other, distance, own, theirs, doc[other] > 0)
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


def wordnet_demonyms(folder: Path) -> dict[str, frozenset[str]]:
    """Capitalised adjectives that WordNet relates to a noun (pertainyms, ``\\`` pointers), each
    with the lower-cased one-word names of that noun: ``Armenian`` -> ``{"armenia"}``,
    ``British`` -> ``set()`` (Great Britain is two words).

    These are demonyms and the like (``Christian``, ``Stalinist``); lower-case pertainyms
    (``tribal``, ``economic``) and surnames are not among them.
    """
    adjectives, nouns = folder / "data.adj", folder / "data.noun"
    if not (adjectives.is_file() and nouns.is_file()):
        return {}
    found: dict[str, set[str]] = {}
    with adjectives.open(encoding="utf-8") as lines, nouns.open("rb") as noun_data:
        for line in lines:
            if line.startswith(" "):
                continue
            for adjective, offset, target in _pertainyms(line):
                if adjective[:1].isupper():
                    noun_data.seek(offset)
                    places = _synset_words(noun_data.readline().decode("utf-8"), target)
                    found.setdefault(adjective, set()).update(p.lower() for p in places if _is_place(p))
    return {adjective: frozenset(places) for adjective, places in found.items()}


def _pertainyms(line: str) -> Iterator[tuple[str, int, int]]:
    r"""``(adjective, noun synset offset, target word number or 0)`` of one ``data.adj`` line.

    >>> list(_pertainyms("02625649 01 a 01 Armenian 0 001 \\ 09017526 n 0101 | of Armenia"))
    [('Armenian', 9017526, 1)]
    """
    fields = line.split(" | ")[0].split()
    count = int(fields[3], 16)
    words = [fields[4 + 2 * i] for i in range(count)]
    at = 4 + 2 * count
    for i in range(int(fields[at])):
        symbol, offset, pos, source_target = fields[at + 1 + 4 * i : at + 5 + 4 * i]
        source = int(source_target[:2], 16)
        if symbol == "\\" and pos == "n" and source:
            yield words[source - 1], int(offset), int(source_target[2:], 16)


def _synset_words(line: str, target: int) -> list[str]:
    """The words of a ``data.noun`` line, or only its ``target``-th (1-based; 0 = all).

    >>> _synset_words("09017526 15 n 02 Armenia 0 Hayastan 0 000 | a landlocked republic", 0)
    ['Armenia', 'Hayastan']
    """
    fields = line.split()
    words = [fields[4 + 2 * i] for i in range(int(fields[3], 16))]
    return [words[target - 1]] if target else words


def _is_place(word: str) -> bool:
    return word[:1].isupper() and word.isalpha()


def demonym_support(doc: Counter[str], demonyms: Mapping[str, frozenset[str]]) -> dict[str, int]:
    """Mentions of each demonym, its plural and its places in a document's name counts.

    >>> demonym_support(Counter({"Armenia": 4, "Armenians": 1}), {"Armenian": frozenset({"armenia"})})
    {'Armenian': 5}
    """
    mentions = Counter[str]()
    for name, count in doc.items():
        mentions[_key(name)] += count
    return {
        d: mentions[_key(d)] + mentions[_key(d) + "s"] + sum(mentions[p] for p in places)
        for d, places in demonyms.items()
    }


def without_possessive(word: str) -> str:
    """``word`` less a possessive ending: the name a mention is of.

    >>> without_possessive("Carlinio’s"), without_possessive("Iranians")
    ('Carlinio', 'Iranians')
    """
    return _POSSESSIVE.sub("", word)


def demonym_of(name: str, demonyms: Mapping[str, object]) -> str | None:
    """The demonym ``name`` is, itself or in the plural (``Iranians``: ``Iranian``); ``None`` if neither.

    >>> known = {"Iranian": 1, "Pakistani": 1}
    >>> demonym_of("Iranian", known), demonym_of("Pakistanis", known), demonym_of("Iran", known)
    ('Iranian', 'Pakistani', None)
    """
    if name in demonyms:
        return name
    if name.endswith("s") and name[:-1] in demonyms:
        return name[:-1]
    return None


def in_number_of(demonym: str, name: str) -> str:
    """``demonym`` in the number of ``name`` (one of :func:`demonym_of`): plural ``-an`` and ``-i``
    demonyms take an ``s``; ``Chinese`` and ``French`` stay as they are.

    >>> in_number_of("Armenian", "Iranians"), in_number_of("Chinese", "Iranians"), in_number_of("Armenian", "Iranian")
    ('Armenians', 'Chinese', 'Armenian')
    """
    plural = name.endswith("s") and not name.endswith(("ss", "ese"))
    return demonym + "s" if plural and demonym.endswith(("an", "i")) else demonym


def demonym_alternatives(
    doc: Counter[str],
    demonyms: Mapping[str, frozenset[str]],
    support: Mapping[str, int],
    zipf: Callable[[str], float],
    min_zipf: float = 3.0,
    min_ratio: float = 2.0,
) -> dict[str, list[str]]:
    """Demonyms of a document that a much better supported demonym of it could have replaced.

    ``support`` is :func:`demonym_support` of the document: a demonym's mentions plus those of
    its plural and of the places it pertains to (``Armenian``: Armenian, Armenians, Armenia). A
    demonym whose support is at
    least ``min_ratio`` times another's is an alternative for it (at most three, best
    supported first), whether the document uses the demonym itself or only the place; one
    the document does not use must be at least ``min_zipf`` common (not ``Sinitic`` for China).

    >>> places = [("Armenian", "armenia"), ("Iranian", "iran"), ("Azerbaijani", "azerbaijan")]
    >>> known = {d: frozenset({p}) for d, p in places}
    >>> common = lambda word: 4.0
    >>> doc = Counter({"Armenia": 4, "Armenian": 1, "Iranian": 1, "Azerbaijani": 2})
    >>> demonym_alternatives(doc, known, demonym_support(doc, known), common)
    {'Iranian': ['Armenian', 'Azerbaijani'], 'Azerbaijani': ['Armenian']}
    >>> doc = Counter({"Armenia": 4, "Iranians": 1})  # a plural is suspect too, with plural alternatives
    >>> demonym_alternatives(doc, known, demonym_support(doc, known), common)
    {'Iranians': ['Armenians']}
    """
    supported = sorted(
        (d for d, s in support.items() if s > 0 and (doc[d] > 0 or zipf(_key(d)) >= min_zipf)),
        key=lambda d: (-support[d], d),
    )
    result: dict[str, list[str]] = {}
    for name in doc:
        demonym = demonym_of(name, demonyms)
        if demonym is None:
            continue
        better = [
            d for d in supported if support[d] >= min_ratio * support[demonym] and not demonyms[d] & demonyms[demonym]
        ]
        if better:
            result[name] = [in_number_of(d, name) for d in better[:3]]
    return result
