"""`make bench`: run every benchmark, then gather bench/results/*.md into bench/results.md."""

from __future__ import annotations

import sys

from bench.common import gather_results, run_mains

BENCHMARKS = ("bench.bench_pipeline", "bench.bench_grammar", "bench.bench_spin")


def main() -> int:
    failed = run_mains(BENCHMARKS)
    gather_results()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
