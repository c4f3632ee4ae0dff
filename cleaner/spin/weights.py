"""The score weights of the spin detector, fitted on spun news with known answers, per language model.

:mod:`cleaner.spin.scoring` combines a position's figures with these weights; they are data the
evaluation (``bench/eval_spin.py --fit``, ``--fit-document``) produced, kept here so that a
refit changes one file. :class:`~cleaner.stages.spin.SpinConfig` takes its defaults from them.
"""

from __future__ import annotations

from cleaner.spin.models import DEFAULT_MODEL

# Fitted with `scoring.fit_logistic` (what `bench/eval_spin.py --fit --pages 8` runs) on the
# suspects of 8 aeb-dev pages whose id starts with 0-3, spun by bench/spinner.py, with the
# default settings of `SpinConfig`, one pair per model; evaluated on 8 pages of the other ids
# (bench/results/spin.md). Refit when the model, the candidates, the prefilter, the proposals
# or the LM budget change.
FITTED_WEIGHTS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    # 1,166 suspects, 185 of them spun; 703 checked by the LM (each model: the same suspects).
    # Gemma's, refit with its second model in one run (2026-11-23, commit 3678548).
    # Fitted before the LM cache fix (2d18e9b); a refit after it was not adopted (spin-lm.md).
    "gemma-3-270m": (
        {
            "intercept": -4.291,
            "ngram_gain": -0.008,
            "lm_gain": 0.524,
            "model_gain": 0.118,
            "zipf_word": -0.084,
            "zipf_lift": -0.04,
            "sources": 0.185,
            "ngram_fit": -0.004,
        },
        {
            "intercept": -4.366,
            "ngram_gain": 0.233,
            "zipf_word": -0.128,
            "zipf_lift": 0.234,
            "sources": 0.215,
            "ngram_fit": -0.15,
        },
    ),
    "smollm2-135m": (
        {
            "intercept": -5.614,
            "ngram_gain": 0.026,
            "lm_gain": 0.472,
            "model_gain": 0.038,
            "zipf_word": 0.046,
            "zipf_lift": 0.165,
            "sources": 0.21,
            "ngram_fit": -0.081,
        },
        {
            "intercept": -4.174,
            "ngram_gain": 0.216,
            "zipf_word": -0.161,
            "zipf_lift": 0.221,
            "sources": 0.206,
            "ngram_fit": -0.156,
        },
    ),
}


# The second model each model asks about the positions it leaves undecided, and the weights
# fitted for the pair on the mean of their gains, each clipped as the score clips them
# (`bench/eval_spin.py --fit` asks the second model about all 703 LM-checked suspects of the
# fit pages; same run as Gemma's weights above).
SECOND_MODELS: dict[str, str] = {"gemma-3-270m": "smollm2-135m"}
FITTED_PAIR_WEIGHTS: dict[tuple[str, str], dict[str, float]] = {
    ("gemma-3-270m", "smollm2-135m"): {
        "intercept": -5.822,
        "ngram_gain": -0.005,
        "lm_gain": 0.577,
        "model_gain": 0.134,
        "zipf_word": 0.081,
        "zipf_lift": 0.049,
        "sources": 0.252,
        "ngram_fit": -0.031,
    },
}


# Weights of a checked position's score given its document (`scoring.with_document`): its
# score alone, the document's support and the word's other uses in the text
# (`cleaner.spin.document`), fitted by `bench/eval_spin.py --fit-document` on the fit pages spun
# and unspun, analysed with the stage's defaults (two rounds of checks).
FITTED_DOCUMENT_WEIGHTS: dict[tuple[str, str], dict[str, float]] = {
    ("gemma-3-270m", "smollm2-135m"): {"intercept": -5.03, "alone": 0.88, "support": 4.675, "repeated": -0.779},
}


def document_weights(model: str, second: str | None) -> dict[str, float]:
    """The document weights fitted for ``model`` with ``second``; none (no document step) without a fit.

    >>> document_weights("gemma-3-270m", "smollm2-135m")["support"], document_weights("smollm2-135m", None)
    (4.675, {})
    """
    return dict(FITTED_DOCUMENT_WEIGHTS.get((model, second or ""), {}))


def pair_weights(model: str, second: str | None) -> dict[str, float]:
    """The weights fitted for ``model`` with ``second``; without a fit for the pair, ``model``'s own.

    >>> pair_weights("gemma-3-270m", "smollm2-135m")["lm_gain"], pair_weights("smollm2-135m", None)["lm_gain"]
    (0.577, 0.472)
    """
    fitted = FITTED_PAIR_WEIGHTS.get((model, second or ""))
    return dict(fitted) if fitted is not None else fitted_weights(model)[0]


def fitted_weights(model: str) -> tuple[dict[str, float], dict[str, float]]:
    """The full and prefilter-only weights fitted for ``model`` (a GGUF path: the default model's).

    >>> fitted_weights("smollm2-135m")[0]["lm_gain"]
    0.472
    """
    full, prefilter = FITTED_WEIGHTS.get(model, FITTED_WEIGHTS[DEFAULT_MODEL])
    return dict(full), dict(prefilter)
