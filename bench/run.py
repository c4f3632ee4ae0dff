"""`make bench`: run every benchmark, then gather bench/results/*.md into bench/results.md."""

from __future__ import annotations

import importlib
import sys
import traceback

from bench.common import RESULTS_DIR, ROOT, machine

BENCHMARKS = ("bench.bench_pipeline", "bench.bench_grammar", "bench.bench_spin")


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"-- {name}: not present, skipped")
            continue
        print(f"== {name}")
        try:
            module.main()
        except Exception:
            traceback.print_exc()
            failed.append(name)
    sections = [p.read_text(encoding="utf-8") for p in sorted(RESULTS_DIR.glob("*.md"))]
    header = (
        "# Benchmark and evaluation results\n\n"
        "Written by `make bench` (and `make eval` for the accuracy sections); each section says when and on\n"
        f"what it was measured. Last `make bench`: {machine()}.\n"
    )
    (ROOT / "bench" / "results.md").write_text("\n".join([header, *sections]), encoding="utf-8")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
