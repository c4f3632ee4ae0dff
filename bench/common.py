"""What the evaluations and benchmarks share: the shared data, the machine, the results file."""

from __future__ import annotations

import importlib
import json
import os
import platform
import subprocess
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CLEANER_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS_DIR = ROOT / "bench" / "results"


def aeb_texts(name: str) -> dict[str, str]:
    """One file of the Article Extraction Benchmark's development half: ``{page id: text}``."""
    path = SHARED_DATA / "aeb-dev" / f"{name}.json"
    if not path.exists():
        msg = f"{path} is missing: the shared data folder is expected beside the project (or set CLEANER_SHARED_DATA)"
        raise SystemExit(msg)
    data = json.loads(path.read_text(encoding="utf-8"))
    return {page: (entry["articleBody"] if isinstance(entry, dict) else entry) for page, entry in data.items()}


def machine() -> str:
    """A one-line description of the machine the figures were measured on."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"commit {COMMIT_AT_START}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def commit() -> str:
    """The checkout's commit, with "+ uncommitted changes" when tracked files other than the
    results differ from it (the figures are then not those of the commit alone)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results", ":!bench/results.md"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return (head.strip() or "?") + (" + uncommitted changes" if changed.strip() else "")


# Read once, when the measuring process starts: what is committed while it runs is not what it
# measured.
COMMIT_AT_START = commit()


def write_section(area: str, markdown: str) -> Path:
    """Save one area's results as ``bench/results/<area>.md`` and print them."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{area}.md"
    path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    print(markdown)
    return path


def run_mains(module_names: tuple[str, ...]) -> list[str]:
    """Run ``main()`` of each module that is present; the names of those that raised."""
    failed = []
    for name in module_names:
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
    return failed


def gather_results() -> Path:
    """Write ``bench/results.md``: every ``bench/results/*.md`` section under one header."""
    sections = [p.read_text(encoding="utf-8") for p in sorted(RESULTS_DIR.glob("*.md"))]
    header = (
        "# Benchmark and evaluation results\n\n"
        "Assembled from `bench/results/*.md` by `make bench` and `make eval`; each section says when and\n"
        "on what machine it was measured.\n"
    )
    path = ROOT / "bench" / "results.md"
    path.write_text("\n".join([header, *sections]), encoding="utf-8")
    return path


def run_and_gather(module_names: tuple[str, ...]) -> int:
    """Run the modules' ``main()``, rewrite ``bench/results.md``; the exit status."""
    failed = run_mains(module_names)
    gather_results()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
