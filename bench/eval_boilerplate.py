"""Accuracy of the boilerplate stage on the Article Extraction Benchmark (development half).

``python -m bench.eval_boilerplate [--data DIR]`` runs the stage over ``trafilatura.json``
(a good extractor's output with leftover boilerplate) and ``html-text.json`` (the whole page
as text) and prints precision, recall and F1 before and after, with the benchmark's own
metric (:func:`score`): ``\\w+`` tokens, multisets of 4-token shingles, precision and recall
per page averaged over pages, F1 of the two means.

The benchmark's ground truth is the article body *without* its headline, so the rows that
compare with published figures run with ``keep_title: false``; the default configuration
(which keeps a document's first line as its title) is printed as well.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

from cleaner.model import Document
from cleaner.stages.base import StageResult
from cleaner.stages.boilerplate import BoilerplateConfig, BoilerplateStage
from cleaner.trace import Trace

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aeb-dev"
SOURCES = ("trafilatura.json", "html-text.json")
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text`` (tokens are ``\\w+`` matches)."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(truth: str, prediction: str) -> tuple[float, float]:
    """Precision and recall of one page over shingles (both 1 when the page is empty and so is the truth)."""
    expected, found = shingles(truth), shingles(prediction)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def score(truth: Mapping[str, str], prediction: Mapping[str, str]) -> tuple[float, float, float]:
    """Mean precision, mean recall over the pages of ``truth``, and the F1 of the two means."""
    pairs = [page_scores(truth[key], prediction.get(key, "")) for key in truth]
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load(data: Path, name: str) -> dict[str, str]:
    """``{page id: article text}`` of one benchmark file."""
    raw = json.loads((data / name).read_text(encoding="utf-8"))
    return {key: value.get("articleBody", "") for key, value in raw.items()}


def clean_all(texts: Mapping[str, str], stage: BoilerplateStage) -> dict[str, str]:
    """Survey every text, then run the stage on each, applying its changes through a Trace."""
    for text in texts.values():
        stage.survey(text)
    cleaned = {}
    for key, text in texts.items():
        result = stage.process(text, Document(id=key, source=key, text=text))
        trace = Trace(text)
        trace.apply(stage.name, result.changes)
        cleaned[key] = trace.text
    return cleaned


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def throughput_row(texts: Mapping[str, str]) -> str:
    """How long the stage (survey + process) takes next to ``ftfy.fix_text`` on the same texts.

    Best of three interleaved runs each, since the machine is shared. Applying the changes (the Trace)
    is the pipeline's work and is timed apart.
    """
    import ftfy  # the encoding stage's dependency; imported here only to time it

    docs = [Document(id=key, source=key, text=text) for key, text in texts.items()]
    stage = BoilerplateStage(BoilerplateConfig())

    def run_stage() -> list[StageResult]:
        for doc in docs:
            stage.survey(doc.text)
        return [stage.process(doc.text, doc) for doc in docs]

    def apply_all() -> None:
        for doc, result in zip(docs, results, strict=True):
            Trace(doc.text).apply(stage.name, result.changes)

    results = run_stage()
    rounds = [
        (_timed(lambda: [ftfy.fix_text(t) for t in texts.values()]), _timed(run_stage), _timed(apply_all))
        for _ in range(3)
    ]  # interleaved, so that a busy moment on the machine hits both sides
    ftfy_s, stage_s, trace_s = (min(column) for column in zip(*rounds, strict=True))
    return (
        f"ftfy.fix_text {ftfy_s:.2f} s, boilerplate stage {stage_s:.2f} s ({stage_s / ftfy_s:.2f}x ftfy); "
        f"applying its changes with Trace {trace_s:.2f} s"
    )


def main(argv: list[str] | None = None) -> None:
    """Print the before/after table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with ground-truth.json and the inputs")
    args = parser.parse_args(argv)
    truth = load(args.data, "ground-truth.json")
    configs = {
        "after, keep_title: false (benchmark's definition)": BoilerplateConfig(keep_title=False),
        "after, title_to_metadata: true (headline out of the text)": BoilerplateConfig(title_to_metadata=True),
        "after, default config": BoilerplateConfig(),
        "after, keep_title: false, sequence: false (line model)": BoilerplateConfig(keep_title=False, sequence=False),
        "after, classifier: false (rules and repeats only)": BoilerplateConfig(classifier=False),
    }
    print(f"{'input':<18} {'run':<60} {'P':>6} {'R':>6} {'F1':>6}")
    for name in SOURCES:
        texts = load(args.data, name)
        rows = {"before": score(truth, texts)}
        for label, config in configs.items():
            rows[label] = score(truth, clean_all(texts, BoilerplateStage(config)))
        for label, (p, r, f1) in rows.items():
            print(f"{name:<18} {label:<60} {p:6.3f} {r:6.3f} {f1:6.3f}")
    print(cross_validated_rows())
    print("speed on html-text.json:", throughput_row(load(args.data, "html-text.json")))


def cross_validated_rows() -> str:
    """The held-out figures ``scripts/train_boilerplate.py`` stored with the shipped model.

    The rows above score the model on the pages it was trained on; these score each page
    with a model that never saw it (4-fold by page), which is what to expect on new pages.
    """
    from importlib.resources import files

    about = json.loads(files("cleaner").joinpath("data", "boilerplate-model.json").read_text(encoding="utf-8"))
    rows = about.get("about", {}).get("cross_validated_keep_title_false", {})
    lines = ["cross-validated by page (keep_title: false), from the model file:"]
    for name, figures in rows.items():
        spread = figures.get("f1_range")
        over = f" ({spread[0]:.3f}-{spread[1]:.3f} over {figures.get('splits')} partitions)" if spread else ""
        figures_text = f"P {figures['precision']:.3f} R {figures['recall']:.3f} F1 {figures['f1']:.3f}"
        lines.append(f"  {name:<42} {figures_text}{over}")
    return "\n".join(lines) if rows else "no cross-validated figures in the model file (trained with --no-cv)"


if __name__ == "__main__":
    main()
