"""A small boosted-tree line classifier whose weights are a JSON file (no numpy at run time).

``scripts/train_boilerplate.py`` writes the file; this module only reads and applies it.
The format::

    {"features": [names in cleaner.boilerplate.features.NAMES order],
     "base": <log-odds before any tree>,
     "trees": [{"feature": [...], "threshold": [...], "left": [...], "right": [...],
                "value": [...]}, ...],
     "sequence": {"features": [NAMES, then cleaner.boilerplate.sequence.SEQUENCE_NAMES],
                  "base": ..., "trees": [...]},       (optional)
     "about": {how it was trained, its cross-validated scores}}

``sequence`` is the second model of a whole page (:mod:`cleaner.boilerplate.sequence`): it
reads a line's features together with numbers computed from the first model's log-odds of
every line of the page.

In a tree, node 0 is the root; a node with ``left == -1`` is a leaf whose ``value`` is added
to the log-odds; otherwise the line goes left when ``x[feature] <= threshold``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from cleaner.boilerplate.features import NAMES
from cleaner.boilerplate.sequence import SEQUENCE_NAMES
from cleaner.errors import ConfigError

MODEL_NAME = "boilerplate-model.json"


@dataclass(frozen=True)
class Tree:
    """One regression tree as parallel arrays (see the module docstring)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def score(self, x: list[float]) -> float:
        """The leaf value ``x`` reaches."""
        node = 0
        left, feature, threshold, right = self.left, self.feature, self.threshold, self.right
        while left[node] >= 0:
            node = left[node] if x[feature[node]] <= threshold[node] else right[node]
        return self.value[node]


def _tree_source(tree: Tree, node: int, indent: str) -> list[str]:
    """Python source of one tree as nested ``if``s that add its leaf value to ``m``."""
    if tree.left[node] < 0:
        return [f"{indent}m += {float(tree.value[node])!r}"]
    test = f"{indent}if x{int(tree.feature[node])} <= {float(tree.threshold[node])!r}:"
    return [
        test,
        *_tree_source(tree, tree.left[node], indent + " "),
        f"{indent}else:",
        *_tree_source(tree, tree.right[node], indent + " "),
    ]


class Margin(Protocol):
    """A compiled model: the log-odds of the features ``x``, followed by ``more`` when the model splits them."""

    def __call__(self, x: Sequence[float], more: Sequence[float] = ()) -> float: ...


def compile_margin(base: float, trees: tuple[Tree, ...], width: int, split: int | None = None) -> Margin:
    """The model's log-odds as one compiled Python function (after treelite/m2cgen's code generation).

    Walking the arrays costs a loop step per node; the generated ``if`` chain on local
    variables is several times faster, which matters at a few hundred lines per page. Only numbers from the
    parsed model go into the source (through ``int`` and ``float``), never text. With ``split``,
    features from ``split`` on come in a second list, so the caller need not join two lists per line.

    >>> stump = Tree(feature=(0,), threshold=(1.0,), left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0))
    >>> compile_margin(0.5, (stump,), width=1)([3.0])
    2.5
    >>> second = Tree(feature=(1,), threshold=(1.0,), left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0))
    >>> compile_margin(0.5, (second,), width=2, split=1)([0.0], [3.0])
    2.5
    """
    width = int(width)
    cut = width if split is None else min(int(split), width)
    first = ", ".join(f"x{i}" for i in range(cut))
    body = [f" {first}, = x[:{cut}]"] if cut else []
    if cut < width:
        rest = ", ".join(f"x{i}" for i in range(cut, width))
        body.append(f" {rest}, = more[:{width - cut}]")
    body.append(f" m = {float(base)!r}")
    for tree in trees:
        body += _tree_source(tree, 0, " ")
    source = "def margin(x, more=()):\n" + "\n".join(body) + "\n return m\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<boilerplate model>", "exec"), namespace)  # numbers only, see above
    function: Margin = namespace["margin"]
    return function


def logistic(margin: float) -> float:
    """The probability of log-odds ``margin`` (clipped to ±30, past which it is 0 or 1 to 13 digits).

    >>> logistic(0.0), round(logistic(2.0), 3)
    (0.5, 0.881)
    """
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, margin))))


@dataclass(frozen=True)
class LineClassifier:
    """P(line belongs to the article) from a feature vector.

    >>> stump = Tree(feature=(0,), threshold=(1.0,), left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0))
    >>> model = LineClassifier(base=0.0, trees=(stump,))
    >>> round(model.probability([0.5]), 3), round(model.probability([3.0]), 3)
    (0.119, 0.881)
    """

    base: float
    trees: tuple[Tree, ...]
    sequence: LineClassifier | None = None
    """The second model, over :data:`NAMES` and :data:`~cleaner.boilerplate.sequence.SEQUENCE_NAMES`."""
    split: int | None = None
    """Features from this index on come as a second list (the sequence model: :data:`NAMES` first)."""
    margin: Margin = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        width = 1 + max((f for tree in self.trees for f in tree.feature), default=0)
        object.__setattr__(self, "margin", compile_margin(self.base, self.trees, width, self.split))

    def __reduce__(
        self,
    ) -> tuple[type[LineClassifier], tuple[float, tuple[Tree, ...], LineClassifier | None, int | None]]:
        # The compiled function does not pickle; worker processes rebuild it from the trees.
        return (LineClassifier, (self.base, self.trees, self.sequence, self.split))

    def probability(self, x: Sequence[float], more: Sequence[float] = ()) -> float:
        """The probability that the line with features ``x`` (and ``more``, see :attr:`split`) is article text."""
        return logistic(self.margin(x, more))

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str, names: tuple[str, ...] = NAMES) -> LineClassifier:
        """Build from the JSON form (with its ``sequence`` model if any); a file for other features is a ConfigError."""
        if list(data.get("features", [])) != list(names):
            msg = f"{where}: the model was trained on other line features; retrain it with scripts/train_boilerplate.py"
            raise ConfigError(msg)
        second = data.get("sequence")
        sequence = None if second is None else cls.from_dict(second, f"{where} (sequence)", (*NAMES, *SEQUENCE_NAMES))
        split = len(NAMES) if len(names) > len(NAMES) else None
        try:
            trees = tuple(
                Tree(*(tuple(t[k]) for k in ("feature", "threshold", "left", "right", "value"))) for t in data["trees"]
            )
            return cls(base=float(data["base"]), trees=trees, sequence=sequence, split=split)
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"{where}: not a boilerplate model file ({exc})"
            raise ConfigError(msg) from None


def load_classifier(path: Path | None = None) -> LineClassifier:
    """The model at ``path``, or the one shipped in ``cleaner/data/``."""
    try:
        if path is None:
            text = files("cleaner").joinpath("data", MODEL_NAME).read_text(encoding="utf-8")
            where = f"cleaner/data/{MODEL_NAME}"
        else:
            text, where = path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        msg = f"cannot read the boilerplate model {path or MODEL_NAME}: {exc.strerror}"
        raise ConfigError(msg) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{where}:{exc.lineno}: not valid JSON: {exc.msg}"
        raise ConfigError(msg) from None
    return LineClassifier.from_dict(data, where)
