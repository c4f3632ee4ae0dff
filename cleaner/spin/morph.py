"""Just enough English inflection to swap a word for a thesaurus neighbour in the same form.

A spinner replaces ``talks`` by ``negotiations``: the thesaurus knows the lemmas (``talk``,
``negotiation``), so the detector strips the inflection (:func:`lemmas`), looks the lemma up,
and puts the neighbour back into the form the text used (:func:`inflect`). The rules are
WordNet's ``morphy`` suffix rules; irregular forms come from WordNet's exception lists when
they are given (:class:`Exceptions`). Deliberately left alone: consonant doubling on
inflection (``stop`` -> ``stoped``); such a form is unknown to the frequency list and the
caller drops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# WordNet morphy's detachment rules (wnintro(7WN), "morphy"), as (suffix, ending, form).
_RULES: tuple[tuple[str, str, str], ...] = (
    ("ies", "y", "s"),
    ("ches", "ch", "s"),
    ("shes", "sh", "s"),
    ("sses", "ss", "s"),
    ("xes", "x", "s"),
    ("zes", "z", "s"),
    ("es", "e", "s"),
    ("s", "", "s"),
    ("ied", "y", "ed"),
    ("ed", "e", "ed"),
    ("ed", "", "ed"),
    ("ing", "e", "ing"),
    ("ing", "", "ing"),
    ("ier", "y", "er"),
    ("er", "e", "er"),
    ("er", "", "er"),
    ("iest", "y", "est"),
    ("est", "e", "est"),
    ("est", "", "est"),
)


@dataclass(frozen=True)
class Exceptions:
    """Irregular forms: ``form -> lemmas`` and back, e.g. ``men -> man``."""

    to_lemma: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    to_form: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @classmethod
    def from_wordnet(cls, folder: Path) -> Exceptions:
        """Read WordNet's ``*.exc`` files (``form lemma...`` per line) from ``folder``."""
        to_lemma: dict[str, list[tuple[str, str]]] = {}
        to_form: dict[str, list[tuple[str, str]]] = {}
        for path in sorted(folder.glob("*.exc")):
            pos = path.stem
            for line in path.read_text(encoding="utf-8").splitlines():
                form, *lems = line.split()
                for lemma in lems:
                    if lemma != form:
                        kind = _irregular_form(form, pos)
                        to_lemma.setdefault(form, []).append((lemma, kind))
                        to_form.setdefault(lemma, []).append((form, kind))
        return cls({k: tuple(v) for k, v in to_lemma.items()}, {k: tuple(v) for k, v in to_form.items()})


def lemmas(word: str, exceptions: Exceptions | None = None) -> list[tuple[str, str]]:
    """Every ``(lemma, form)`` reading of a lower-case word, the bare reading first.

    >>> lemmas("talks")[:2]
    [('talks', ''), ('talk', 's')]
    >>> ("party", "s") in lemmas("parties")
    True
    >>> lemmas("men", Exceptions({"men": (("man", "s"),)}))
    [('men', ''), ('man', 's')]
    """
    readings = [(word, "")]
    if exceptions is not None:
        readings += list(exceptions.to_lemma.get(word, ()))
    for suffix, ending, form in _RULES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(ending) >= 3:
            reading = (word[: len(word) - len(suffix)] + ending, form)
            if reading not in readings:
                readings.append(reading)
    return readings


def _irregular_form(word: str, pos: str) -> str:
    """The form of an irregular word listed in WordNet's ``<pos>.exc``.

    >>> _irregular_form("went", "verb"), _irregular_form("men", "noun"), _irregular_form("best", "adj")
    ('ed', 's', 'est')
    """
    if pos == "noun":
        return "s"
    if pos == "verb":
        return "ing" if word.endswith("ing") else "s" if word.endswith("s") else "ed"
    return "est" if word.endswith("st") else "er"


def inflect(lemma: str, form: str, exceptions: Exceptions | None = None) -> list[str]:
    """The spellings of ``lemma`` in ``form`` (regular first, then irregular ones).

    >>> inflect("negotiation", "s")
    ['negotiations']
    >>> inflect("party", "s")
    ['parties']
    >>> inflect("announce", "ed")
    ['announced']
    >>> inflect("take", "ing")
    ['taking']
    >>> inflect("peace talk", "s")
    ['peace talks']
    """
    head, sep, last = lemma.rpartition(" ")
    forms = [_regular(last, form)] if form else [last]
    if exceptions is not None and form:
        forms += [f for f, kind in exceptions.to_form.get(last, ()) if kind == form]
    return [head + sep + f for f in dict.fromkeys(forms)]


def _regular(word: str, form: str) -> str:
    vowels = "aeiou"
    if form == "s":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        if word.endswith("y") and len(word) > 1 and word[-2] not in vowels:
            return word[:-1] + "ies"
        return word + "s"
    if word.endswith("y") and len(word) > 1 and word[-2] not in vowels and form != "ing":
        word = word[:-1] + "i"
    if word.endswith("e") and form in ("ed", "ing", "er", "est"):
        word = word[:-1]
    return word + form
