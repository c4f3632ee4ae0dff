"""End to end: `cleaner run` with the spin stage on seed 000 (a spun news report), real models.

The annotation (tests/data/spin/seed000_spun.json) is used only here and in bench/eval_spin.py;
nothing in the stage reads it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.model import Report

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "seeds").glob("000_*.txt"))
ANSWERS = json.loads((ROOT / "tests" / "data" / "spin" / "seed000_spun.json").read_text(encoding="utf-8"))["cases"]
# What the stage reaches on seed 000 today at the default threshold 0.25 with Gemma 3 270M,
# SmolLM2 as the second model, the document step (support over 1.5 sure positions per 100 words,
# other uses of the word), the second round of checks, the two best trigram candidates always
# scored and one decision per demonym: 19 of the 34 annotated spun words (functions,
# standardization, suggested, secretary, causes, harmony, punch, quarter, prepared, thunder, help
# in "its help for peace", place, both O’Brian, all three Iranian, "hint" in "political did to
# hint" and "controlled") and one flag elsewhere ("Finnish", in a headline of another story at the
# top). Before session 23's document step, also 19 (with "cultural" in "The cultural Armenian
# rule" instead of "controlled"). The issue's target is 20 (bench/results/spin.md). A drop below
# today's level fails this test.
MIN_FOUND = 19
MAX_ELSEWHERE = 1


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    out = tmp_path_factory.mktemp("spin-out")
    command = [sys.executable, "-m", "cleaner.cli", "run", str(SEED), "--out", str(out), "--stages", "spin", "--quiet"]
    result = subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()
    return Report.model_validate_json((out / "report.json").read_text(encoding="utf-8"))


def spans(text: str) -> list[tuple[int, int]]:
    marks = []
    for case in ANSWERS:
        at = text.index(case["context"]) + case["context"].index(case["spun"])
        marks.append((at, at + len(case["spun"])))
    return marks


def test_spin_flags_the_spun_words_of_seed_000(report: Report) -> None:
    (doc,) = report.documents
    assert doc.text == SEED.read_text(encoding="utf-8"), "spin must not change the text"
    marks = spans(doc.text)
    found = [m for m in marks if any(f.start < m[1] and m[0] < f.end for f in doc.flags)]
    elsewhere = [f for f in doc.flags if not any(f.start < e and s < f.end for s, e in marks)]
    assert len(found) >= MIN_FOUND, [doc.text[s:e] for s, e in marks if (s, e) not in found]
    assert len(elsewhere) <= MAX_ELSEWHERE, [(f.text, f.suggestions[:1], f.score) for f in elsewhere]


def test_flags_carry_suggestions_scores_and_evidence(report: Report) -> None:
    (doc,) = report.documents
    assert doc.flags
    for flag in doc.flags:
        assert flag.stage == "spin" and flag.kind in ("spin", "entity")
        assert flag.suggestions and flag.message and flag.evidence
        assert 0.0 <= flag.score <= 1.0
        assert doc.text[flag.start : flag.end] == flag.text
