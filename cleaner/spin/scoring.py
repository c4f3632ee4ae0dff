"""Turning the signals' figures into one calibrated score per span.

A logistic model over a few figures per suspect position. The weights are fitted by
``bench/eval_spin.py --fit`` on spun news with known answers (the aeb-dev ground truth run
through ``bench/spinner.py``) and kept in the stage config, so the score reads as "how
likely this is a substitution"; positions the language model did not check use the
prefilter-only weights. Positions a second model also checked (``Figures.second_gain``) use
the pair weights, fitted on the mean of the two models' gains.

Last, a position the language model checked is scored again together with its document
(:func:`with_document`): a spinner rewrites a whole document, so a position is likelier a
substitution where the model is sure of several others in the same text, and less likely where
the text uses the same word again (a spinner's substitute is seldom repeated; a document's own
vocabulary is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

# The figures, in this order, that the weights multiply (after the intercept).
FEATURES = ("ngram_gain", "lm_gain", "model_gain", "zipf_word", "zipf_lift", "sources", "ngram_fit")
PREFILTER_FEATURES = ("ngram_gain", "zipf_word", "zipf_lift", "sources", "ngram_fit")
# The figures the document weights multiply (see :func:`with_document`).
DOCUMENT_FEATURES = ("alone", "support", "repeated")
# How many of a document's other checked positions its support counts (:func:`document_support`):
# at least DOCUMENT_TOP, and DOCUMENT_RATE per 100 words in a longer text. Any text of some length
# has a few words the model finds odd; a spun one has them all through (support_size).
DOCUMENT_TOP = 5
DOCUMENT_RATE = 1.5
# Other occurrences of a word beyond this count as this many (document_vector).
MAX_REPEATS = 3


@dataclass(frozen=True)
class Figures:
    """The figures behind one suspect position and its best candidate."""

    ngram_gain: float
    zipf_word: float
    zipf_lift: float
    sources: int
    ngram_fit: float
    lm_gain: float | None = None
    model_gain: float | None = None
    second_gain: float | None = None  # the second model's lm_gain, where it checked the position

    def vector(self, names: Sequence[str]) -> list[float]:
        """The named figures, clipped to the range they were fitted on.

        >>> Figures(30.0, 3.0, 1.0, 2, -4.0, lm_gain=-50.0).vector(["ngram_gain", "lm_gain"])
        [15.0, -15.0]
        """
        raw = {
            "ngram_gain": _clip(self.ngram_gain, -15.0, 15.0),
            "lm_gain": _clip(self.lm_gain if self.lm_gain is not None else 0.0, -15.0, 15.0),
            "model_gain": _clip(self.model_gain if self.model_gain is not None else 0.0, -15.0, 15.0),
            "zipf_word": self.zipf_word,
            "zipf_lift": _clip(self.zipf_lift, -4.0, 4.0),
            "sources": float(self.sources),
            "ngram_fit": _clip(self.ngram_fit, -16.0, 0.0),
        }
        return [raw[n] for n in names]


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def linear(weights: Mapping[str, float], values: Mapping[str, float]) -> float:
    """``intercept + sum(w * x)``: the log-odds of :func:`logistic`.

    >>> linear({"intercept": -1.0, "x": 2.0}, {"x": 1.5})
    2.0
    """
    return weights.get("intercept", 0.0) + sum(w * values[k] for k, w in weights.items() if k != "intercept")


def sigmoid(log_odds: float) -> float:
    """The probability of ``log_odds`` (clipped to ±30)."""
    return 1.0 / (1.0 + math.exp(-_clip(log_odds, -30.0, 30.0)))


def logistic(weights: Mapping[str, float], values: Mapping[str, float]) -> float:
    """``sigmoid(intercept + sum(w * x))``.

    >>> logistic({"intercept": 0.0, "x": 1.0}, {"x": 0.0})
    0.5
    """
    return sigmoid(linear(weights, values))


def score(
    figures: Figures,
    full: Mapping[str, float],
    prefilter: Mapping[str, float],
    pair: Mapping[str, float] | None = None,
) -> float:
    """The calibrated probability that the position is a substitution.

    Where a second model checked the position too (and ``pair`` weights are given), its
    ``lm_gain`` is the mean of the two models' gains, each clipped as :meth:`Figures.vector` clips.

    >>> f = Figures(0.0, 4.0, 0.0, 1, -5.0, lm_gain=8.0, second_gain=2.0)
    >>> score(f, {"lm_gain": 1.0}, {}) > score(f, {}, {}, pair={"lm_gain": 1.0}) > 0.99
    True
    """
    names: Sequence[str]
    if figures.lm_gain is None:
        names, weights, values = PREFILTER_FEATURES, prefilter, figures.vector(PREFILTER_FEATURES)
    elif figures.second_gain is None or pair is None:
        names, weights, values = FEATURES, full, figures.vector(FEATURES)
    else:
        names, weights, values = FEATURES, pair, pair_vector(figures)
    return logistic(weights, dict(zip(names, values, strict=True)))


def pair_vector(figures: Figures) -> list[float]:
    """:data:`FEATURES` of a position both models checked: ``lm_gain`` is the mean of their clipped gains.

    >>> pair_vector(Figures(0.0, 4.0, 0.0, 1, -5.0, lm_gain=40.0, second_gain=1.0))[1]
    8.0
    """
    values = figures.vector(FEATURES)
    if figures.second_gain is not None:
        at = FEATURES.index("lm_gain")
        (second,) = replace(figures, lm_gain=figures.second_gain).vector(["lm_gain"])  # clipped alike
        values[at] = (values[at] + second) / 2
    return values


def document_support(scores: Sequence[float], top: int = DOCUMENT_TOP) -> float:
    """How sure the model is that a document is spun, from scores of its checked positions: the mean
    of the ``top`` highest, a missing one counting as 0.

    >>> round(document_support([0.9, 0.1, 0.95, 0.8, 0.99, 0.97]), 3), document_support([0.9])
    (0.922, 0.18)
    """
    return sum(sorted(scores, reverse=True)[:top]) / top


def support_size(words: int) -> int:
    """How many of the best other checked positions a position's support counts in a text of
    ``words`` words: :data:`DOCUMENT_RATE` per 100 words, at least :data:`DOCUMENT_TOP`.

    >>> support_size(200), support_size(750)
    (5, 12)
    """
    return max(DOCUMENT_TOP, math.ceil(DOCUMENT_RATE * words / 100))


class Support(NamedTuple):
    """What a document's other checked positions say about one position (see :func:`supports`)."""

    value: float
    """The mean of their best scores (:func:`support_size` of them), a missing one counting as 0."""
    weight: float
    """How far that moves the position's score: 1 with :data:`DOCUMENT_TOP` others or more, less with fewer."""


