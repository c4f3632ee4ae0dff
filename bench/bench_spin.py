"""`make bench` for the spin stage: words per second and peak memory, and the speed/accuracy trade-off.

The detector (thesaurus index, trigram model, LM) is loaded once; its load time is reported
apart. Each row runs the same spun aeb-dev test pages with a different language-model budget
(checks per 100 words; "off" = prefilter and thesaurus only; 1000 = every suspect; the
default: ``lm_budget``, then ``lm_budget_spun`` where those checks find the page likely spun),
and gives words/s with precision and recall at the default threshold; budget 15 runs with and
without the model's own proposals. The default also runs on the same pages unspun, where it
stops after its first round. ``--pages N`` (default 3) sets the sample. ``eval_spin.py --budgets``
gives the accuracy at each budget on the 8 pages of ``make eval`` at every threshold.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Sequence
from dataclasses import replace

from bench.common import aeb_texts, machine, write_section
from bench.eval_spin import budget_label, score_pages, second_model_text, spin_page, split_pages
from bench.spinner import Spinner
from cleaner.spin.engine import Detector, settings_from
from cleaner.spin.language import word_count
from cleaner.stages.spin import SpinConfig

# (LM checks per 100 words: 0 for no LM, None for the stage's own rounds; the model's own
# proposals per position). 30 and 1000 (more checks than there are suspects: every suspect
# checked) show the ceiling of the model's accuracy and what it costs.
RUNS: tuple[tuple[float | None, int], ...] = (
    (0.0, 0),
    (4.0, 2),
    (8.0, 2),
    (15.0, 0),
    (15.0, 2),
    (30.0, 2),
    (1000.0, 2),
    (None, 2),
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=3)
    # 1 when the other core is busy: llama.cpp's two threads spin and run 4.5x slower then.
    parser.add_argument("--threads", type=int, default=None, help="LM threads (default: the stage's)")
    parser.add_argument("--model", default=None, help="language model (name or GGUF path; default: the stage's)")
    args = parser.parse_args(argv)

    pages = aeb_texts("ground-truth")
    _, test_ids = split_pages(pages, args.pages)
    spinner = Spinner()
    spun = [spin_page(spinner, p, pages[p]) for p in test_ids]
    words = sum(word_count(t) for t, _ in spun)
    clean = [pages[p] for p in test_ids]
    overrides = {"threads": args.threads, "model": args.model}
    base = settings_from(SpinConfig(**{k: v for k, v in overrides.items() if v is not None}))
    started = time.perf_counter()
    detector = Detector.load(base)
    load_seconds = time.perf_counter() - started
    lm = detector.lm
    rows = []
    for budget, proposals in RUNS:
        detector.lm = lm if budget != 0.0 else None
        detector.settings = replace(base, lm_proposals=proposals)
        if budget:  # a fixed budget: no second round
            detector.settings = replace(detector.settings, lm_budget=budget, lm_budget_spun=0.0)
        started = time.perf_counter()
        flags = [detector.detect(text) for text, _ in spun]
        seconds = time.perf_counter() - started
        m = score_pages(spun, flags, base.threshold)
        label = "off" if budget == 0.0 else budget_label(base, budget)
        rows.append(f"| {label} | {proposals} | {words / seconds:.0f} | {m['precision']:.3f} | {m['recall']:.3f} |")
        print(rows[-1], flush=True)
    detector.settings = base
    started = time.perf_counter()
    for text in clean:
        detector.detect(text)
    clean_speed = sum(word_count(t) for t in clean) / (time.perf_counter() - started)
    rows.append(f"| {budget_label(base, None)}, the pages unspun | {base.lm_proposals} | {clean_speed:.0f} | - | - |")
    print(rows[-1], flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "## Spin stage: speed",
        "",
        f"Measured by `bench/bench_spin.py` on {machine()}.",
        f"{len(spun)} spun aeb-dev test pages, {words} words; threshold {base.threshold}; LM {base.model}, "
        f"{base.threads} threads; second model {second_model_text(base)}.",
        f"Load once per process: {load_seconds:.1f} s; peak RSS of the process {peak:.0f} MiB.",
        "",
        "| LM checks per 100 words | proposals | words/s | precision | recall |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "The row without proposals scores with the default weights, fitted with them: its precision and",
        "recall are indicative only (bench/results/spin-ablation.md compares the accuracy with refit weights).",
        "Precision and recall on 3 pages are coarse; bench/results/spin-budgets.md has them on the 8 pages of",
        "`make eval` at every threshold and budget.",
        "",
        "Notes (measured by hand on 2026-11-22 on a 2-core AMD EPYC VM shared with other jobs, unless dated):",
        "- `pip install llama-cpp-python` 0.3.36 from source: 29 min 41 s wall, 16 min 10 s user CPU with the",
        "  load average at 8 (other builds). `scripts/build-llama.sh` (2026-11-23, idle 2-core Intel Xeon) builds",
        "  it for a portable x86-64 CPU in about 4 min and keeps the wheel in .cache/wheels, so a later set-up",
        "  of the same checkout takes seconds; a fresh CI machine pays the build.",
        "- SmolLM2-135M Q4_1 through llama-cpp-python loads in 0.8 s, Gemma 3 270M Q4_K_M in 1.0 s; SmolLM2's",
        "  prompt evaluation ran at ~70 tokens/s on 1 thread and 4.5x slower with 2 threads while the other core",
        "  was busy (OpenMP threads spin).",
        "- Loading the detector (thesaurus pickle, trigram model, wordfreq, fingerprints, LM) takes 2-3 s once",
        "  the thesaurus cache exists (`tools/spin/install.sh` builds it; ~45 s the first time).",
    ]
    write_section("spin-speed", "\n".join(lines))


if __name__ == "__main__":
    main()
