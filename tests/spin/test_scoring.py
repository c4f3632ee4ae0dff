"""The score combination: monotone in the evidence, and the fit recovers a real separation."""

from __future__ import annotations

import pytest

from cleaner.spin.scoring import FEATURES, Figures, fit_logistic, score
from cleaner.stages.spin import FITTED_WEIGHTS, fitted_weights


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
