"""`make eval`: every accuracy evaluation, printed, and saved in bench/results/."""

from __future__ import annotations

import sys

from bench.common import gather_results, run_mains

EVALUATIONS = ("bench.eval_boilerplate", "bench.eval_spin")


def main() -> int:
    failed = run_mains(EVALUATIONS)
    gather_results()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
