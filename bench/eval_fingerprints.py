"""`make eval` for the spin stage's fingerprint check: which pack phrases the words around them confirm.

A pack phrase is flagged only where its original reads better in its place by
``FINGERPRINT_MIN_GAIN`` nats (:meth:`Detector.fingerprint_gain`). Two sets measure that bar:

* Tortured: every pack entry whose original (as :func:`plain_original` gives it) occurs in
  the aeb-dev texts, the first occurrence put back as the entry's phrase. These must stay
  flagged.
* Ordinary English: every pack phrase found as written in the aeb-dev ground truth and whole
  pages and in WordNet's example sentences. These must not be flagged.

Both are measured with the language model and with the trigram model (the stage's check when
the LM is off).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bench.common import aeb_texts, machine, write_section
from cleaner.spin.candidates import sentences
from cleaner.spin.engine import FINGERPRINT_MIN_GAIN, Detector, settings_from
from cleaner.spin.fingerprints import Fingerprint, Hit, plain_original
from cleaner.spin.thesaurus import WORDNET_DIR
from cleaner.stages.spin import SpinConfig

_PLAIN_WORDS = re.compile(r"[a-z][a-z '-]*")
_QUOTED = re.compile(r'"([^"]+)"')


def wordnet_examples() -> list[str]:
    """The example sentences of WordNet's glosses ("they were all ready to go")."""
    examples = []
    for path in sorted(WORDNET_DIR.glob("data.*")):
        for line in path.read_text(encoding="latin-1").splitlines():
            if not line.startswith(" ") and "|" in line:
                examples += _QUOTED.findall(line.split("|", 1)[1])
    return examples


def tortured(texts: Sequence[str], entries: Sequence[Fingerprint]) -> Iterator[tuple[str, Hit]]:
    """Texts with one original put back as its pack phrase, and the hit there (one per original)."""
    by_original: dict[str, Fingerprint] = {}
    for entry in entries:
        original = plain_original(entry.original)
        if _PLAIN_WORDS.fullmatch(original) and original != entry.phrase.lower():
            by_original.setdefault(original, entry)
    for original, entry in sorted(by_original.items()):
        pattern = re.compile(r"(?<![\w-])" + re.escape(original) + r"(?![\w-])", re.IGNORECASE)
        found = next(((t, m) for t in texts if (m := pattern.search(t))), None)
        if found:
            text, match = found
            spun = text[: match.start()] + entry.phrase + text[match.end() :]
            yield spun, Hit(match.start(), match.start() + len(entry.phrase), entry)


def gains(detector: Detector, cases: Sequence[tuple[str, Hit]]) -> list[float | None]:
    result = []
    for text, hit in cases:
        sents = sentences(text)
        result.append(detector.fingerprint_gain(text, sents, [t for s in sents for t in s.tokens], hit))
    return result


def kept(values: Sequence[float | None]) -> int:
    return sum(1 for v in values if v is not None and v >= FINGERPRINT_MIN_GAIN)


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main() -> None:
    detector = Detector.load(settings_from(SpinConfig(second_model=None)))
    entries = detector.fingerprints.entries()
    news = list(aeb_texts("ground-truth").values()) + list(aeb_texts("html-text").values())
    spun = list(tortured(news, entries))
    ordinary = [(t, h) for t in news + wordnet_examples() for h in detector.fingerprints.find(t)]
    lm_spun, lm_ordinary = gains(detector, spun), gains(detector, ordinary)
    detector.lm = None
    tri_spun, tri_ordinary = gains(detector, spun), gains(detector, ordinary)
    lowest = sorted((g, text[h.start : h.end]) for (text, h), g in zip(spun, lm_spun, strict=True) if g is not None)
    lines = [
        "## Spin stage: fingerprint check",
        "",
        f"Measured by `bench/eval_fingerprints.py` (`make eval`) on {machine()}.",
        f"A pack phrase is flagged where its original reads at least {FINGERPRINT_MIN_GAIN:g} nats better "
        "in its place.",
        "",
        "| set | n | flagged, language model | flagged, trigram model (LM off) |",
        "|---|---|---|---|",
        f"| pack phrases put in the place of their originals in aeb-dev text | {len(spun)} | "
        f"{kept(lm_spun)} | {kept(tri_spun)} |",
        f"| pack phrases found in ordinary English (aeb-dev, WordNet examples) | {len(ordinary)} | "
        f"{kept(lm_ordinary)} | {kept(tri_ordinary)} |",
        "",
        "Lowest LM gains of the tortured set: " + "; ".join(f"{p} {g:.1f}" for g, p in lowest[:5]),
        "",
        "Ordinary English hits (LM gain / trigram gain): "
        + "; ".join(
            f"{text[h.start : h.end]} -> {h.fingerprint.original} ({_figure(a)} / {_figure(b)})"
            for (text, h), a, b in zip(ordinary, lm_ordinary, tri_ordinary, strict=True)
        ),
    ]
    write_section("spin-fingerprints", "\n".join(lines))


if __name__ == "__main__":
    main()
