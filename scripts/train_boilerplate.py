"""Train the boilerplate line classifier on the AEB development half and write its weights.

    .venv/bin/python scripts/train_boilerplate.py [--data DIR] [--out cleaner/data/boilerplate-model.json]

Needs numpy (training only: ``pip install numpy``; the stage reads the JSON without it).

* Lines of ``html-text.json`` and ``trafilatura.json`` are labelled article/boilerplate by
  aligning their tokens with the ground truth (difflib, runs of at least 3 tokens): a line
  is article text when at least half its tokens align.
* Each line weighs its share of its page's tokens, so that every page counts the same, as
  in the benchmark's metric.
* The line model is gradient-boosted depth-3 regression trees on logistic loss over histogram
  bins of the features in :data:`cleaner.boilerplate.features.NAMES` (after LightGBM's
  histogram method, written out in numpy to keep the project free of it).
* The sequence model (stacked): the same kind of trees over those features plus
  :data:`cleaner.boilerplate.sequence.SEQUENCE_NAMES`, computed from the line model's
  log-odds of every line of the page. Those log-odds must be like the ones it will see on
  unseen pages, so they come from line models that did not see the page (4-fold by page
  within the training pages), and lines a rule drops count as sure boilerplate, as in the stage.
* 4-fold cross-validation by page (both inputs of a page in the same fold) runs the whole
  stage with the fold's models (both trained on the other folds only) on the held-out pages
  and scores it with the benchmark metric, so the figures it prints are what to expect on
  unseen pages; they are stored in the JSON under ``about``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_boilerplate import DATA, SOURCES, clean_all, load, score
from cleaner.boilerplate.classifier import LineClassifier
from cleaner.boilerplate.features import NAMES, document_features
from cleaner.boilerplate.lines import WORD
from cleaner.boilerplate.sequence import SEQUENCE_NAMES, sequence_features
from cleaner.stages.boilerplate import BoilerplateConfig, BoilerplateStage

OUT = Path(__file__).resolve().parents[1] / "cleaner" / "data" / "boilerplate-model.json"
Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Params:
    """Boosting settings; chosen by the cross-validated F1, not by the training fit."""

    trees: int = 40
    depth: int = 3
    learning_rate: float = 0.2
    bins: int = 32
    l2: float = 1.0
    min_hessian: float = 0.5
    folds: int = 4
    oof_partitions: int = 3
    """Partitions of the training pages whose out-of-fold line log-odds the sequence model learns from."""


def line_labels(text: str, truth: str) -> list[float | None]:
    """Per line, the share of its tokens that align with the ground truth; None for token-less lines."""
    lines = text.split("\n")
    tokens, owner = [], []
    for i, line in enumerate(lines):
        for word in WORD.findall(line):
            tokens.append(word.lower())
            owner.append(i)
    truth_tokens = [w.lower() for w in WORD.findall(truth)]
    matcher = difflib.SequenceMatcher(None, tokens, truth_tokens, autojunk=False)
    hits, totals = [0] * len(lines), [0] * len(lines)
    for i in owner:
        totals[i] += 1
    for a, _b, size in matcher.get_matching_blocks():
        if size >= 3:
            for j in range(a, a + size):
                hits[owner[j]] += 1
    return [h / t if t else None for h, t in zip(hits, totals, strict=True)]


@dataclass(frozen=True)
class Page:
    """One input text of one page, as the models see it: a row per non-blank line."""

    key: str
    rows: Array
    labels: Array
    """1 article, 0 boilerplate, NaN for a line without tokens (not trained on)."""
    weights: Array
    words: list[int]
    skipped: list[bool]
    """Whether a rule drops the line before the classifier is asked."""


def pages_of(data: Path) -> list[Page]:
    """Both inputs of every page, labelled against the ground truth, with the stage's rule drops."""
    truth = load(data, "ground-truth.json")
    out = []
    for name in SOURCES:
        texts = load(data, name)
        rules = BoilerplateStage(BoilerplateConfig(classifier=False))
        for text in texts.values():
            rules.survey(text)
        for key, text in texts.items():
            lines = text.split("\n")
            dropped = rules.rule_drops(lines)
            feats = document_features(lines)
            share = line_labels(text, truth[key])
            counts = [len(WORD.findall(line)) for line in lines]
            total = max(1, sum(counts))
            index = [i for i, x in enumerate(feats) if x is not None]
            out.append(
                Page(
                    key,
                    np.array([feats[i] for i in index]).reshape(len(index), len(NAMES)),
                    np.array([np.nan if (y := share[i]) is None else float(y >= 0.5) for i in index]),
                    np.array([(counts[i] + 1) / total for i in index]),
                    [counts[i] for i in index],
                    [i in dropped for i in index],
                )
            )
    return out


