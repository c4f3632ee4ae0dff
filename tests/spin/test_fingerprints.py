"""Fingerprint packs: the loader, matching, and a sample of the imported PPS list."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from cleaner.errors import ConfigError
from cleaner.spin.fingerprints import Fingerprint, Fingerprints, load_fingerprints, load_pack

RULES = Path(__file__).resolve().parents[2] / "rules" / "spin"


def test_longest_phrase_wins_and_spans_are_exact() -> None:
    fp = Fingerprints(
        [Fingerprint("profound learning", "deep learning", "t"), Fingerprint("profound learning model", "x", "t")]
    )
    text = "A profound learning model, and profound learning."
    hits = list(fp.find(text))
    assert [text[h.start : h.end] for h in hits] == ["profound learning model", "profound learning"]


def test_pack_without_phrases_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nphrases:\n  - {phrase: only}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_pack(bad)


def _pack(tmp_path: Path, examples: str) -> Path:
    path = tmp_path / "hand.yaml"
    entry = "  - phrase: colossal information\n    original: big data\n    examples: " + examples + "\n"
    path.write_text("id: hand\nphrases:\n" + entry, encoding="utf-8")
    return path


def test_a_pack_s_examples_are_checked_when_it_loads(tmp_path: Path) -> None:
    good = '{must_match: ["Firms mine colossal information daily."], must_not_match: ["Colossal. Information."]}'
    assert [e.original for e in load_pack(_pack(tmp_path, good))] == ["big data"]
    with pytest.raises(ConfigError, match=r"hand\.yaml: phrase #1 \('colossal information'\).*not found.*Big data"):
        load_pack(_pack(tmp_path, '{must_match: ["Big data rules."]}'))
    with pytest.raises(ConfigError, match=r"is found in its must_not_match example"):
        load_pack(_pack(tmp_path, '{must_not_match: ["It holds colossal information."]}'))
    with pytest.raises(ConfigError, match=r"`examples` is a mapping"):
        load_pack(_pack(tmp_path, '{match: ["colossal information"]}'))


def test_imported_pack_keeps_its_attribution() -> None:
    text = (RULES / "tortured-phrases.yaml").read_text(encoding="utf-8")
    assert "Problematic Paper Screener" in text
    assert "CC BY 4.0" in text


def test_sample_of_the_imported_pack_matches_in_a_sentence() -> None:
    data = yaml.load((RULES / "tortured-phrases.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    sample = random.Random(3).sample(data["phrases"], 40)
    fingerprints = load_fingerprints(RULES)
    for entry in sample:
        sentence = f"We note that {entry['phrase']} matters here."
        hits = list(fingerprints.find(sentence))
        assert hits, entry
        at = sentence.lower().index(entry["phrase"])
        assert any(h.start <= at < h.end for h in hits), entry


def test_known_tortured_phrase_and_a_clean_sentence() -> None:
    fingerprints = load_fingerprints(RULES)
    hits = list(fingerprints.find("Counterfeit consciousness is changing newsrooms."))
    assert [h.fingerprint.original for h in hits] == ["artificial intelligence"]
    assert list(fingerprints.find("Artificial intelligence is changing newsrooms.")) == []


def test_a_phrase_does_not_run_across_a_sentence_end() -> None:
    fingerprints = load_fingerprints(RULES)
    assert [h.fingerprint.original for h in fingerprints.find("The sky went dark out at sea.")] == ["black out"]
    assert list(fingerprints.find("By nine it was dark. Out at sea, the crew waited.")) == []
    assert list(fingerprints.find("It was dark.\n\nOut at sea, the crew waited.")) == []
