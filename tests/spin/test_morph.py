"""Inflection round trips on real words, with WordNet's exception lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.spin.morph import Exceptions, inflect, lemmas

WORDNET = Path("/usr/share/wordnet")


@pytest.fixture(scope="module")
def exceptions() -> Exceptions:
    if not WORDNET.is_dir():
        pytest.skip("wordnet-base is not installed (make setup)")
    return Exceptions.from_wordnet(WORDNET)


@pytest.mark.parametrize(
    ("word", "lemma", "form"),
    [
        ("negotiations", "negotiation", "s"),
        ("parties", "party", "s"),
        ("attacked", "attack", "ed"),
        ("taking", "take", "ing"),
        ("forces", "force", "s"),
        ("men", "man", "s"),
    ],
)
def test_lemmas_find_the_dictionary_form(exceptions: Exceptions, word: str, lemma: str, form: str) -> None:
    assert (lemma, form) in lemmas(word, exceptions)


@pytest.mark.parametrize(
    ("lemma", "form", "expected"),
    [
        ("talk", "s", "talks"),
        ("party", "s", "parties"),
        ("force", "s", "forces"),
        ("plan", "ing", "planing"),
        ("propose", "ed", "proposed"),
        ("easy", "er", "easier"),
    ],
)
def test_inflect_regular(lemma: str, form: str, expected: str) -> None:
    assert inflect(lemma, form)[0] == expected


def test_inflect_adds_irregular_forms_from_wordnet(exceptions: Exceptions) -> None:
    assert "men" in inflect("man", "s", exceptions)
    assert "went" in inflect("go", "ed", exceptions)


def test_bare_form_is_unchanged() -> None:
    assert inflect("peace", "") == ["peace"]
