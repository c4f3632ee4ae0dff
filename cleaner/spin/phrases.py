"""A spinner's swaps of one word for a phrase ("killed" -> "put to death").

Thesauri list phrases beside single words, and a spinner writes them like any other
synonym. The word index (:mod:`cleaner.spin.thesaurus`) keeps single words only, so those
swaps leave no single word to check: ``put`` in "put to death" fits its place. This index
maps a phrase of two or three words to the single words it is linked to (in either
direction, by the same sources), and :meth:`PhraseIndex.find` finds such phrases in a
sentence with the single words they may have replaced, in the phrase's inflection.

A verb phrase (one of WordNet's verbs, ``index.verb``) inflects its first word ("puts to
death"), any other phrase its last ("dead times").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.spin.candidates import STOPWORDS
from cleaner.spin.morph import Exceptions, inflect, lemmas
from cleaner.spin.thesaurus import WORDNET_DIR, all_pairs, clean_term, common_enough, read_cache, write_cache

MAX_PHRASE_WORDS = 3
_PHRASE = re.compile(rf"[a-z]+(?: [a-z]+){{1,{MAX_PHRASE_WORDS - 1}}}")
# Verbs whose past tense and participle are the bare verb ("were put to death"): their phrases
# are read in both forms. A closed class of English (irregular verbs of the "put" type).
UNCHANGED_PAST = frozenset(
    """bet broadcast burst cast cost cut fit forecast hit hurt let put quit read set shed shut slit split
    spread thrust upset""".split()  # noqa: SIM905 - a word list reads best as text
)
CACHE_VERSION = 2


def clean_entry(term: str) -> str | None:
    """A thesaurus term as a lower-case single word or phrase of up to three words of letters.

    >>> clean_entry("put to death"), clean_entry("Peace"), clean_entry("in the nick of time")
    ('put to death', 'peace', None)
    """
    word = clean_term(term)
    if word is not None:
        return word
    phrase = " ".join(term.split(" (", 1)[0].lower().split())
    return phrase if _PHRASE.fullmatch(phrase) else None


def is_phrase(term: str) -> bool:
    """Whether ``term`` is a phrase this index keeps: two or three words, the first no function
    word (phrases such as "in the north" or "the two" read as a swap almost anywhere).

    >>> is_phrase("put to death"), is_phrase("in addition"), is_phrase("peace")
    (True, False, False)
    """
    return _PHRASE.fullmatch(term) is not None and term.split(" ", 1)[0] not in STOPWORDS


def wordnet_verb_phrases(folder: Path = WORDNET_DIR) -> frozenset[str]:
    """The phrases WordNet lists as verbs (``index.verb``), with spaces."""
    path = folder / "index.verb"
    if not path.is_file():
        return frozenset()
    with path.open(encoding="utf-8") as handle:
        lemmas_ = (line.split(" ", 1)[0] for line in handle if not line.startswith(" "))
        return frozenset(lemma.replace("_", " ") for lemma in lemmas_ if "_" in lemma)


def inflect_phrase(phrase: str, form: str, verbs: frozenset[str], exceptions: Exceptions | None = None) -> list[str]:
    """``phrase`` (or a single word) in ``form``: its first word inflected for a verb phrase
    (one of ``verbs``), its last otherwise.

    >>> inflect_phrase("carry out", "ed", frozenset({"carry out"}))
    ['carried out']
    >>> inflect_phrase("dead time", "s", frozenset())
    ['dead times']
    """
    if phrase not in verbs:
        return inflect(phrase, form, exceptions)
    head, rest = phrase.split(" ", 1)
    return [f"{f} {rest}" for f in inflect(head, form, exceptions)]


def merged(words: Sequence[str], first: int, last: int, phrase: str) -> list[str]:
    """``words`` with ``words[first..last]`` replaced by ``phrase`` as one item: where the trigram
    model weighs a phrase and its single-word candidates in the same place.

    >>> merged(["he", "was", "put", "to", "death", "today"], 2, 4, "put to death")
    ['he', 'was', 'put to death', 'today']
    """
    return [*words[:first], phrase, *words[last + 1 :]]


@dataclass(frozen=True)
class Found:
    """A phrase of a sentence: its tokens ``[first, first + width)``, its lemma, and the forms
    it may be in (two for "put to death": bare and past)."""

    first: int
    width: int
    lemma: str
    forms: tuple[str, ...]


class PhraseIndex:
    """Phrase -> ``{single word: source bits}``, and the verb phrases among them."""

    def __init__(self, links: dict[str, dict[str, int]], verbs: frozenset[str]) -> None:
        self._links = links
        self._verbs = verbs

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, str, int]], keep: Callable[[str], bool], verbs: frozenset[str]
    ) -> PhraseIndex:
        """Link each phrase to the single words paired with it (either way round), keeping
        phrases whose words ``keep`` accepts and single words it accepts.

        >>> pairs = [("kill", "put to death", 1), ("at the", "near", 8)]
        >>> index = PhraseIndex.from_pairs(pairs, lambda w: True, frozenset())
        >>> index.neighbours("put to death")
        {'kill': 1}
        >>> index.neighbours("at the")
        {}
        """
        links: dict[str, dict[str, int]] = {}
        for a, b, bit in pairs:
            for phrase, word in ((a, b), (b, a)):
                if " " in word or not is_phrase(phrase) or not keep(word):
                    continue
                if all(keep(w) for w in phrase.split()):
                    links.setdefault(phrase, {})
                    links[phrase][word] = links[phrase].get(word, 0) | bit
        return cls(links, verbs)

    def neighbours(self, phrase: str) -> dict[str, int]:
        """The single words linked to ``phrase`` with the bits of the sources that link them."""
        return self._links.get(phrase, {})

    def find(self, words: Sequence[str], exceptions: Exceptions | None = None) -> Iterator[Found]:
        """The phrases of the index in ``words`` (lower case), the longest at each position;
        a phrase hides the phrases that overlap it further on.

        >>> index = PhraseIndex({"put to death": {"kill": 1}}, frozenset({"put to death"}))
        >>> list(index.find(["they", "were", "put", "to", "death"]))
        [Found(first=2, width=3, lemma='put to death', forms=('', 'ed'))]
        """
        covered_to = 0
        for first in range(len(words)):
            if first < covered_to:
                continue
            for width in range(min(MAX_PHRASE_WORDS, len(words) - first), 1, -1):
                span = list(words[first : first + width])
                reading = self._reading(span, exceptions)
                if reading is not None:
                    yield Found(first, width, *reading)
                    covered_to = first + width
                    break

    def _reading(self, span: list[str], exceptions: Exceptions | None) -> tuple[str, tuple[str, ...]] | None:
        """The lemma and forms under which the index holds the phrase ``span``, if it does."""
        bare = " ".join(span)
        if bare in self._links:
            past = bare in self._verbs and span[0] in UNCHANGED_PAST
            return bare, ("", "ed") if past else ("",)
        for lemma, form in lemmas(span[0], exceptions)[1:]:
            phrase = " ".join([lemma, *span[1:]])
            if phrase in self._verbs and phrase in self._links and span[0] in inflect(lemma, form, exceptions):
                return phrase, (form,)
        for lemma, form in lemmas(span[-1], exceptions)[1:]:
            phrase = " ".join([*span[:-1], lemma])
            if phrase not in self._verbs and phrase in self._links and span[-1] in inflect(lemma, form, exceptions):
                return phrase, (form,)
        return None

    def __len__(self) -> int:
        return len(self._links)


def load_phrases(cache_dir: Path, min_zipf: float = 2.0) -> PhraseIndex:
    """The phrase index, from ``cache_dir`` when built before, else built and cached there."""
    path = cache_dir / f"phrases-v{CACHE_VERSION}-z{min_zipf:g}.pickle"
    verbs = wordnet_verb_phrases()
    links = read_cache(path)
    if links is None:
        links = PhraseIndex.from_pairs(all_pairs(clean_entry), common_enough(min_zipf), verbs)._links
        write_cache(path, links)
    return PhraseIndex(links, verbs)