def stacked(pages: list[Page], rows: list[Array] | None = None) -> tuple[Array, Array, Array]:
    """Features, labels and weights of the labelled lines; with ``rows``, the sequence model's rows instead.

    The sequence model is only asked about lines no rule dropped, so ``rows`` holds those
    lines only (:func:`sequence_rows`) and the other lines are left out.
    """
    xs, keep = [page.rows for page in pages], [np.ones(len(page.labels), dtype=bool) for page in pages]
    if rows is not None:
        xs, keep = rows, [~np.array(page.skipped, dtype=bool) for page in pages]
    labels = [page.labels[k] for page, k in zip(pages, keep, strict=True)]
    weights = [page.weights[k] for page, k in zip(pages, keep, strict=True)]
    labelled = [~np.isnan(y) for y in labels]
    x = np.concatenate([r[ok] for r, ok in zip(xs, labelled, strict=True)])
    y = np.concatenate([y[ok] for y, ok in zip(labels, labelled, strict=True)])
    w = np.concatenate([w[ok] for w, ok in zip(weights, labelled, strict=True)])
    return x, y, w


def sequence_rows(page: Page, margins: Array) -> Array:
    """The sequence model's input for the lines of one page no rule dropped: features, then sequence features."""
    keep = ~np.array(page.skipped, dtype=bool)
    words = [n for n, skip in zip(page.words, page.skipped, strict=True) if not skip]
    context = np.array(sequence_features([float(m) for m in margins[keep]], words))
    return np.hstack([page.rows[keep], context.reshape(len(words), len(SEQUENCE_NAMES))])


def train_models(pages: list[Page], p: Params) -> dict[str, Any]:
    """The line model on ``pages``, with the sequence model trained on out-of-fold line log-odds of the same pages.

    The out-of-fold log-odds are noisy, and a sequence model trained on one set of them moved
    the cross-validated F1 by ±0.005 with the partition they came from; so it is trained on
    the rows of ``p.oof_partitions`` different partitions at once.
    """
    model = train(*stacked(pages), p)
    rows: list[Array] = []
    for fold_of in fold_assignments(sorted({page.key for page in pages}), p.folds, p.oof_partitions):
        margins: dict[int, Array] = {}
        for fold in range(p.folds):
            inner = train(*stacked([page for page in pages if fold_of[page.key] != fold]), p)
            margins |= {n: margin_of(inner, page.rows) for n, page in enumerate(pages) if fold_of[page.key] == fold}
        rows += [sequence_rows(page, margins[n]) for n, page in enumerate(pages)]
    model["sequence"] = train(*stacked(pages * p.oof_partitions, rows), p, names=(*NAMES, *SEQUENCE_NAMES))
    return model


def _thresholds(x: Array, bins: int) -> list[Array]:
    """Candidate split points per feature: midpoints between distinct quantiles."""
    cuts = []
    for f in range(x.shape[1]):
        values = np.unique(np.quantile(x[:, f], np.linspace(0, 1, bins + 1)))
        cuts.append((values[:-1] + values[1:]) / 2 if len(values) > 1 else np.array([]))
    return cuts


