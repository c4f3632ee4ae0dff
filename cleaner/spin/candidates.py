"""Where a spinner may have struck, and what the word may have been before.

:func:`sentences` cuts a text into sentences of word tokens; :func:`is_content` says which
tokens a spinner would touch; :class:`CandidateSource` turns a word into the words it may
have replaced (thesaurus neighbours in the same inflection and the same capitalisation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cleaner.spin.morph import Exceptions, inflect, lemmas
from cleaner.spin.thesaurus import Thesaurus

_SENTENCE = re.compile(r"[^\n.!?]+(?:[.!?]+[\"”’')\]]*|\n|$)")
# A letter with the combining accents written after it ("e\u0301").
_LETTER = r"[^\W\d_][\u0300-\u036f]*"
# A word is all its letters: "Zürich" is one token, not "Z" and "rich".
_WORD = re.compile(rf"(?:{_LETTER})+(?:['’](?:{_LETTER})+)*")
# Function words and the commonest verbs of news: a spinner's thesaurus skips them, and a
# neighbour of one ("said" -> "stated") proves nothing.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told one two three four five six seven eight
    nine ten first last new mr mrs ms per via yet still even ever much many may might must shall""".split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass(frozen=True)
class Token:
    """A word of the text: ``text[start:end]``, its sentence-local index and the lower form."""

    start: int
    end: int
    word: str
    index: int

    @property
    def lower(self) -> str:
        return self.word.lower().replace("’", "'")


@dataclass(frozen=True)
class Sentence:
    """A sentence's span and its word tokens."""

    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def words(self) -> list[str]:
        """The lower-cased words, as the trigram model reads them."""
        return [t.lower for t in self.tokens]


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with their word tokens.

    >>> [[t.word for t in s.tokens] for s in sentences("Peace talks stall. O’Brien left!\\nNext")]
    [['Peace', 'talks', 'stall'], ['O’Brien', 'left'], ['Next']]
    >>> [t.word for t in sentences("Zürich’s cafe\\u0301")[0].tokens] == ["Zürich’s", "cafe\\u0301"]
    True
    """
    result = []
    for match in _SENTENCE.finditer(text):
        tokens = tuple(
            Token(match.start() + w.start(), match.start() + w.end(), w.group(), i)
            for i, w in enumerate(_WORD.finditer(match.group()))
        )
        if tokens:
            result.append(Sentence(match.start(), match.end(), tokens))
    return result


def is_content(token: Token) -> bool:
    """Whether a spinner would touch the word: a lower-case (or sentence-opening) content word.

    >>> [is_content(Token(0, 0, w, i)) for i, w in enumerate(["The", "harmony", "track", "NATO", "Baku"])]
    [False, True, True, False, False]
    >>> is_content(Token(0, 0, "Harmony", 0))
    True
    """
    word = token.word
    if len(word) < 3 or not word.isalpha() or token.lower in STOPWORDS:
        return False
    return word.islower() or (token.index == 0 and word[1:].islower())


def is_plain(token: Token) -> bool:
    """Whether a word of a phrase is an ordinary word: letters, lower case (or opening the sentence).

    >>> [is_plain(Token(0, 0, w, i)) for i, w in enumerate(["Put", "to", "Death"])]
    [True, True, False]
    """
    word = token.word
    return word.isalpha() and (word.islower() or (token.index == 0 and word[1:].islower()))


def match_case(word: str, model: str) -> str:
    """``word`` written with the capitalisation of ``model``.

    >>> match_case("peace", "Harmony"), match_case("peace", "harmony")
    ('Peace', 'peace')
    """
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


@dataclass(frozen=True)
class Candidate:
    """A word the token may have replaced, and which thesauri link them (source bits)."""

    word: str
    sources: int


class CandidateSource:
    """Thesaurus neighbours of a word, in its inflection, common enough (not too common) to be originals."""

    def __init__(
        self,
        thesaurus: Thesaurus,
        exceptions: Exceptions,
        zipf: Callable[[str], float],
        min_zipf: float,
        max_zipf: float = 6.0,
    ) -> None:
        self._thesaurus = thesaurus
        self._exceptions = exceptions
        self._zipf = zipf
        self._min_zipf = min_zipf
        # Words as common as "has", "got", "made" (Zipf >= 6) are linked to everything by
        # Moby and always fit a slot better; they are never proposed as originals.
        self._max_zipf = max_zipf
        self._cache: dict[str, tuple[Candidate, ...]] = {}

    @property
    def max_zipf(self) -> float:
        """The Zipf frequency a candidate must stay below."""
        return self._max_zipf

    @property
    def exceptions(self) -> Exceptions:
        """The irregular forms the candidates are inflected with."""
        return self._exceptions

    def of_phrase(self, forms: tuple[str, ...], neighbours: dict[str, int]) -> tuple[Candidate, ...]:
        """The candidates for a phrase in one of ``forms``: its linked single words
        (``neighbours``, with their source bits) in those forms, most sources first.

        >>> source = CandidateSource(None, Exceptions(), lambda w: 4.0, 3.0)  # type: ignore[arg-type]
        >>> source.of_phrase(("ed",), {"kill": 1, "execute": 9})
        (Candidate(word='executed', sources=9), Candidate(word='killed', sources=1))
        """
        return self._spelled((neighbour, form, bits) for neighbour, bits in neighbours.items() for form in forms)

    def __call__(self, lower: str) -> tuple[Candidate, ...]:
        """The candidates for a lower-case word, most sources first (cached)."""
        if lower not in self._cache:
            self._cache[lower] = self._build(lower)
        return self._cache[lower]

    def _build(self, lower: str) -> tuple[Candidate, ...]:
        readings = lemmas(lower, self._exceptions)
        own = {lemma for lemma, _ in readings}
        links = (
            (neighbour, form, bits)
            for lemma, form in readings
            for neighbour, bits in self._thesaurus.neighbours(lemma).items()
            if neighbour not in own
        )
        return self._spelled(links, written=lower)

    def _spelled(self, links: Iterable[tuple[str, str, int]], written: str = "") -> tuple[Candidate, ...]:
        """``(neighbour, form, source bits)`` links as candidates: each neighbour spelled in its form,
        as common as a candidate may be and not ``written``, the bits of a spelling's links joined;
        most sources first."""
        found: dict[str, int] = {}
        for neighbour, form, bits in links:
            for spelled in inflect(neighbour, form, self._exceptions):
                if spelled != written and self._min_zipf <= self._zipf(spelled) < self._max_zipf:
                    found[spelled] = found.get(spelled, 0) | bits
        return tuple(Candidate(w, b) for w, b in sorted(found.items(), key=lambda kv: -bin(kv[1]).count("1")))
