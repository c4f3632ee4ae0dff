"""The document step: a checked position scored again with what the rest of its document says.

A spinner rewrites a whole document, about one content word in eight, so its substitutions
come many to a text, each one a word the text uses once. A clean text has a few words the
language model finds odd too, but seldom many for its length, and often words it uses again
("key travel" in a keyboard review). So the step weighs three figures
(:data:`~cleaner.spin.scoring.DOCUMENT_FEATURES`): the position's score alone, the support of
the document's other checked positions (:func:`~cleaner.spin.scoring.supports`), and how often
the document uses the same word or phrase elsewhere (:func:`other_uses`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cleaner.spin import scoring
from cleaner.spin.flags import Scored
from cleaner.spin.language import word_count
from cleaner.spin.suspects import Suspect

# The rule of a phrase's flag (:mod:`cleaner.spin.phrases`); a word's is "thesaurus".
PHRASE_RULE = "thesaurus:phrase"


def checked_spin(suspects: Sequence[Suspect]) -> list[int]:
    """Indexes of the thesaurus suspects the language model checked: those the document step rescores."""
    return [i for i, s in enumerate(suspects) if s.kind == "spin" and s.figures.lm_gain is not None]


def other_uses(text: str, written: str) -> int:
    """How often ``text`` uses ``written`` (a word or a phrase, any case) besides the once.

    >>> other_uses("Key travel is 1 mm. The travel feels short; travelled far.", "travel")
    1
    """
    return _other_uses(text.lower(), written.lower())


def _other_uses(lower_text: str, lower_written: str) -> int:
    pattern = r"(?<!\w)" + re.escape(lower_written) + r"(?!\w)"
    return max(0, len(re.findall(pattern, lower_text)) - 1)


def support_of(text: str, suspects: Sequence[Suspect], alone: Sequence[float]) -> dict[int, scoring.Support]:
    """The :class:`~cleaner.spin.scoring.Support` of each checked position.

    A phrase's score does not vouch for the other positions: the model finds one word likelier
    than several, so a clean text's rare compound ("pneumonic plague") can score high alone.
    """
    vouching = [0.0 if s.rule == PHRASE_RULE else a for s, a in zip(suspects, alone, strict=True)]
    return scoring.supports(vouching, checked_spin(suspects), scoring.support_size(word_count(text)))


def _figures(text: str, suspects: Sequence[Suspect], alone: Sequence[float]) -> dict[int, tuple[scoring.Support, int]]:
    """Each checked position's support and the other uses of its word: what the step weighs
    beside its score alone. The text is lower-cased once and each word counted once."""
    lower = text.lower()
    uses: dict[str, int] = {}  # by the word as written, lower-cased
    figures = {}
    for i, support in support_of(text, suspects, alone).items():
        written = suspects[i].token.word.lower()
        if written not in uses:
            uses[written] = _other_uses(lower, written)
        figures[i] = (support, uses[written])
    return figures


def document_rows(text: str, suspects: Sequence[Suspect], alone: Sequence[float]) -> dict[int, list[float]]:
    """:func:`~cleaner.spin.scoring.document_vector` of each checked position: the rows the
    document weights are fitted on (``bench/eval_spin.py --fit-document``)."""
    return {
        i: scoring.document_vector(alone[i], support.value, repeated)
        for i, (support, repeated) in _figures(text, suspects, alone).items()
    }


def document_scores(
    text: str, suspects: Sequence[Suspect], alone: Sequence[float], weights: Mapping[str, float]
) -> list[Scored]:
    """The final score of each suspect (in order) from its score ``alone``: a checked position's
    is scored again with its document (:func:`~cleaner.spin.scoring.with_document`) when
    ``weights`` are given; any other keeps its own."""
    figures = _figures(text, suspects, alone) if weights else {}
    scored = []
    for i, a in enumerate(alone):
        if i in figures:
            support, repeated = figures[i]
            scored.append(Scored(scoring.with_document(a, support, repeated, weights), a, support))
        else:
            scored.append(Scored(a, a))
    return scored
