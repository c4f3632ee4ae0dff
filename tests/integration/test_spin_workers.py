"""Worker processes in a process that has already run the language model (integration: real models)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]

# The model runs in this process first (clean_text), then two workers run it again.
SCRIPT = """
from cleaner import Document, Pipeline, clean_text

if __name__ == "__main__":
    clean_text("The council met on Monday to discuss the budget.", stages=["spin"])
    texts = ["The council met on Monday to discuss the budget for the coming year.",
             "Prices rose again in May, the statistics office said on Friday."]
    docs = [Document(id=str(n), source="-", text=t) for n, t in enumerate(texts)]
    with Pipeline(stages=["spin"]) as pipeline:
        results = list(pipeline.run(docs, jobs=2))
    print(len(results), sum(r.failed for r in results))
"""


def test_workers_start_after_the_model_ran_in_the_process(tmp_path: Path) -> None:
    script = tmp_path / "after_model.py"
    script.write_text(SCRIPT, encoding="utf-8")
    # Forked workers hung for ever in their first decode (OpenMP threads do not survive a fork).
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=600, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.decode().split() == ["2", "0"]
