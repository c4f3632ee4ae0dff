"""The thesaurus index: parsers on real lines, symmetry, and the installed sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.spin.thesaurus import (
    MOBY,
    MYTHES,
    MYTHES_FILE,
    SISTER,
    WORDNET,
    WORDNET_DIR,
    Thesaurus,
    load_thesaurus,
    parse_moby,
    parse_mythes,
    parse_wordnet_line,
)


def test_mythes_lines_skip_antonyms_and_phrases() -> None:
    lines = ["offensive|1", "(adj)|violative|offending (similar term)|defensive (antonym)|on the offensive"]
    assert list(parse_mythes(lines)) == [("offensive", "violative"), ("offensive", "offending")]


def test_moby_line() -> None:
    assert list(parse_moby(["blow,punch,stroke,knock out"])) == [("blow", "punch"), ("blow", "stroke")]


def test_wordnet_line_with_hypernym() -> None:
    line = "15206296 28 n 02 month 0 calendar_month 0 001 @ 15113229 n 0000 | a time unit"
    key, synset = parse_wordnet_line(line)  # type: ignore[misc]
    assert key == "15206296n"
    assert synset.words == ("month", "calendar month")
    assert synset.hypernyms == ("15113229n",)


def test_index_is_symmetric_and_filtered() -> None:
    pairs = [("peace", "harmony", MOBY), ("peace", "accord", MYTHES), ("peace", "pax romana", WORDNET)]
    thesaurus = Thesaurus.from_pairs(pairs, keep=lambda w: w != "accord")
    assert thesaurus.neighbours("harmony") == {"peace": MOBY}
    assert "accord" not in thesaurus
    assert "pax romana" not in thesaurus


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Thesaurus:
    if not (WORDNET_DIR.is_dir() and MYTHES_FILE.is_file()):
        pytest.skip("wordnet-base / mythes-en-us are not installed (make setup)")
    cache = Path(__file__).resolve().parents[2] / ".cache" / "spin"
    return load_thesaurus(cache)


@pytest.mark.parametrize(
    ("spun", "original"),
    [
        ("function", "party"),
        ("punch", "blow"),
        ("harmony", "peace"),
        ("negotiation", "talk"),
        ("standardization", "normalization"),
        ("quarter", "month"),
    ],
)
def test_installed_sources_link_sense_blind_swaps(installed: Thesaurus, spun: str, original: str) -> None:
    assert original in installed.neighbours(spun)


def test_sister_terms_come_from_wordnet(installed: Thesaurus) -> None:
    assert installed.neighbours("month")["day"] & SISTER
    assert "oz." not in installed.neighbours("pound")
