"""Speed and memory of encoding + boilerplate, against ftfy alone, and with --jobs.

1. Throughput in MB/s (UTF-8 bytes in) over the aeb-dev whole-page texts, in-process, for
   the two stages and, in the same run on the same texts, for ``ftfy.fix_text`` alone.
   Target: the pipeline at least half as fast as ftfy. The two are timed in alternating
   rounds (the order flips each round) in CPU time of this process, so that other jobs on a
   shared machine slow neither down; the best and the median round are reported. Each round
   builds a fresh pipeline (the corpus survey must start empty) before its clock starts:
   setting up (loading rule packs and the model, once per run) is reported on its own.
2. The CLI with ``--jobs 1`` and ``--jobs 2`` in ``SCALING_ROUNDS`` alternating rounds on two
   corpora of ``COPIES`` versions of each whole-page text: distinct pages (:mod:`bench.corpus`)
   and plain copies. Wall time, speed-up of the medians (target >= 1.7x) and peak memory of
   the process tree.
"""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import ftfy

from bench.common import ROOT, aeb_texts, machine, write_section
from bench.corpus import distinct_copies
from cleaner.model import Document
from cleaner.pipeline import Pipeline

STAGES = ["encoding", "boilerplate"]
ROUNDS = 15
COPIES = 10
SCALING_ROUNDS = 5  # the VM's wall times vary by a third between runs: 3 rounds left the median to luck


@dataclass(frozen=True)
class Throughput:
    """CPU seconds of each round, for ftfy alone and for the two stages, and the setup."""

    megabytes: float
    ftfy_seconds: list[float]
    pipeline_seconds: list[float]
    setup_seconds: list[float]

    def mbs(self, seconds: float) -> float:
        return self.megabytes / seconds

    @property
    def ratios(self) -> list[float]:
        """Pipeline over ftfy speed, round by round (the two ran side by side)."""
        return [f / p for f, p in zip(self.ftfy_seconds, self.pipeline_seconds, strict=True)]


def _cpu_seconds(run: Callable[[], object]) -> float:
    gc.collect()  # start each timing from the same heap: a full collection is not charged to one side
    start = time.process_time()
    run()
    return time.process_time() - start


def throughput(texts: list[str], rounds: int = ROUNDS) -> Throughput:
    """Time ftfy.fix_text alone and the two stages (survey included) in alternating rounds."""
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    docs = [Document(id=str(i), source="bench", text=t) for i, t in enumerate(texts)]

    def ftfy_alone() -> None:
        for text in texts:
            ftfy.fix_text(text)

    def pipeline_round() -> tuple[float, float]:
        """Setup seconds, then the seconds of survey + processing every document."""
        setup_start = time.process_time()
        with Pipeline(stages=STAGES) as pipeline:
            setup = time.process_time() - setup_start

            def stages() -> None:
                if pipeline.needs_survey:
                    pipeline.survey(texts)
                for doc in docs:
                    pipeline.process(doc)

            return setup, _cpu_seconds(stages)

    pipeline_round()  # warm caches and lazy imports once, for both
    ftfy_alone()
    ftfy_seconds, pipeline_seconds, setup_seconds = [], [], []
    for round_number in range(rounds):
        if round_number % 2:
            ftfy_seconds.append(_cpu_seconds(ftfy_alone))
        setup, seconds = pipeline_round()
        pipeline_seconds.append(seconds)
        setup_seconds.append(setup)
        if not round_number % 2:
            ftfy_seconds.append(_cpu_seconds(ftfy_alone))
    return Throughput(megabytes, ftfy_seconds, pipeline_seconds, setup_seconds)


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


Runs = dict[int, list[tuple[float, int]]]


