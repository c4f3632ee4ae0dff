"""The language-model signal with the real SmolLM2 model (integration: it loads the GGUF file)."""

from __future__ import annotations

import pytest

from cleaner.spin.lm import LlamaScorer, model_file

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lm() -> LlamaScorer:
    if model_file() is None:
        pytest.skip("the SmolLM2 model is not installed (make setup)")
    return LlamaScorer.load(threads=1)


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
