"""The trigram prefilter on real sentences with pocketsphinx's US-English model."""

from __future__ import annotations

import pytest

from cleaner.spin.prefilter import OOV_LOGPROB, TrigramScorer, load_zipf, pocketsphinx_lm_file


@pytest.fixture(scope="module")
def trigram() -> TrigramScorer:
    if pocketsphinx_lm_file() is None:
        pytest.skip("pocketsphinx is not installed (make setup)")
    return TrigramScorer.load()


def test_window_prefers_the_collocation(trigram: TrigramScorer) -> None:
    words = ["the", "peace", "talks", "resumed", "in", "geneva"]
    assert trigram.window(words, 1, "peace") > trigram.window(words, 1, "harmony") + 2.0


def test_right_context_counts(trigram: TrigramScorer) -> None:
    words = ["a", "blow", "to", "relations"]
    assert trigram.window(words, 1, "blow") > trigram.window(words, 1, "punch")


def test_unknown_word_is_floored(trigram: TrigramScorer) -> None:
    assert trigram.logprob("qzxvtrwp", "the", "<s>") == OOV_LOGPROB


def test_zipf_lookup_matches_wordfreq() -> None:
    from wordfreq import zipf_frequency

    zipf = load_zipf()
    for word in ("month", "normalization", "O’Brien"):
        assert zipf(word) == pytest.approx(zipf_frequency(word, "en"), abs=0.01)
