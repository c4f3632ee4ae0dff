"""Fingerprint hits checked by the real language model: a pack phrase is flagged where its
original reads better in its place, and not where the phrase is ordinary English."""

from __future__ import annotations

import pytest

from cleaner.spin.engine import Detector, settings_from
from cleaner.stages.spin import SpinConfig
from tests.stages.test_spin import IDIOMS

pytestmark = pytest.mark.integration

# Pack phrases in the place of their originals (artificial intelligence, big data, in this study).
TORTURED = [
    "Newsrooms are testing counterfeit consciousness to sort their archives.",
    "The bank said huge information tools now flag most fraudulent payments.",
    "In this think about, we measure how fast the ice sheet is melting.",
]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector.load(settings_from(SpinConfig(second_model=None)))


@pytest.mark.parametrize("text", TORTURED)
def test_a_tortured_phrase_is_flagged(detector: Detector, text: str) -> None:
    (flag,) = detector.analyse(text)[0]
    assert float(flag.evidence["lm_gain"] or 0) > 3
    assert flag.suggestions[0] in {"artificial intelligence", "big data", "in this study"}


@pytest.mark.parametrize("text", IDIOMS)
def test_ordinary_english_the_pack_lists_is_not_flagged(detector: Detector, text: str) -> None:
    assert list(detector.fingerprints.find(text)), "the pack lists a phrase of it"
    assert detector.analyse(text)[0] == []
