"""What a second model sees of a line: where it sits among the first model's verdicts on the whole page.

The line classifier (:mod:`cleaner.boilerplate.features`) judges each line from its own
shape and a few neighbours. A page is a sequence, though: the article is one long run of
confident lines, a stray confident line far down the footer is a cookie notice, and a
teaser list or a comment thread is a separate run of prose after a gap of furniture. The
second ("sequence") model gets the first model's log-odds ``z`` of every non-blank line
that no rule has dropped already, and these numbers computed from
the whole sequence (after the stacked / two-pass sequence labelling of boilerplate
detectors such as Web2Text and BoilerNet, reduced to features a tree model can use):

* the line's own ``z``, its neighbours', the mean of ``±2`` lines, the highest and lowest of ``±3``;
* the **article span**: the run of lines with the highest sum of word-weighted, clipped
  log-odds (Kadane): inside or not, on which side, how far, how far from its ends;
* **segments**: runs of lines split where ``gap`` or more lines in a row lean to boilerplate;
  the segment's probability mass over the biggest segment's, its rank, whether it comes
  before or after the biggest one, its mean ``z``;
* the share of the page's probability mass before and after the line, and ``z`` against the
  span's median.

Pure functions of plain lists (no numpy at run time), so training and the stage compute the
same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import median

from cleaner.boilerplate.features import best_span

SEQUENCE_NAMES = (
    "z",
    "z_prev",
    "z_next",
    "z_mean2",
    "z_max3",
    "z_min3",
    "in_span",
    "span_side",
    "span_distance",
    "span_from_start",
    "span_to_end",
    "segment_share",
    "segment_rank",
    "segment_side",
    "segment_mean_z",
    "mass_before",
    "mass_after",
    "z_over_span",
)

Z_LIMIT = 8.0
"""Log-odds are clipped to ``±Z_LIMIT`` (probabilities 0.0003-0.9997)."""
SPAN_BIAS = -0.5
SPAN_FLOOR = -2.0
SEGMENT_GAP = 3


def article_span(z: Sequence[float], words: Sequence[int]) -> tuple[int, int]:
    """The article's span: the best run of ``words * (max(z, SPAN_FLOOR) - SPAN_BIAS)``; never empty.

    A line that leans only a little to boilerplate inside the article (a list item, a table
    row) costs at most ``SPAN_FLOOR`` per word, so it does not split the article.

    >>> article_span([-3.0, 2.0, -1.0, 2.5, -3.0], [2, 20, 3, 25, 4])
    (1, 4)
    >>> article_span([-3.0, -2.0], [2, 3])
    (1, 2)
    """
    start, end = best_span([n * (max(zi, SPAN_FLOOR) - SPAN_BIAS) for zi, n in zip(z, words, strict=True)])
    if end == 0 and z:
        top = max(range(len(z)), key=z.__getitem__)
        return top, top + 1
    return start, end


def segments(z: Sequence[float], gap: int = SEGMENT_GAP) -> list[int]:
    """Per line, the index of its segment, or -1 for a line inside a split.

    A segment starts at a line with ``z >= 0`` and runs on while fewer than ``gap`` lines in
    a row have ``z < 0`` before the next such line.

    >>> segments([1.0, -1.0, 1.0, -1.0, -1.0, -1.0, 2.0, -1.0])
    [0, 0, 0, -1, -1, -1, 1, -1]
    """
    seg = [-1] * len(z)
    current, start, last = -1, 0, -(10**9)
    for k, value in enumerate(z):
        if value < 0:
            continue
        if current < 0 or k - last - 1 >= gap:
            current, start = current + 1, k
        for j in range(max(start, last + 1), k + 1):
            seg[j] = current
        last = k
    return seg


def _segment_stats(
    z: Sequence[float], words: Sequence[int], mass: Sequence[float], seg: Sequence[int]
) -> tuple[dict[int, float], dict[int, int], dict[int, float]]:
    """Per segment: its probability mass, its rank by mass (0 = biggest), its word-weighted mean ``z``."""
    masses: dict[int, float] = {}
    z_sum: dict[int, float] = {}
    weight: dict[int, float] = {}
    for k, s in enumerate(seg):
        if s < 0:
            continue
        masses[s] = masses.get(s, 0.0) + mass[k]
        z_sum[s] = z_sum.get(s, 0.0) + z[k] * (words[k] + 1)
        weight[s] = weight.get(s, 0.0) + words[k] + 1
    rank = {s: r for r, s in enumerate(sorted(masses, key=lambda s: (-masses[s], s)))}
    return masses, rank, {s: z_sum[s] / weight[s] for s in masses}


def sequence_features(z: Sequence[float], words: Sequence[int]) -> list[list[float]]:
    """The :data:`SEQUENCE_NAMES` numbers of every line, from the first model's log-odds and word counts.

    >>> rows = sequence_features([-4.0, 3.0, 2.5, -3.0, -1.0, 0.5], [1, 30, 25, 2, 12, 9])
    >>> [row[6] for row in rows]  # in the article span
    [0.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    >>> [row[13] for row in rows]  # segment before (-1) / is (0) / after (1) the biggest, or none (2)
    [2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    n = len(z)
    if not n:
        return []
    zs = [max(-Z_LIMIT, min(Z_LIMIT, value)) for value in z]
    start, end = article_span(zs, words)
    mass = [w / (1.0 + math.exp(-value)) for value, w in zip(zs, words, strict=True)]
    before = [0.0]
    for m in mass:
        before.append(before[-1] + m)
    total = max(before[-1], 1e-9)
    seg = segments(zs)
    masses, rank, seg_z = _segment_stats(zs, words, mass, seg)
    biggest = min(rank, key=rank.__getitem__) if rank else -1
    big_mass = masses.get(biggest, 0.0) or 1e-9
    span_median = median(zs[start:end])
    z_sums = [0.0]
    for value in zs:
        z_sums.append(z_sums[-1] + value)
    rows = []
    for k in range(n):
        low2, high2 = max(0, k - 2), min(n, k + 3)
        near3 = zs[max(0, k - 3) : k + 4]
        inside = start <= k < end
        s = seg[k]
        rows.append(
            [
                zs[k],
                zs[k - 1] if k else -Z_LIMIT,
                zs[k + 1] if k + 1 < n else -Z_LIMIT,
                (z_sums[high2] - z_sums[low2]) / (high2 - low2),
                max(near3),
                min(near3),
                float(inside),
                0.0 if inside else (-1.0 if k < start else 1.0),
                math.log1p(0 if inside else (start - k if k < start else k - end + 1)),
                math.log1p(k - start) if inside else -1.0,
                math.log1p(end - 1 - k) if inside else -1.0,
                masses[s] / big_mass if s >= 0 else 0.0,
                float(min(rank[s], 5)) if s >= 0 else 6.0,
                (0.0 if s == biggest else -1.0 if s < biggest else 1.0) if s >= 0 else 2.0,
                seg_z[s] if s >= 0 else -Z_LIMIT,
                before[k] / total,
                (total - before[k + 1]) / total,
                zs[k] - span_median,
            ]
        )
    return rows
