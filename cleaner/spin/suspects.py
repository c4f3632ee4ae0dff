"""Suspect positions: what the detector holds for each, and the decisions over a document's suspects.

:class:`~cleaner.spin.engine.Detector` finds the suspects, has the language model check them
and scores them; the small pure pieces it needs around that (how candidates rank before the
model, how many positions the model checks, one decision per name and per token, a flag's
message) live here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from cleaner.spin import entities, scoring
from cleaner.spin.candidates import Token

# Candidates are ranked by trigram gain plus this many nats per extra thesaurus that links
# them to the word: a pair two sources agree on is likelier a spinner's swap than a loose
# Moby-only association ("harmony" -> "peace" over "harmony" -> "line").
AGREEMENT_BONUS = 2.0
# Source bit of a candidate that the language model proposed itself (no thesaurus links it).
PROPOSAL = 16


def thesauri(bits: int) -> int:
    """How many thesauri a candidate's source bits name (a proposal's own bit not counted).

    >>> thesauri(0b101), thesauri(PROPOSAL | 0b1), thesauri(PROPOSAL)
    (2, 1, 0)
    """
    return bin(bits & ~PROPOSAL).count("1")


def ranking_key(gain: float, bits: int) -> float:
    """How a candidate ranks before the language model: its trigram gain (nats) plus
    :data:`AGREEMENT_BONUS` per thesaurus beyond the first that links it to the word.

    >>> ranking_key(1.5, 0b101), ranking_key(1.5, 0b001)
    (3.5, 1.5)
    """
    return gain + AGREEMENT_BONUS * (thesauri(bits) - 1)


def lm_checks(budget: float, words: int) -> int:
    """How many positions the language model checks in a document of ``words`` words.

    >>> lm_checks(15.0, 120), lm_checks(15.0, 3)
    (18, 1)
    """
    return max(1, math.ceil(budget * words / 100))


@dataclass
class Suspect:
    """A position worth a closer look, with its candidates best first."""

    token: Token
    candidates: list[tuple[str, float, int]]  # (word, trigram gain, source bits)
    words: list[str]  # the sentence's lower-cased words, as the trigram model reads them
    figures: scoring.Figures
    kind: str = "spin"
    rule: str = "thesaurus"
    evidence: dict[str, float | int | str | bool | None] = field(default_factory=dict)
    lm_gains: list[float] | None = None


def spelling_evidence(alt: entities.Alternative) -> dict[str, Any]:
    return {
        "edit_distance": alt.distance,
        "support": round(alt.support, 2),
        "better_support": round(alt.better_support, 2),
        "support_lift": round(alt.better_support - alt.support, 2),
        "better_in_document": alt.in_document,
    }


def message(suspect: Suspect, best: str) -> str:
    word = suspect.token.word
    if suspect.rule == "entity:spelling":
        here = suspect.evidence.get("better_in_document", True)
        where = "in this document" if here else "in this run's other documents"
        return f"“{word}” looks like a misspelling of “{best}”, which is better attested {where} and in English."
    if suspect.rule == "entity:demonym":
        return f"“{word}” is out of place in a text about “{best}”; a spinner may have swapped the demonym."
    lm = f"; the language model {model_says(suspect.lm_gains[0])}" if suspect.lm_gains else ""
    if lm and suspect.figures.second_gain is not None:
        lm += f" (a second model: {likelier(suspect.figures.second_gain)})"
    return f"“{word}” may be a thesaurus swap for “{best}”, which fits the words around it better{lm}."


def model_says(gain: float) -> str:
    """A model's preference for the suggestion (``gain``: its log-likelihood ratio) in words.

    >>> model_says(11.1), model_says(-3.0)
    ('finds the sentence with it about 66,000 times likelier', 'prefers the sentence as written')
    """
    return f"finds the sentence with it {likelier(gain)}" if gain > 0 else "prefers the sentence as written"


def likelier(gain: float) -> str:
    """How many times likelier a log-likelihood ratio ``gain`` makes the suggestion.

    >>> likelier(2.0), likelier(8.0), likelier(40.0), likelier(-1.0)
    ('about 7.4 times likelier', 'about 3,000 times likelier', 'over a million times likelier', 'not likelier')
    """
    if gain <= 0:
        return "not likelier"
    ratio = math.exp(gain)
    if ratio > 1e6:
        return "over a million times likelier"
    return f"about {float(f'{ratio:.2g}'):,.0f} times likelier" if ratio >= 10 else f"about {ratio:.1f} times likelier"


def one_decision_per_name(suspects: list[Suspect]) -> None:
    """Give every checked occurrence of a suspect name the mean LM gain of them all.

    A spelling is the same error, or the same right spelling, wherever it occurs, and a
    reviewer should see one decision per name, not a flag on one ``O’Brian`` and none on the
    next. So is a demonym out of place in its document (``Iranian`` in a text about Armenians):
    one occurrence's window may say too little about what the text is about. The mean (not
    the sum) keeps a name mentioned ten times from adding up the model's usual small
    preference for the commoner word. The flag's evidence shows both: ``lm_gain`` (this
    occurrence) and ``name_lm_gain`` (the mean the score uses). Each occurrence's gain is that of
    its own best alternative, so a demonym with several (``Turkish`` in a text about Armenians and
    Iranians) may show different first suggestions under one score.
    """
    by_name: dict[tuple[str, str], list[Suspect]] = {}
    for suspect in suspects:
        if suspect.kind == "entity" and suspect.figures.lm_gain is not None:
            by_name.setdefault((suspect.rule, suspect.token.word), []).append(suspect)
    for group in (g for g in by_name.values() if len(g) > 1):
        mean = sum(s.figures.lm_gain or 0.0 for s in group) / len(group)
        for suspect in group:
            suspect.evidence["name_lm_gain"] = round(mean, 2)
            suspect.evidence["occurrences"] = len(group)
            suspect.figures = replace(suspect.figures, lm_gain=mean)


def inside(token: Token, spans: list[tuple[int, int]]) -> bool:
    return any(start < token.end and token.start < end for start, end in spans)


def one_per_token(suspects: list[Suspect]) -> list[Suspect]:
    """Entity suspects win over thesaurus suspects of the same token."""
    by_token: dict[tuple[int, int], Suspect] = {}
    for suspect in suspects:
        key = (suspect.token.start, suspect.token.end)
        if key not in by_token or suspect.kind == "entity":
            by_token[key] = suspect
    return list(by_token.values())
