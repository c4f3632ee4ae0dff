"""The score combination: monotone in the evidence, and the fit recovers a real separation."""

from __future__ import annotations

import pytest

from cleaner.spin.scoring import (
    FEATURES,
    Figures,
    Support,
    fit_logistic,
    score,
    support_size,
    supports,
    with_document,
)
from cleaner.spin.weights import FITTED_DOCUMENT_WEIGHTS, FITTED_WEIGHTS, fitted_weights


@pytest.mark.parametrize("model", sorted(FITTED_WEIGHTS))
def test_more_language_model_gain_means_a_higher_score(model: str) -> None:
    full, prefilter = fitted_weights(model)
    low = Figures(5.0, 3.5, 1.0, 2, -12.0, lm_gain=0.5)
    high = Figures(5.0, 3.5, 1.0, 2, -12.0, lm_gain=8.0)
    assert score(high, full, prefilter) > score(low, full, prefilter)


def test_unchecked_positions_use_the_prefilter_weights() -> None:
    figures = Figures(5.0, 3.5, 1.0, 2, -12.0)
    assert score(figures, {"intercept": 100.0}, {"intercept": -100.0}) < 0.01


def test_fit_separates_two_groups() -> None:
    rows = [[g, 0.0, 2.0, 3.0, 0.0, 1.0, -10.0] for g in (0.0, 0.5, 1.0)] + [
        [g, 6.0, 9.0, 3.0, 1.0, 3.0, -14.0] for g in (6.0, 7.0, 8.0)
    ]
    weights = fit_logistic(rows, [0, 0, 0, 1, 1, 1], FEATURES, steps=500)
    assert weights["lm_gain"] > 0


def test_a_positions_support_leaves_the_position_itself_out() -> None:
    scores = [0.99, 0.1, 0.2, 0.95, 0.05, 0.3, 0.97, 0.9]
    found = supports(scores, list(range(len(scores))))
    # the best position is supported by the next five, the others by the best five but themselves
    assert found[0].value == pytest.approx((0.97 + 0.95 + 0.9 + 0.3 + 0.2) / 5)
    assert found[1].value == pytest.approx((0.99 + 0.97 + 0.95 + 0.9 + 0.3) / 5)
    assert {s.weight for s in found.values()} == {1.0}
    assert supports(scores, [0, 1])[0] == Support(0.1 / 5, 1 / 5)


def test_a_longer_text_needs_more_sure_positions_for_the_same_support() -> None:
    scores = [0.95] * 6 + [0.1] * 100
    checked = list(range(len(scores)))
    short, long = (supports(scores, checked, support_size(words))[10].value for words in (200, 1000))
    assert short == pytest.approx(0.95)  # five sure others: all the support a 200-word text can give
    assert long == pytest.approx((6 * 0.95 + 9 * 0.1) / 15)  # a 1000-word text has room for more


@pytest.mark.parametrize("pair", sorted(FITTED_DOCUMENT_WEIGHTS))
def test_more_support_means_a_higher_score_and_no_evidence_leaves_it(pair: tuple[str, str]) -> None:
    weights = FITTED_DOCUMENT_WEIGHTS[pair]
    low, high = (with_document(0.8, Support(v, 1.0), 0, weights) for v in (0.1, 0.9))
    assert low < high
    assert with_document(0.8, Support(0.0, 0.0), 0, weights) == pytest.approx(0.8)
    halfway = with_document(0.8, Support(0.1, 0.5), 0, weights)
    assert low < halfway < 0.8


@pytest.mark.parametrize("pair", sorted(FITTED_DOCUMENT_WEIGHTS))
def test_a_word_the_text_uses_again_scores_lower(pair: tuple[str, str]) -> None:
    weights = FITTED_DOCUMENT_WEIGHTS[pair]
    once, twice, often = (with_document(0.8, Support(0.9, 1.0), n, weights) for n in (0, 1, 3))
    assert once > twice > often
    assert with_document(0.8, Support(0.9, 1.0), 9, weights) == pytest.approx(often)  # counted up to MAX_REPEATS