def scaling(documents: Mapping[str, str], rounds: int = SCALING_ROUNDS) -> Runs:
    """Seconds and peak memory of ``--jobs 1`` and ``--jobs 2`` in alternating rounds (order flips each round)."""
    runs: Runs = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name, text in documents.items():
            (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
        for number in range(rounds):
            for jobs in (1, 2) if number % 2 == 0 else (2, 1):
                out = Path(tmp) / f"out{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                runs[jobs].append(run_cli(corpus, out, jobs))
            same = all(
                (Path(tmp) / "out1" / p.name).read_bytes() == p.read_bytes() for p in (Path(tmp) / "out2").iterdir()
            )
            if not same:
                msg = "--jobs 2 wrote different outputs than --jobs 1"
                raise RuntimeError(msg)
        shutil.rmtree(corpus)
    return runs


def main() -> None:
    texts = aeb_texts("html-text")
    loads = [os.getloadavg()[0]]
    speed = throughput(list(texts.values()))
    loads.append(os.getloadavg()[0])
    distinct = distinct_copies(texts, COPIES)
    copies = {f"{page}-{copy}": text for copy in range(COPIES) for page, text in texts.items()}
    runs = {"distinct": scaling(distinct), "copies": scaling(copies)}
    loads.append(os.getloadavg()[0])
    size = sum(len(t.encode("utf-8")) for t in texts.values()) * COPIES / 1e6
    ftfy_best, ftfy_median = min(speed.ftfy_seconds), statistics.median(speed.ftfy_seconds)
    pipe_best, pipe_median = min(speed.pipeline_seconds), statistics.median(speed.pipeline_seconds)
    ratios = speed.ratios
    markdown = f"""## Pipeline: encoding + boilerplate

Measured by `python -m bench.bench_pipeline` on {machine()}.

Throughput over the {len(texts)} aeb-dev whole-page texts ({sum(map(len, texts.values())) / 1e6:.2f} M chars,
{speed.megabytes:.2f} MB), in-process, CPU time, {len(ratios)} alternating rounds; corpus survey included,
setup of the stages (rule packs, model: {statistics.median(speed.setup_seconds):.2f} s once per run) not:

| what | best MB/s | median MB/s |
|---|---|---|
| `ftfy.fix_text` alone | {speed.mbs(ftfy_best):.2f} | {speed.mbs(ftfy_median):.2f} |
| cleaner encoding + boilerplate | {speed.mbs(pipe_best):.2f} | {speed.mbs(pipe_median):.2f} |
| ratio (target >= 0.5) | {ftfy_best / pipe_best:.2f} | {ftfy_median / pipe_median:.2f} |

Ratio of the two measured side by side, round by round: median {statistics.median(ratios):.2f},
lowest {min(ratios):.2f}, highest {max(ratios):.2f}.

`cleaner run` on {len(distinct)} files ({size:.1f} MB), wall time including start-up, reading, survey and
writing every output, {SCALING_ROUNDS} alternating rounds, outputs of `--jobs 2` identical to `--jobs 1`
(every file, reports included). Two corpora of the whole-page texts, {COPIES} of each page:

- **distinct pages** (`bench/corpus.py`): copy k of a page has its words swapped for others of the same
  length (a fixed permutation of the vocabulary per copy), stop words, capitals, digits, punctuation and
  lines kept. A site's repeated lines stay repeated within a copy; no prose line repeats across copies.
- **plain copies**: the pages repeated {COPIES} times. These flatter `--jobs 1`: one process meets each
  line {COPIES} times and measures it once (the stage remembers lines within a run), while each of two
  workers measures it again.

{_scaling_table(runs["distinct"], "distinct pages")}

{_scaling_table(runs["copies"], "plain copies")}

Load average (1 minute) of the machine: {loads[0]:.1f} before, {loads[1]:.1f} after the throughput rounds,
{loads[2]:.1f} at the end, on {os.cpu_count()} cores. Other jobs running slow down the wall times and the
speed-up with 2 jobs; the ratio, in CPU time with the two timed side by side, much less.
"""
    write_section("pipeline", markdown)


def _scaling_table(runs: Runs, corpus: str) -> str:
    one, two = (statistics.median(seconds for seconds, _ in runs[jobs]) for jobs in (1, 2))
    rows = "\n".join(
        f"| {jobs} | {statistics.median(s for s, _ in runs[jobs]):.1f} "
        f"({', '.join(f'{s:.1f}' for s, _ in runs[jobs])}) | {max(m for _, m in runs[jobs]) / 1024:.0f} MiB |"
        for jobs in (1, 2)
    )
    by_round = [s1 / s2 for (s1, _), (s2, _) in zip(runs[1], runs[2], strict=True)]  # the two ran back to back
    return f"""| jobs ({corpus}) | seconds, median (each round) | peak memory of the process tree |
|---|---|---|
{rows}

Speed-up with 2 jobs on the {corpus}, median over median: **{one / two:.2f}x** (target >= 1.7x);
round by round: median {statistics.median(by_round):.2f}x, lowest {min(by_round):.2f}x, highest {max(by_round):.2f}x."""


if __name__ == "__main__":
    main()
