"""`make bench`: run every benchmark, then gather bench/results/*.md into bench/results.md."""

import sys

from bench.common import run_and_gather

BENCHMARKS = ("bench.bench_pipeline", "bench.bench_grammar", "bench.bench_spin")

if __name__ == "__main__":
    sys.exit(run_and_gather(BENCHMARKS))
