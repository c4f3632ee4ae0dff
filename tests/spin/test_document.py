"""The document step on its own: support from the other checked positions, other uses of a word."""

from __future__ import annotations

import re

import pytest

from cleaner.spin.candidates import Token
from cleaner.spin.document import PHRASE_RULE, document_scores, other_uses
from cleaner.spin.scoring import Figures
from cleaner.spin.suspects import Suspect
from cleaner.stages.spin import SpinConfig

WEIGHTS = SpinConfig().document_weights
CHECKED = Figures(ngram_gain=3.0, zipf_word=4.0, zipf_lift=1.0, sources=1, ngram_fit=-8.0, lm_gain=6.0)


def suspects_at(text: str, words: list[str], rule: str = "thesaurus") -> list[Suspect]:
    """A checked suspect at the first occurrence of each of ``words``."""
    found = []
    for word in words:
        at = re.search(rf"\b{word}\b", text)
        assert at is not None
        token = Token(at.start(), at.end(), word, 0)
        found.append(Suspect(token, [("x", 1.0, 1)], [word], CHECKED, rule=rule))
    return found


def test_other_uses_counts_whole_words_and_phrases_in_any_case() -> None:
    text = "Key travel matters. The travel is short; travelled keys. Put To Death, they put to death."
    assert other_uses(text, "travel") == 1
    assert other_uses(text, "travelled") == 0
    assert other_uses(text, "put to death") == 1


def test_a_word_the_text_uses_again_scores_lower_than_one_it_uses_once() -> None:
    words = ["giant", "climbed", "stated", "choose", "detained", "harmony"]
    once = "The giant loss. Prices climbed. He stated it. Voters choose. Police detained two. The harmony talks."
    again = once + " Critics of the harmony plan stayed away."
    alone = [0.9] * len(words)
    first = document_scores(once, suspects_at(once, words), alone, WEIGHTS)
    second = document_scores(again, suspects_at(again, words), alone, WEIGHTS)
    assert first[-1].support == second[-1].support  # the same others, the same support
    assert second[-1].score < first[-1].score
    assert [s.score for s in first[:-1]] == [s.score for s in second[:-1]]


def test_a_phrase_does_not_vouch_for_the_others() -> None:
    text = "The giant loss. Prices climbed. He stated it. Voters choose. Police detained two. They put to death."
    words = ["giant", "climbed", "stated", "choose", "detained"]
    phrase = suspects_at(text, ["put to death"], rule=PHRASE_RULE)
    alone = [0.2] * len(words) + [0.99]
    scored = document_scores(text, suspects_at(text, words) + phrase, alone, WEIGHTS)
    assert scored[0].support is not None
    assert scored[0].support.value == pytest.approx(0.2 * 4 / 5)  # the other four words; the phrase counts 0


def test_without_weights_every_score_is_its_own() -> None:
    text = "The giant loss. Prices climbed."
    scored = document_scores(text, suspects_at(text, ["giant", "climbed"]), [0.7, 0.4], {})
    assert [(s.score, s.support) for s in scored] == [(0.7, None), (0.4, None)]
