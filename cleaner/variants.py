"""British and American spellings of one word (``criticised``/``criticized``, ``colour``/``color``).

News from Britain, Ireland, India or Australia spells the British way. Two stages must not take
that for a fault: the grammar stage, whose US-English speller marks every such word (so that a
British page looked like "another language" and lost all its flags), and the spin stage, for
which a rarer spelling of a common word looked like a swapped-in synonym.

:func:`american_forms` turns a word into the American spellings it could stand for, by the
regular patterns (-ise/-ize, -our/-or, -tre/-ter, -yse/-yze, doubled l, -ence/-ense, ae/oe)
and a few irregular words. It only proposes: a caller checks a form against a dictionary, or
against what a speller suggests.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Each pattern replaces a British ending or part with the American one, applied to lower case.
_PATTERNS = (
    (re.compile(r"is(e|es|ed|ing|er|ers|ation|ations|ational)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|ite|ites|able|ably|hood|hoods|er|ers|ful|less|ism)?$"), r"or\1"),
    (re.compile(r"([tb])re(s|d)?$"), r"\1er\2"),
    (re.compile(r"([aeiou])ll(ed|ing|er|ers|or|ors|ery)$"), r"\1l\2"),
    (re.compile(r"([fc])ence(s)?$"), r"\1ense\2"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"(judg|acknowledg|ag)e(ment|ments|ing)$"), r"\1\2"),
)
_WORDS = {
    "programme": "program",
    "programmes": "programs",
    "grey": "gray",
    "tyre": "tire",
    "tyres": "tires",
    "cheque": "check",
    "cheques": "checks",
    "aluminium": "aluminum",
    "mould": "mold",
    "plough": "plow",
    "sceptical": "skeptical",
    "sceptic": "skeptic",
    "kerb": "curb",
    "pyjamas": "pajamas",
    "storey": "story",
    "storeys": "stories",
    "jewellery": "jewelry",
    "draught": "draft",
    "manoeuvre": "maneuver",
    "manoeuvres": "maneuvers",
    "foetus": "fetus",
    "oestrogen": "estrogen",
    "diarrhoea": "diarrhea",
    "whilst": "while",
    "amongst": "among",
}


def american_forms(word: str) -> set[str]:
    """The American spellings ``word`` (British) could stand for, lower-cased; empty if none.

    >>> sorted(american_forms("criticised")), sorted(american_forms("Neighbourhood"))
    (['criticized'], ['neighborhood'])
    >>> sorted(american_forms("centre")), sorted(american_forms("travelled")), sorted(american_forms("paediatric"))
    (['center'], ['traveled'], ['pediatric'])
    >>> american_forms("organisation"), american_forms("programme")
    ({'organization'}, {'program'})
    >>> american_forms("house"), american_forms("four")
    (set(), {'for'})
    """
    lower = word.lower()
    forms = {_WORDS[lower]} if lower in _WORDS else set()
    every = lower
    for pattern, replacement in _PATTERNS:
        alone = pattern.sub(replacement, lower)
        if alone != lower:
            forms.add(alone)
        every = pattern.sub(replacement, every)
    if every != lower:
        forms.add(every)
    return forms


# A word at least this common is a word of its own, whatever a pattern makes of it (four: for).
OWN_WORD_ZIPF = 5.0
_LETTERS = re.compile(r"[A-Za-z]+")


def british_words(text: str, zipf: Callable[[str], float]) -> int:
    """How many distinct words of ``text`` are British spellings of a commoner American word
    (``zipf``: a word's Zipf frequency in English).

    >>> zipf = {"colour": 4.5, "color": 4.9, "centre": 4.9, "center": 5.2, "four": 5.5, "for": 7.0}.get
    >>> british_words("The colour of the centre, four times; colour again.", lambda w: zipf(w, 0.0))
    2
    """
    found = 0
    for word in {m.group().lower() for m in _LETTERS.finditer(text)}:
        own = zipf(word)
        if own < OWN_WORD_ZIPF and any(zipf(form) > max(own, 3.0) for form in american_forms(word)):
            found += 1
    return found
