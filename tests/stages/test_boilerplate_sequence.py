"""The sequence (second) model of the boilerplate stage: its features, its file format, its use by the stage."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.boilerplate.classifier import LineClassifier, Tree, load_classifier
from cleaner.boilerplate.decision import line_probabilities, score_lines
from cleaner.boilerplate.features import NAMES, best_span, document_features
from cleaner.boilerplate.sequence import (
    SEQUENCE_NAMES,
    article_span,
    segments,
    sequence_features,
)
from cleaner.errors import ConfigError
from cleaner.stages.boilerplate import BoilerplateConfig, BoilerplateStage

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
COLUMN = {name: i for i, name in enumerate(SEQUENCE_NAMES)}


def column(rows: list[list[float]], name: str) -> list[float]:
    return [row[COLUMN[name]] for row in rows]


def test_one_row_per_line_and_nothing_for_an_empty_page():
    rows = sequence_features([1.0, -2.0, 0.5], [10, 2, 8])
    assert len(rows) == 3 and all(len(row) == len(SEQUENCE_NAMES) for row in rows)
    assert sequence_features([], []) == []


def test_a_confident_line_far_below_the_article_is_outside_its_span_and_segment():
    # a page: menu, four article paragraphs, a long footer, one cookie paragraph the line model liked
    z = [-4.0] * 5 + [3.0, 3.5, 2.5, 3.0] + [-3.0] * 12 + [1.5]
    words = [2] * 5 + [40, 35, 30, 45] + [5] * 12 + [30]
    rows = sequence_features(z, words)
    assert column(rows, "in_span") == [0.0] * 5 + [1.0] * 4 + [0.0] * 13
    assert column(rows, "span_side")[-1] == 1.0 and column(rows, "span_side")[0] == -1.0
    assert column(rows, "segment_side")[5:9] == [0.0] * 4  # the article is the biggest segment
    assert column(rows, "segment_side")[-1] == 1.0  # the cookie text is a segment after it
    assert column(rows, "segment_share")[-1] < 0.5
    assert column(rows, "mass_after")[-1] == 0.0 and column(rows, "mass_before")[0] == 0.0


def test_a_short_list_inside_the_article_does_not_split_its_span():
    z = [3.0, 3.0, -1.5, -1.5, -1.5, 3.0, 3.0]
    words = [40, 40, 4, 4, 4, 40, 40]
    assert article_span(z, words) == (0, 7)
    assert segments([3.0, -1.5, -1.5, 3.0]) == [0] * 4  # fewer than three weak lines in a row: one segment


def test_a_run_of_three_weak_lines_splits_segments():
    assert segments([2.0, -1.0, -1.0, -1.0, 2.0]) == [0, -1, -1, -1, 1]


def test_best_span_of_nothing_positive_is_empty_but_the_article_span_never_is():
    assert best_span([-1.0, -2.0]) == (0, 0)
    assert article_span([-3.0, -1.0, -2.0], [5, 5, 5]) == (1, 2)


@given(
    st.lists(
        st.tuples(st.floats(min_value=-50, max_value=50, allow_nan=False), st.integers(min_value=0, max_value=500)),
        max_size=60,
    )
)
@settings(max_examples=200, deadline=None)
def test_sequence_features_are_finite_for_any_page(lines: list[tuple[float, int]]):
    z, words = [v for v, _ in lines], [n for _, n in lines]
    rows = sequence_features(z, words)
    assert len(rows) == len(lines)
    assert all(math.isfinite(value) for row in rows for value in row)
    if rows:
        assert sum(column(rows, "in_span")) >= 1


STUMP = {"feature": [0], "threshold": [1.0], "left": [1, -1, -1], "right": [2, -1, -1], "value": [0.0, -2.0, 2.0]}


def test_the_model_file_reads_its_sequence_model_and_checks_its_features():
    line = {"features": list(NAMES), "base": 0.0, "trees": [STUMP]}
    second = {"features": [*NAMES, *SEQUENCE_NAMES], "base": 0.5, "trees": [STUMP]}
    model = LineClassifier.from_dict({**line, "sequence": second}, "test")
    assert model.sequence is not None and model.sequence.base == 0.5
    assert LineClassifier.from_dict(line, "test").sequence is None
    with pytest.raises(ConfigError, match="sequence"):
        LineClassifier.from_dict({**line, "sequence": {**second, "features": list(NAMES)}}, "test")


def test_a_model_with_a_sequence_model_pickles_with_it():
    stump = Tree(feature=(0,), threshold=(1.0,), left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0))
    model = LineClassifier(0.0, (stump,), sequence=LineClassifier(1.0, (stump,), split=0))
    copy = pickle.loads(pickle.dumps(model))
    assert copy.sequence is not None and copy.sequence.split == 0
    assert copy.sequence.margin([], [3.0]) == pytest.approx(3.0)


def test_the_shipped_model_has_a_sequence_model_whose_compiled_code_agrees_with_its_trees():
    model = load_classifier()
    second = model.sequence
    assert second is not None and len(second.trees) > 0
    text = next(p for p in SEEDS if p.name.startswith("003")).read_text(encoding="utf-8")
    lines = text.split("\n")
    rows = [x for x in document_features(lines) if x is not None]
    context = sequence_features([model.margin(x) for x in rows], [len(line.split()) for line in lines if line.strip()])
    for x, c in zip(rows, context, strict=True):
        walked = second.base + sum(tree.score(x + c) for tree in second.trees)
        assert second.margin(x, c) == pytest.approx(walked, abs=1e-9)


def test_the_stage_asks_the_sequence_model_on_whole_pages_only():
    model = load_classifier()
    text = next(p for p in SEEDS if p.name.startswith("003")).read_text(encoding="utf-8")
    lines = text.split("\n")
    scored = score_lines(lines, model)
    alone = line_probabilities(scored, model, sequence=False)
    with_sequence = line_probabilities(scored, model, sequence=True)
    assert alone.keys() == with_sequence.keys()
    assert alone != with_sequence
    skip = {i for i in alone if "Share" in lines[i]} | {min(alone)}
    assert not skip & line_probabilities(score_lines(lines, model, skip), model, sequence=True).keys()


def test_a_skipped_line_gets_no_features_and_still_counts_as_a_neighbour():
    text = next(p for p in SEEDS if p.name.startswith("003")).read_text(encoding="utf-8")
    lines = text.split("\n")
    every = document_features(lines)
    skip = {i for i, x in enumerate(every) if x is not None and i % 3 == 0}
    some = document_features(lines, skip=skip)
    assert skip and all(some[i] is None for i in skip)
    assert all(some[i] == x for i, x in enumerate(every) if i not in skip)


def test_sequence_off_is_the_line_model_alone():
    on, off = BoilerplateStage(), BoilerplateStage(BoilerplateConfig(sequence=False))
    assert on.model is not None and off.model is not None and on.model.sequence is not None
    assert on.settings.sequence and not off.settings.sequence
