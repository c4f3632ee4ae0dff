"""Phrases a thesaurus links to single words: reading them in the text, in their inflection."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.spin.morph import Exceptions
from cleaner.spin.phrases import Found, PhraseIndex, clean_entry, is_phrase, wordnet_verb_phrases
from cleaner.spin.thesaurus import WORDNET_DIR, parse_moby

INDEX = PhraseIndex(
    {"carry out": {"execute": 1}, "dead time": {"lag": 8}, "put to death": {"execute": 1}},
    frozenset({"carry out", "put to death"}),
)


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("troops carried out the raid", Found(1, 2, "carry out", ("ed",))),
        ("the machine has long dead times", Found(4, 2, "dead time", ("s",))),
        ("they were put to death", Found(2, 3, "put to death", ("", "ed"))),
    ],
)
def test_a_phrase_is_read_in_its_inflection(sentence: str, found: Found) -> None:
    assert list(INDEX.find(sentence.split(), Exceptions())) == [found]


def test_a_noun_phrase_is_not_read_with_its_first_word_inflected() -> None:
    assert list(INDEX.find(["the", "deads", "time"], Exceptions())) == []


def test_moby_phrases_are_kept_when_asked_for() -> None:
    line = ["kill,put to death,slay,in the nick of time"]
    assert list(parse_moby(line, clean_entry)) == [("kill", "put to death"), ("kill", "slay")]
    assert list(parse_moby(line)) == [("kill", "slay")]


def test_a_phrase_opening_with_a_function_word_is_not_kept() -> None:
    assert [is_phrase(p) for p in ("take place", "at least", "in the north")] == [True, False, False]


@pytest.mark.skipif(not Path(WORDNET_DIR / "index.verb").is_file(), reason="wordnet-base is not installed")
def test_wordnet_lists_verb_phrases() -> None:
    verbs = wordnet_verb_phrases(WORDNET_DIR)
    assert {"carry out", "put to death", "take place"} <= verbs
    assert "prime minister" not in verbs
