"""`make eval`: every accuracy evaluation, printed, and saved in bench/results/."""

from __future__ import annotations

import importlib
import sys

EVALUATIONS = ("bench.eval_boilerplate", "bench.eval_spin")


def main() -> int:
    for name in EVALUATIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"-- {name}: not present, skipped")
            continue
        print(f"== {name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
