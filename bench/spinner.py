"""A sense-blind article spinner, to make spun text with known answers for `make eval`.

It does what the spinners that republish news do: pick about one content word in eight and
replace it with a thesaurus neighbour chosen without regard to sense: a WordNet synonym from
any synset of the word, a Moby thesaurus entry, or a WordNet sister term (a co-hyponym:
``month`` -> ``quarter``); a demonym becomes another demonym. The inflection is kept
(``talks`` -> ``negotiations``; a verb phrase inflects its first word, ``killed`` -> ``put
to death``). It writes the thesauri's phrases of two or three words as readily as single
words (``elapsed time``), as long as every word is common enough for a spinner's thesaurus
(Zipf >= 2.5 in wordfreq).

Its thesaurus is built *forwards* (Moby head -> entries), independently of the detector's
symmetric index; both read the same installed sources, as an outside spinner would.
"""

from __future__ import annotations

import pickle
import random
import re
from dataclasses import dataclass
from pathlib import Path

from cleaner.spin.candidates import match_case
from cleaner.spin.morph import Exceptions, lemmas
from cleaner.spin.phrases import clean_entry, inflect_phrase, wordnet_verb_phrases
from cleaner.spin.thesaurus import SISTER, WORDNET, WORDNET_DIR, moby_file, parse_moby, wordnet_pairs

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "spin" / "spinner-v2.pickle"
_TOKEN = re.compile(r"[A-Za-z]+")
# Words a spinner leaves alone: function words and the commonest verbs of reporting.
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say one two three new mr mrs ms""".split()  # noqa: SIM905 - a word list reads best as text
)
# Demonyms (and the like) a spinner swaps for each other; a general list, nothing from the seeds.
DEMONYMS = tuple(
    """American British Canadian Mexican Brazilian Argentine Chilean Peruvian Colombian Cuban French German
    Italian Spanish Portuguese Dutch Belgian Swiss Austrian Swedish Norwegian Danish Finnish Polish
    Czech Hungarian Romanian Bulgarian Greek Turkish Russian Ukrainian Belarusian Georgian Armenian
    Iranian Iraqi Syrian Lebanese Israeli Palestinian Jordanian Saudi Egyptian Libyan Moroccan Algerian
    Tunisian Nigerian Kenyan Ethiopian Somali Sudanese Indian Pakistani Afghan Chinese Japanese Korean
    Vietnamese Thai Indonesian Filipino Malaysian Australian Irish Scottish Welsh English European
    African Asian Arab Kurdish Serbian Croatian Albanian Estonian Latvian Lithuanian Kazakh Uzbek
    Mongolian Tibetan""".split()  # noqa: SIM905 - a word list reads best as text
)


@dataclass(frozen=True)
class Substitution:
    """One replacement the spinner made, with its span in the spun text."""

    start: int
    end: int
    original: str
    replacement: str
    source: str


def _forward_index() -> dict[str, list[tuple[str, str]]]:
    if CACHE.is_file():
        with CACHE.open("rb") as cached_file:
            cached: dict[str, list[tuple[str, str]]] = pickle.load(cached_file)  # our own cache
            return cached
    from wordfreq import zipf_frequency

    index: dict[str, list[tuple[str, str]]] = {}
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str, source: str) -> None:
        if " " in b and clean_entry(b) != b:
            return
        if (a, b) in seen or any(zipf_frequency(w, "en") < 2.5 for w in b.split()):
            return
        seen.add((a, b))
        index.setdefault(a, []).append((b, source))

    for a, b, bit in wordnet_pairs(WORDNET_DIR):
        if " " not in a:
            add(a, b, "wordnet" if bit == WORDNET else "sister" if bit == SISTER else "wordnet")
    moby = moby_file()
    if moby is not None:
        with moby.open(encoding="utf-8", errors="replace") as moby_text:
            for a, b in parse_moby(moby_text, clean_entry):
                add(a, b, "moby")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with CACHE.open("wb") as out_file:
        pickle.dump(index, out_file, protocol=pickle.HIGHEST_PROTOCOL)
    return index


class Spinner:
    """Replace about ``rate`` of the content words by sense-blind neighbours.

    With ``reuse`` above 0 the spinner keeps, per document, the substitute it chose for a word
    and writes it again at the word's later occurrences with that probability (a spinner with a
    fixed dictionary, as seed 000's was: one "support" became "help" both times it was spun).
    With 0, every occurrence is drawn on its own, at ``rate``.
    """

    def __init__(self, rate: float = 1 / 8, reuse: float = 0.0) -> None:
        self.rate = rate
        self.reuse = reuse
        self.index = _forward_index()
        self.exceptions = Exceptions.from_wordnet(WORDNET_DIR)
        self.verb_phrases = wordnet_verb_phrases(WORDNET_DIR)

    def _replacement(self, word: str, rng: random.Random) -> tuple[str, str] | None:
        if word in DEMONYMS:
            return rng.choice([d for d in DEMONYMS if d != word]), "demonym"
        lower = word.lower()
        options: list[tuple[str, str]] = []
        for lemma, form in lemmas(lower, self.exceptions):
            for neighbour, source in self.index.get(lemma, ()):
                forms = inflect_phrase(neighbour, form, self.verb_phrases, self.exceptions)
                options += [(f, source) for f in forms[:1]]
        if not options:
            return None
        # Sense-blind but source-balanced: pick a source first, then a word from it.
        sources = sorted({s for _, s in options})
        source = rng.choice(sources)
        choice = rng.choice([o for o in options if o[1] == source])[0]
        if choice == lower or not all(_known(w) for w in choice.split()):
            return None
        return (choice.capitalize() if word[0].isupper() else choice), source

    def _drawn(self, word: str, chosen: dict[str, tuple[str, str]], rng: random.Random) -> tuple[str, str] | None:
        """A new substitute for ``word`` at ``rate``, kept in ``chosen`` when the spinner reuses."""
        if rng.random() >= self.rate:
            return None
        found = self._replacement(word, rng)
        if found is not None and self.reuse > 0:
            chosen[word.lower()] = (found[0].lower(), found[1])
        return found

    def _reused(self, word: str, chosen: dict[str, tuple[str, str]], rng: random.Random) -> tuple[str, str] | None:
        """The substitute chosen before for ``word``, at ``reuse``, in ``word``'s capitalisation."""
        if rng.random() >= self.reuse:
            return None
        new, source = chosen[word.lower()]
        return match_case(new, word), source  # new is lower case

    def spin(self, text: str, seed: int) -> tuple[str, list[Substitution]]:
        """The spun text and what was replaced, spans in the spun text."""
        rng = random.Random(seed)
        pieces: list[str] = []
        subs: list[Substitution] = []
        chosen: dict[str, tuple[str, str]] = {}  # a word's substitute, lower-cased, when reused
        last, shift = 0, 0
        for match in _TOKEN.finditer(text):
            word = match.group()
            if not _is_content(word, text, match.start()):
                continue
            found = self._reused(word, chosen, rng) if word.lower() in chosen else self._drawn(word, chosen, rng)
            if found is None:
                continue
            new, source = found
            pieces += [text[last : match.start()], new]
            start = match.start() + shift
            subs.append(Substitution(start, start + len(new), word, new, source))
            shift += len(new) - len(word)
            last = match.end()
        pieces.append(text[last:])
        return "".join(pieces), subs


def _is_content(word: str, text: str, start: int) -> bool:
    if word in DEMONYMS:
        return True
    if len(word) < 3 or word.lower() in _STOP or not word.isalpha():
        return False
    sentence_start = start == 0 or text[:start].rstrip()[-1:] in (".", "!", "?", "\n", "")
    return word.islower() or (sentence_start and word[1:].islower())


_KNOWN: dict[str, bool] = {}


def _known(word: str) -> bool:
    if word not in _KNOWN:
        from wordfreq import zipf_frequency

        _KNOWN[word] = zipf_frequency(word, "en") >= 2.5
    return _KNOWN[word]
