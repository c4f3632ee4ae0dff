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
    """How long the stage takes next to ``ftfy.fix_text`` on the same texts."""
    import ftfy  # the encoding stage's dependency; imported here only to time it

    ftfy_s = _timed(lambda: [ftfy.fix_text(t) for t in texts.values()])
    stage = BoilerplateStage(BoilerplateConfig())
    stage_s = _timed(lambda: clean_all(texts, stage))
    return f"ftfy.fix_text {ftfy_s:.2f} s, boilerplate stage {stage_s:.2f} s ({stage_s / ftfy_s:.2f}x ftfy)"


def main(argv: list[str] | None = None) -> None:
    """Print the before/after table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with ground-truth.json and the inputs")
    args = parser.parse_args(argv)
    truth = load(args.data, "ground-truth.json")
    configs = {
        "after, keep_title: false (benchmark's definition)": BoilerplateConfig(keep_title=False),
        "after, default config": BoilerplateConfig(),
    }
    print(f"{'input':<18} {'run':<52} {'P':>6} {'R':>6} {'F1':>6}")
    for name in SOURCES:
        texts = load(args.data, name)
        rows = {"before": score(truth, texts)}
        for label, config in configs.items():
            rows[label] = score(truth, clean_all(texts, BoilerplateStage(config)))
        for label, (p, r, f1) in rows.items():
            print(f"{name:<18} {label:<52} {p:6.3f} {r:6.3f} {f1:6.3f}")
    print("speed on html-text.json:", throughput_row(load(args.data, "html-text.json")))


if __name__ == "__main__":
    main()