def _grow(binned: npt.NDArray[np.int64], cuts: list[Array], g: Array, h: Array, p: Params) -> dict[str, list[Any]]:
    """One regression tree on gradients ``g`` and hessians ``h`` (Newton leaf values)."""
    tree: dict[str, list[Any]] = {k: [] for k in ("feature", "threshold", "left", "right", "value")}

    def node(idx: npt.NDArray[np.int64], depth: int) -> int:
        me = len(tree["feature"])
        for k, v in (("feature", 0), ("threshold", 0.0), ("left", -1), ("right", -1), ("value", 0.0)):
            tree[k].append(v)
        gs, hs = g[idx].sum(), h[idx].sum()
        tree["value"][me] = float(-gs / (hs + p.l2) * p.learning_rate)
        if depth == p.depth or len(idx) < 2:
            return me
        best = (0.0, -1, -1)
        parent = gs * gs / (hs + p.l2)
        for f, cut in enumerate(cuts):
            if not len(cut):
                continue
            gl = np.cumsum(np.bincount(binned[idx, f], weights=g[idx], minlength=len(cut) + 1))[:-1]
            hl = np.cumsum(np.bincount(binned[idx, f], weights=h[idx], minlength=len(cut) + 1))[:-1]
            ok = (hl >= p.min_hessian) & (hs - hl >= p.min_hessian)
            gain = np.where(ok, gl**2 / (hl + p.l2) + (gs - gl) ** 2 / (hs - hl + p.l2) - parent, 0.0)
            b = int(np.argmax(gain))
            if gain[b] > best[0]:
                best = (float(gain[b]), f, b)
        if best[1] < 0:
            return me
        _, f, b = best
        go_left = binned[idx, f] <= b
        tree["feature"][me], tree["threshold"][me] = f, float(cuts[f][b])
        tree["left"][me] = node(idx[go_left], depth + 1)
        tree["right"][me] = node(idx[~go_left], depth + 1)
        return me

    node(np.arange(len(g)), 0)
    return tree


def train(x: Array, y: Array, w: Array, p: Params, names: tuple[str, ...] = NAMES) -> dict[str, Any]:
    """Boosted trees on weighted logistic loss, as the JSON the stage reads."""
    cuts = _thresholds(x, p.bins)
    binned = np.stack([np.searchsorted(cut, x[:, f], side="left") for f, cut in enumerate(cuts)], axis=1)
    w = w / w.mean()
    rate = float(np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6))
    base = float(np.log(rate / (1 - rate)))
    margin = np.full(len(y), base)
    trees = []
    for _ in range(p.trees):
        prob = 1 / (1 + np.exp(-margin))
        tree = _grow(binned, cuts, (prob - y) * w, prob * (1 - prob) * w, p)
        trees.append(tree)
        margin += _apply(tree, x)
    return {"features": list(names), "base": base, "trees": trees}


def _apply(tree: dict[str, list[Any]], x: Array) -> Array:
    """The leaf value every row of ``x`` reaches, all rows at once (one step down per level)."""
    feature, threshold = np.array(tree["feature"]), np.array(tree["threshold"])
    left, right, value = np.array(tree["left"]), np.array(tree["right"]), np.array(tree["value"])
    node = np.zeros(len(x), dtype=np.int64)
    rows = np.arange(len(x))
    while True:
        inner = left[node] >= 0
        if not inner.any():
            return np.asarray(value[node], dtype=np.float64)
        go_left = x[rows, feature[node]] <= threshold[node]
        node = np.where(inner, np.where(go_left, left[node], right[node]), node)


def margin_of(model: dict[str, Any], x: Array) -> Array:
    """The log-odds a trained model gives every row of ``x``."""
    out = np.full(len(x), float(model["base"]))
    for tree in model["trees"]:
        out += _apply(tree, x)
    return out


VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "sequence false": {"sequence": False},
    "edge_drop 0.5": {"edge_drop": 0.5},
    "inner_drop 0.1": {"inner_drop": 0.1},
    "title_to_metadata": {"title_to_metadata": True},
    "extracted_edge_drop 0": {"extracted_edge_drop": 0.0},
}  # the shipped defaults, the line model alone (the decision before the sequence model), two neighbours,
# the headline out of the text (the benchmark's ground truth has none), extracted text left to the rules


def _stage_with(model: dict[str, Any], **settings: Any) -> BoilerplateStage:
    stage = BoilerplateStage(BoilerplateConfig(classifier=False, keep_title=False, **settings))
    stage.model = LineClassifier.from_dict(model, "trained in memory")
    return stage


def fold_assignments(keys: list[str], folds: int, splits: int) -> list[dict[str, int]]:
    """Page -> fold, for ``splits`` different partitions: the sorted order first, then seeded shuffles.

    On 88 pages one partition moves F1 by about ±0.01, so the figures are averaged over several.

    >>> [sorted(f.items()) for f in fold_assignments(["a", "b", "c"], 2, 1)]
    [[('a', 0), ('b', 1), ('c', 0)]]
    """
    out = []
    for split in range(splits):
        order = sorted(keys)
        if split:
            random.Random(split).shuffle(order)
        out.append({key: i % folds for i, key in enumerate(order)})
    return out


def cross_validate(data: Path, pages: list[Page], p: Params, splits: int) -> dict[str, Any]:
    """Benchmark scores of the whole stage on held-out pages, per input and setting (:data:`VARIANTS`).

    Mean, lowest and highest over ``splits`` partitions of the pages into ``p.folds`` folds.
    """
    truth = load(data, "ground-truth.json")
    inputs = {name: load(data, name) for name in SOURCES}
    scores: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for split, fold_of in enumerate(fold_assignments(sorted({page.key for page in pages}), p.folds, splits)):
        cleaned: dict[tuple[str, str], dict[str, str]] = {}
        for fold in range(p.folds):
            model = train_models([page for page in pages if fold_of[page.key] != fold], p)
            held = [k for k in fold_of if fold_of[k] == fold]
            for name, texts in inputs.items():
                for label, settings in VARIANTS.items():
                    part = clean_all({k: texts[k] for k in held}, _stage_with(model, **settings))
                    cleaned.setdefault((name, label), {}).update(part)
        for key, pred in cleaned.items():
            scores.setdefault(key, []).append(score(truth, pred))
        print(f"split {split + 1}/{splits} done", file=sys.stderr)
    result: dict[str, Any] = {}
    for (name, label), runs in sorted(scores.items()):
        prec, rec, f1 = (float(np.mean(column)) for column in zip(*runs, strict=True))
        low, high = min(r[2] for r in runs), max(r[2] for r in runs)
        result[f"{name} {label}"] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "f1_range": [round(low, 4), round(high, 4)],
            "splits": len(runs),
        }
        print(f"CV {name:<18} {label:<26}: P {prec:.3f} R {rec:.3f} F1 {f1:.3f} ({low:.3f}-{high:.3f})")
    return result


def main(argv: list[str] | None = None) -> None:
    """Cross-validate, train on every page, write the JSON."""
    parser = argparse.ArgumentParser(description="Train the boilerplate line classifier.")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--splits", type=int, default=3, help="partitions of the pages to average the CV over")
    args = parser.parse_args(argv)
    p = Params()
    pages = pages_of(args.data)
    _, y, _ = stacked(pages)
    print(f"{len(y)} lines from {len(pages)} texts, {y.mean():.2f} article", file=sys.stderr)
    cv = {} if args.no_cv else cross_validate(args.data, pages, p, args.splits)
    model = train_models(pages, p)
    model["about"] = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "data": "AEB development half (pages 0-7), html-text.json + trafilatura.json",
        "params": p.__dict__,
        "cross_validated_keep_title_false": cv,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
