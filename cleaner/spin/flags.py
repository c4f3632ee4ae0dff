"""The flags a reviewer sees: of a suspect position, and of a confirmed fingerprint.

:class:`~cleaner.spin.engine.Detector` decides what is flagged; this module only writes the
flag: span, suggestions, score, a message and the evidence, each signal with its figure.
"""

from __future__ import annotations

from typing import NamedTuple

from cleaner.model import Flag
from cleaner.spin import scoring
from cleaner.spin.candidates import match_case
from cleaner.spin.fingerprints import Hit
from cleaner.spin.suspects import PROPOSAL, Suspect, message, model_says
from cleaner.spin.thesaurus import SOURCE_NAMES

STAGE = "spin"
# A fingerprint from a pack is strong evidence once the words around it confirm it.
FINGERPRINT_PRIOR = 0.75


class Scored(NamedTuple):
    """A suspect's final score, its score alone, and its document's support (None where not used)."""

    score: float
    alone: float
    support: scoring.Support | None = None


def suspect_flag(text: str, suspect: Suspect, scored: Scored, max_candidates: int) -> Flag:
    """The flag a reviewer sees for a suspect with its final score
    (:meth:`~cleaner.spin.engine.Detector.document_scores`), at most ``max_candidates`` suggestions."""
    token = suspect.token
    shown = suspect.candidates[:max_candidates]
    suggestions = [match_case(w, token.word) for w, _, _ in shown]
    evidence = dict(suspect.evidence)
    evidence |= {
        "ngram_gain": round(suspect.candidates[0][1], 2),
        "zipf_word": round(suspect.figures.zipf_word, 2),
        "zipf_suggestion": round(suspect.figures.zipf_word + suspect.figures.zipf_lift, 2),
        "ngram_fit": round(suspect.figures.ngram_fit, 2),
    }
    if suspect.lm_gains is not None:
        evidence["lm_gain"] = round(suspect.lm_gains[0], 2)
    if suspect.figures.model_gain is not None:
        evidence["model_gain"] = round(suspect.figures.model_gain, 2)
    if suspect.figures.second_gain is not None:
        evidence["second_model_gain"] = round(suspect.figures.second_gain, 2)
    if scored.support is not None:
        evidence["score_alone"] = round(scored.alone, 3)
        evidence["document_support"] = round(scored.support.value, 3)
        evidence["document_weight"] = round(scored.support.weight, 2)
    if suspect.kind == "spin":
        names = {**SOURCE_NAMES, PROPOSAL: "language-model"}
        evidence["thesauri"] = ",".join(n for bit, n in names.items() if suspect.candidates[0][2] & bit)
    return Flag(
        stage=STAGE,
        kind=suspect.kind,
        rule=suspect.rule,
        start=token.start,
        end=token.end,
        text=text[token.start : token.end],
        suggestions=suggestions,
        score=round(scored.score, 3),
        message=message(suspect, suggestions[0]),
        evidence=evidence,
    )


def fingerprint_flag(text: str, hit: Hit, gain: float, by_lm: bool) -> Flag:
    """The flag of a fingerprint the words around it confirm (``gain`` nats, by the language
    model or, ``by_lm`` false, by the trigram model)."""
    original, phrase = hit.fingerprint.original, text[hit.start : hit.end]
    by = "the language model" if by_lm else "the trigram model"
    return Flag(
        stage=STAGE,
        kind="spin",
        rule=f"fingerprint:{hit.fingerprint.pack}",
        start=hit.start,
        end=hit.end,
        text=phrase,
        suggestions=[original],
        score=FINGERPRINT_PRIOR,
        message=f"“{phrase}” is a known spinner rewording of “{original}”; {by} {model_says(gain)}.",
        evidence={
            "fingerprint": hit.fingerprint.pack,
            "lm_gain" if by_lm else "ngram_gain": round(gain, 2),
        },
    )
