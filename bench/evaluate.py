"""`make eval`: every accuracy evaluation, printed, and saved in bench/results/."""

import sys

from bench.common import run_and_gather

EVALUATIONS = ("bench.eval_boilerplate", "bench.eval_spin", "bench.eval_fingerprints")

if __name__ == "__main__":
    sys.exit(run_and_gather(EVALUATIONS))
