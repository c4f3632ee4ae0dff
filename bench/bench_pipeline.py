"""Speed and memory of encoding + boilerplate, against ftfy alone, and with --jobs.

1. Throughput in MB/s (UTF-8 bytes in) over the aeb-dev whole-page texts, in-process, for
   the two stages and, in the same run on the same texts, for ``ftfy.fix_text`` alone.
   Target: the pipeline at least half as fast as ftfy.
2. The CLI on a corpus of the whole-page texts repeated ``COPIES`` times, with ``--jobs 1``
   and ``--jobs 2``: wall time, speed-up (target >= 1.7x) and peak memory of the process tree.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import ftfy

from bench.common import ROOT, aeb_texts, machine, write_section
from cleaner.model import Document
from cleaner.pipeline import Pipeline

STAGES = ["encoding", "boilerplate"]
REPEATS = 3
COPIES = 10


def _best_seconds(run: object, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def throughput(texts: list[str]) -> tuple[float, float]:
    """MB/s of ftfy.fix_text alone and of the two stages (survey included)."""
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    docs = [Document(id=str(i), source="bench", text=t) for i, t in enumerate(texts)]

    def ftfy_alone() -> None:
        for text in texts:
            ftfy.fix_text(text)

    def pipeline_run() -> None:
        with Pipeline(stages=STAGES) as pipeline:
            if pipeline.needs_survey:
                pipeline.survey(texts)
            for doc in docs:
                pipeline.process(doc)

    pipeline_run()  # warm caches and lazy imports once, for both
    return megabytes / _best_seconds(ftfy_alone), megabytes / _best_seconds(pipeline_run)


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total


def run_cli(corpus: Path, out: Path, jobs: int) -> tuple[float, int]:
    """Wall seconds and peak tree RSS (KiB) of one `cleaner run`."""
    command = [str(ROOT / ".venv/bin/cleaner"), "run", str(corpus), "--out", str(out)]
    command += ["--stages", ",".join(STAGES), "--jobs", str(jobs), "--quiet"]
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss_kib(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    sampler.join()
    if code not in (0, 1):
        msg = f"cleaner run exited with {code}"
        raise RuntimeError(msg)
    return seconds, peak


def scaling(texts: dict[str, str]) -> list[tuple[int, float, int]]:
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for copy in range(COPIES):
            for page, text in texts.items():
                (corpus / f"{page}-{copy}.txt").write_text(text, encoding="utf-8")
        results = []
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            seconds, peak = run_cli(corpus, out, jobs)
            results.append((jobs, seconds, peak))
        same = all(
            (Path(tmp) / "out1" / p.name).read_bytes() == p.read_bytes() for p in (Path(tmp) / "out2").glob("*.txt")
        )
        if not same:
            msg = "--jobs 2 wrote different texts than --jobs 1"
            raise RuntimeError(msg)
        shutil.rmtree(corpus)
    return results


def main() -> None:
    texts = aeb_texts("html-text")
    ftfy_mbs, pipeline_mbs = throughput(list(texts.values()))
    rows = scaling(texts)
    size = sum(len(t.encode("utf-8")) for t in texts.values()) * COPIES / 1e6
    (_, one, peak_one), (_, two, peak_two) = rows
    markdown = f"""## Pipeline: encoding + boilerplate

Measured by `python -m bench.bench_pipeline` on {machine()}.

Throughput over the {len(texts)} aeb-dev whole-page texts ({sum(map(len, texts.values())) / 1e6:.2f} M chars),
in-process, best of {REPEATS}, corpus survey included:

| what | MB/s |
|---|---|
| `ftfy.fix_text` alone | {ftfy_mbs:.2f} |
| cleaner encoding + boilerplate | {pipeline_mbs:.2f} |
| ratio (target >= 0.5) | {pipeline_mbs / ftfy_mbs:.2f} |

`cleaner run` on the whole-page texts repeated {COPIES} times ({len(texts) * COPIES} files, {size:.1f} MB),
wall time including start-up, reading, survey and writing every output:

| jobs | seconds | peak memory of the process tree |
|---|---|---|
| 1 | {one:.1f} | {peak_one / 1024:.0f} MiB |
| 2 | {two:.1f} | {peak_two / 1024:.0f} MiB |

Speed-up with 2 jobs: **{one / two:.2f}x** (target >= 1.7x); outputs identical.
"""
    write_section("pipeline", markdown)


if __name__ == "__main__":
    main()
