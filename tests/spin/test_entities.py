"""Entity consistency on small real-looking texts."""

from __future__ import annotations

from collections import Counter

from cleaner.spin.entities import (
    demonym_alternatives,
    demonym_support,
    name_counts,
    near_spellings,
    wordnet_demonyms,
)
from cleaner.spin.prefilter import load_zipf
from cleaner.spin.suspects import spelling_evidence
from cleaner.spin.thesaurus import WORDNET_DIR

ZIPF = load_zipf()


def test_rarer_spelling_of_a_name_is_suspect() -> None:
    text = "James O’Brien spoke on Monday. Later, O’Brian said the talks would go on."
    alternatives = near_spellings(name_counts(text), Counter(), ZIPF)
    assert alternatives["O’Brian"].better == "O’Brien"
    assert "O’Brien" not in alternatives


def test_run_counts_decide_between_two_rare_spellings() -> None:
    doc = Counter({"Kean": 1, "Keen": 1})
    run = Counter({"Kean": 6, "Keen": 1})
    assert near_spellings(doc, run, ZIPF)["Keen"].better == "Kean"


def test_common_word_pairs_and_inflections_are_left_alone() -> None:
    text = "Iran and Iraq met. Austria and Australia too. The Azerbaijani army entered Azerbaijan’s capital."
    assert near_spellings(name_counts(text), Counter(), ZIPF) == {}


def test_possessive_is_not_part_of_the_name() -> None:
    assert name_counts("Then Kean’s aide met Kean.") == Counter({"Kean": 2})


def alternatives(text: str) -> dict[str, list[str]]:
    counts, known = name_counts(text), wordnet_demonyms(WORDNET_DIR)
    return demonym_alternatives(counts, known, demonym_support(counts, known), ZIPF)


def test_demonyms_from_wordnet_know_their_places_and_exclude_surnames() -> None:
    known = wordnet_demonyms(WORDNET_DIR)
    assert known["Armenian"] == {"armenia"} and "iran" in known["Iranian"]
    assert "Pashinian" not in known and "tribal" not in known and "Tribal" not in known


def test_a_demonym_whose_place_the_text_is_about_is_the_alternative() -> None:
    # Iran is never named; Armenia and its demonym are the subject.
    text = (
        "Armenia said on Monday that Armenian refugees had crossed the border. "
        "An ethnic Iranian family took them in, officials in Armenia said."
    )
    assert alternatives(text) == {"Iranian": ["Armenian"]}


def test_demonyms_about_equally_supported_are_left_alone() -> None:
    text = "Iranian and Armenian officials met in Iran. The Armenian delegation left for Armenia."
    assert alternatives(text) == {}


def test_a_name_english_knows_is_not_a_misspelling_of_one_in_another_document() -> None:
    assert near_spellings(Counter({"Marek": 1}), Counter({"Mark": 3, "Marek": 1}), ZIPF) == {}
    rare = near_spellings(Counter({"Husein": 1}), Counter({"Hussein": 4, "Husein": 1}), ZIPF)["Husein"]
    assert rare.better == "Hussein"
    assert spelling_evidence(rare)["better_in_document"] is False


def test_a_name_that_only_opens_sentences_is_checked() -> None:
    text = "Mendes took the corner. The keeper saved. Mendez curled the rebound in, and Mendes celebrated."
    assert near_spellings(name_counts(text, ZIPF), Counter(), ZIPF)["Mendez"].better == "Mendes"
    assert "Mendez" not in name_counts(text)
