"""The language-model signal with each real packaged model (integration: it loads the GGUF files)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cleaner.spin.lm import LlamaScorer
from cleaner.spin.models import PACKAGED
from cleaner.stages.spin import SpinConfig

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module", params=sorted(PACKAGED))
def lm(request: pytest.FixtureRequest) -> Iterator[LlamaScorer]:
    scorer = LlamaScorer.load(request.param, SpinConfig().cache_dir, threads=1)
    yield scorer
    scorer.close()


@pytest.mark.parametrize(
    ("left", "spun", "original"),
    [
        (
            "Foreign ministers met to discuss the",
            " harmony process between the two countries",
            " peace process between the two countries",
        ),
        (
            "The decision was",
            " a punch to bilateral relations, officials said",
            " a blow to bilateral relations, officials said",
        ),
        ("Rebel", " causes attacked the city overnight", " forces attacked the city overnight"),
    ],
)
def test_original_wording_fits_better_on_both_sides(lm: LlamaScorer, left: str, spun: str, original: str) -> None:
    spun_score, original_score = lm.continuation_logprobs(left, [spun, original])
    assert spun_score is not None and original_score is not None
    assert original_score > spun_score + 1.0


def test_shared_left_context_gives_the_same_score_as_alone(lm: LlamaScorer) -> None:
    together = lm.continuation_logprobs("The talks ended", [" on Monday.", " in Paris."])
    alone = lm.continuation_logprobs("The talks ended", [" in Paris."])
    assert together[1] == pytest.approx(alone[0], abs=1e-3)


def test_shortlist_scores_the_first_and_the_likeliest_others(lm: LlamaScorer) -> None:
    scores = lm.continuation_logprobs(
        "The foreign ministers met for peace", [" talks.", " giraffes.", " negotiations."], 1
    )
    assert scores[0] is not None
    assert scores[1] is None and scores[2] is not None


def test_left_context_reused_from_the_cache_scores_like_a_fresh_one(lm: LlamaScorer) -> None:
    lm.continuation_logprobs("Completely unrelated words about the weather", [" today."])
    fresh = lm.continuation_logprobs("The talks between the two sides ended", [" on Monday.", " in Paris."])
    lm.continuation_logprobs("The talks between the two", [" sides."])  # shares most of the next left context
    reused = lm.continuation_logprobs("The talks between the two sides ended", [" on Monday.", " in Paris."])
    again = lm.continuation_logprobs("The talks between the two sides ended", [" on Monday.", " in Paris."])
    # Decoding the left context in two pieces moves the quantized sums a little, not by nats.
    assert reused == pytest.approx(fresh, abs=0.3)
    assert again == pytest.approx(reused, abs=1e-6)


def test_more_alternatives_than_cache_sequences_are_all_scored(lm: LlamaScorer) -> None:
    words = [" arrested", " detained", " held", " caught", " seized", " jailed", " questioned", " charged", " freed"]
    many = lm.continuation_logprobs("Police said they had", [w + " two men." for w in words])
    alone = [lm.continuation_logprobs("Police said they had", [w + " two men."])[0] for w in (words[0], words[-1])]
    assert all(s is not None for s in many)
    assert [many[0], many[-1]] == pytest.approx(alone, abs=0.3)


def test_next_words_are_the_models_likeliest_whole_words(lm: LlamaScorer) -> None:
    words = lm.next_words("The two countries signed a peace", 5)
    assert len(words) == 5
    assert all(w.isalpha() and w.islower() and len(w) >= 3 for w, _ in words)
    assert [lp for _, lp in words] == sorted((lp for _, lp in words), reverse=True)
    assert "treaty" in [w for w, _ in words] or "agreement" in [w for w, _ in words]


def test_next_words_scores_match_the_continuation_scores_of_the_same_word(lm: LlamaScorer) -> None:
    (word, logprob), *_ = lm.next_words("Police said they had arrested two", 1)
    (score,) = lm.continuation_logprobs("Police said they had arrested two", [" " + word])
    assert score == pytest.approx(logprob, abs=0.3)


def test_keep_scores_the_first_continuations_whatever_the_shortlist(lm: LlamaScorer) -> None:
    scores = lm.continuation_logprobs(
        "The foreign ministers met for peace", [" talks.", " giraffes.", " negotiations.", " treaty."], 1, keep=2
    )
    assert scores[0] is not None and scores[1] is not None
    assert sum(s is not None for s in scores[2:]) == 1


def test_a_score_does_not_depend_on_what_was_scored_before(lm: LlamaScorer) -> None:
    left = "United goalkeeper Marek Novak made three fine saves as the home side held on"
    endings = [" to win the match on Sunday.", " to lose the match on Sunday."]
    first = lm.continuation_logprobs(left, endings)
    lm.continuation_logprobs("The council met on Monday to discuss the budget", [" for the coming year."])
    lm.continuation_logprobs(left + " to win the match, and the coach said", [" he was pleased."])
    assert lm.continuation_logprobs(left, endings) == first