def supports(scores: Sequence[float], checked: Sequence[int], top: int = DOCUMENT_TOP) -> dict[int, Support]:
    """The :class:`Support` of each position in ``checked`` (indexes into ``scores``) from the
    ``top`` best others in ``checked``.

    A spinner rewrites a whole document (about one content word in eight), so a spun document
    has many positions the model is sure of; a clean one a few, more in a longer text, which is
    why ``top`` grows with the text (:func:`support_size`). A short text has few others to tell
    which it is: counting a missing one as 0 keeps a single sure position from supporting itself,
    and the weight leaves such a score nearer its own.

    >>> supports([0.9, 0.2, 0.8], [0, 2])
    {0: Support(value=0.16, weight=0.2), 2: Support(value=0.18, weight=0.2)}
    """
    best = sorted(checked, key=lambda i: -scores[i])[: top + 1]  # every position's best others
    weight = min(1.0, (len(checked) - 1) / DOCUMENT_TOP)
    return {i: Support(document_support([scores[j] for j in best if j != i], top), weight) for i in checked}


def document_vector(alone: float, support: float, repeated: int) -> list[float]:
    """:data:`DOCUMENT_FEATURES`: the log-odds of a position's score alone (clipped to ±8), its
    document's support, and how often the document uses its words elsewhere (at most :data:`MAX_REPEATS`).

    >>> document_vector(0.5, 0.3, 1), document_vector(1.0, 0.3, 7)
    ([0.0, 0.3, 1.0], [8.0, 0.3, 3.0])
    """
    p = _clip(alone, 1e-4, 1.0 - 1e-4)
    return [_clip(math.log(p / (1.0 - p)), -8.0, 8.0), support, float(min(repeated, MAX_REPEATS))]


def with_document(alone: float, support: Support, repeated: int, weights: Mapping[str, float]) -> float:
    """The score of a checked position given its document: the logistic of ``weights`` over
    :func:`document_vector`, its log-odds moved from the score alone by ``support.weight`` of the way.

    >>> w = {"intercept": -6.5, "alone": 1.0, "support": 6.5, "repeated": -1.0}
    >>> [round(with_document(0.9, Support(v, 1.0), 0, w), 2) for v in (0.9, 0.2)]
    [0.82, 0.05]
    >>> round(with_document(0.9, Support(0.9, 1.0), 2, w), 2)
    0.39
    >>> round(with_document(0.9, Support(0.0, 0.0), 0, w), 6)
    0.9
    """
    x = document_vector(alone, support.value, repeated)
    fitted = linear(weights, dict(zip(DOCUMENT_FEATURES, x, strict=True)))
    return sigmoid(x[0] + support.weight * (fitted - x[0]))


def fit_logistic(
    rows: Sequence[Sequence[float]], labels: Sequence[int], names: Sequence[str], steps: int = 3000, l2: float = 1e-3
) -> dict[str, float]:
    """Weights of a logistic regression by gradient descent on standardised figures.

    Small and dependency-free on purpose: a few thousand rows, six figures.

    >>> w = fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1], ["x"])
    >>> w["x"] > 0
    True
    """
    n, k = len(rows), len(names)
    means = [sum(r[j] for r in rows) / n for j in range(k)]
    scales = [max(1e-6, math.sqrt(sum((r[j] - means[j]) ** 2 for r in rows) / n)) for j in range(k)]
    xs = [[(r[j] - means[j]) / scales[j] for j in range(k)] for r in rows]
    w, b, rate = [0.0] * k, 0.0, 0.5
    for _ in range(steps):
        grad_w, grad_b = [0.0] * k, 0.0
        for x, y in zip(xs, labels, strict=True):
            z = _clip(b + sum(wi * xi for wi, xi in zip(w, x, strict=True)), -30.0, 30.0)
            err = 1.0 / (1.0 + math.exp(-z)) - y
            grad_b += err
            for j in range(k):
                grad_w[j] += err * x[j]
        b -= rate * grad_b / n
        w = [wj - rate * (gj / n + l2 * wj) for wj, gj in zip(w, grad_w, strict=True)]
    weights = {name: w[j] / scales[j] for j, name in enumerate(names)}
    weights["intercept"] = b - sum(w[j] * means[j] / scales[j] for j in range(k))
    return weights
