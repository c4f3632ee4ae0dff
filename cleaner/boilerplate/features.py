"""What the classifier sees of a line: its own shape, its neighbours', and the main block of prose.

The signals are jusText's (length, stop-word density, link-like words, context from the
neighbouring lines) plus a few more that text extraction leaves behind (title case, digits,
end punctuation, position, lines repeated inside the document). Text extraction has lost the
markup, so the article has to be found from the text alone: :func:`main_block` takes the
longest dense run of sentences, because the article is usually the biggest stretch of prose
on a page while navigation, teasers and footers come in runs of short lines around it.

Everything here is a pure function of the lines of one document, so that training
(``scripts/train_boilerplate.py``) and the stage compute exactly the same numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*[A-Z]")
_LINKISH = re.compile(r"https?:|www\.|\.(?:com|org|net|co\.uk)\b|@\w|#\w", re.IGNORECASE)
_SEPARATORS = re.compile(r"[|•·»›>/]|\s[-–—]\s")
_BULLET = re.compile(r"^\s*(?:[-–—•·*»›>]|\d{1,2}[.)])\s")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_NORM_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")

# Short function words of the languages news pages most often come in (English, German,
# French, Spanish, Portuguese, Italian, Dutch); a line of prose in any of them is dense with
# these, a menu or a teaser list is not. After the stop lists jusText ships, cut to the
# commonest words so that one list serves all seven.
STOP_WORDS = frozenset(
    """
    a about after all also an and are as at be been but by can could did do does for from had
    has have he her his how i if in into is it its just like more my no not of on one or our
    out over said she so some than that the their them then there these they this to up was
    we were what when which while who will with would you your
    aber als auch auf aus bei das dem den der des die dies ein eine einem einen einer es für
    hat ich ist mit nach nicht noch nur oder sich sie sind so über um und uns von vor war wie
    wir wird zu zum zur
    au aux avec ce ces cette dans de des du elle en est et il ils je la le les leur mais ne nous
    on ont ou par pas plus pour qu que qui sa se son sont sur un une
    al como con de del el en es esta este la las lo los más mas para pero por que se sin su sus
    una uno y
    ao as com da das do dos e em foi mais na nas no nos o os ou para pela pelo por se sua seu
    um uma
    ad che con da dal dei del della di e gli il in la le lo nel nella non per più si sono su un
    una
    aan als bij dat de een en het in is met niet om op te van voor was wordt zijn
    """.split()  # noqa: SIM905 - a word list reads better as running text
)

NAMES = (
    "log_words",
    "log_chars",
    "ends_sentence",
    "ends_colon",
    "ends_alnum",
    "stop_density",
    "title_ratio",
    "upper_ratio",
    "digit_ratio",
    "alpha_ratio",
    "linkish",
    "separators",
    "comma_rate",
    "inner_sentences",
    "bullet",
    "mean_word_len",
    "position",
    "is_first",
    "is_last",
    "log_dup_in_doc",
    "blank_before",
    "blank_after",
    "rel_words",
    "prev_log_words",
    "prev_stop_density",
    "prev_ends_sentence",
    "next_log_words",
    "next_stop_density",
    "next_ends_sentence",
    "window_prose",
    "in_block",
    "block_distance",
    "block_word_gap",
    "block_share",
    "doc_log_lines",
)


@dataclass(frozen=True)
class LineShape:
    """The numbers of one non-blank line that do not depend on its neighbours."""

    words: int
    chars: int
    ends_sentence: bool
    ends_colon: bool
    ends_alnum: bool
    stop_density: float
    title_ratio: float
    upper_ratio: float
    digit_ratio: float
    alpha_ratio: float
    linkish: int
    separators: int
    commas: int
    inner_sentences: int
    bullet: bool
    mean_word_len: float

    @property
    def prose(self) -> bool:
        """Whether the line reads like running text: long enough, dense in function words, ended."""
        if self.words >= 30 and self.stop_density >= 0.15:
            return True
        return self.words >= 8 and self.ends_sentence and self.stop_density >= 0.15


def shape_of(line: str) -> LineShape:
    """Measure one line.

    >>> s = shape_of("The company said on Monday that it would cut 4,000 jobs.")
    >>> s.words, s.ends_sentence, s.prose
    (12, True, True)
    >>> shape_of("Privacy | Terms | Contact").separators
    2
    """
    text = line.strip()
    words = WORD.findall(text)
    n = len(words)
    alpha_words = [w for w in words if w[0].isalpha()]
    n_alpha = max(1, len(alpha_words))
    chars = len(text)
    non_space = max(1, chars - text.count(" "))
    last = text[-1:] if text else ""
    return LineShape(
        words=n,
        chars=chars,
        ends_sentence=bool(_SENTENCE_END.search(text)),
        ends_colon=last == ":",
        ends_alnum=last.isalnum(),
        stop_density=sum(map(STOP_WORDS.__contains__, WORD.findall(text.lower()))) / max(1, n),
        title_ratio=sum(1 for w in alpha_words if w[0].isupper()) / n_alpha,
        upper_ratio=sum(1 for w in alpha_words if len(w) > 1 and w.isupper()) / n_alpha,
        digit_ratio=(chars - len(_DIGIT.sub("", text))) / non_space,
        alpha_ratio=(chars - len(_LETTER.sub("", text))) / non_space,
        linkish=len(_LINKISH.findall(text)),
        separators=len(_SEPARATORS.findall(text)),
        commas=text.count(","),
        inner_sentences=len(_INNER_SENTENCE.findall(text)),
        bullet=bool(_BULLET.match(text)),
        mean_word_len=sum(map(len, words)) / max(1, n),
    )


def normalise(line: str) -> str:
    """The form under which lines count as the same: case, digits and spacing folded (after CCNet).

    >>> normalise("  Updated 12:45 PM,  Nov 3 ")
    'updated 0:0 pm, nov 0'
    """
    return _SPACES.sub(" ", _NORM_DIGITS.sub("0", line.strip().lower()))


def main_block(shapes: Sequence[LineShape]) -> tuple[int, int]:
    """The run of lines ``[start, end)`` that holds the most prose net of the non-prose inside it.

    Each prose line scores its word count; every other line costs its word count plus four
    (a stack of short menu entries costs more than its few words). The best run is the
    maximum-sum subarray (Kadane). An empty list gives ``(0, 0)``.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> main_block([menu, menu, prose, prose, menu, prose, menu])
    (2, 6)
    """
    best, best_span = 0.0, (0, 0)
    run, run_start = 0.0, 0
    for i, shape in enumerate(shapes):
        value = shape.words if shape.prose else -(shape.words + 4.0)
        if run <= 0:
            run, run_start = 0.0, i
        run += value
        if run > best:
            best, best_span = run, (run_start, i + 1)
    return best_span


def document_features(lines: Sequence[str]) -> list[list[float] | None]:
    """The feature vector (in :data:`NAMES` order) of every line; ``None`` for blank lines."""
    index = [i for i, line in enumerate(lines) if line.strip()]
    shapes = [shape_of(lines[i]) for i in index]
    keys = [normalise(lines[i]) for i in index]
    counts = Counter(keys)
    start, end = main_block(shapes)
    words = [s.words for s in shapes]
    total_words = max(1, sum(words))
    block_words = sum(words[start:end])
    max_words = max(words, default=1) or 1
    cum = [0, *accumulate(words)]
    prose = [1.0 if s.prose else 0.0 for s in shapes]
    n = len(shapes)
    out: list[list[float] | None] = [None] * len(lines)
    for k, i in enumerate(index):
        s = shapes[k]
        prev = shapes[k - 1] if k > 0 else None
        nxt = shapes[k + 1] if k + 1 < n else None
        gap = 0 if start <= k < end else (start - k if k < start else k - end + 1)
        gap_words = cum[start] - cum[k + 1] if k < start else cum[k] - cum[end] if k >= end else 0
        window = prose[max(0, k - 2) : k + 3]
        out[i] = [
            *_own(s),
            k / max(1, n - 1),
            float(k == 0),
            float(k == n - 1),
            math.log1p(counts[keys[k]] - 1),
            float(i > 0 and not lines[i - 1].strip()),
            float(i + 1 < len(lines) and not lines[i + 1].strip()),
            s.words / max_words,
            *_context(prev),
            *_context(nxt),
            sum(window) / len(window),
            float(gap == 0),
            math.log1p(gap),
            math.log1p(gap_words),
            block_words / total_words,
            math.log1p(n),
        ]
    return out


def _own(s: LineShape) -> list[float]:
    return [
        math.log1p(s.words),
        math.log1p(s.chars),
        float(s.ends_sentence),
        float(s.ends_colon),
        float(s.ends_alnum),
        s.stop_density,
        s.title_ratio,
        s.upper_ratio,
        s.digit_ratio,
        s.alpha_ratio,
        float(s.linkish),
        float(s.separators),
        s.commas / max(1, s.words),
        float(s.inner_sentences),
        float(s.bullet),
        s.mean_word_len,
    ]


def _context(s: LineShape | None) -> list[float]:
    if s is None:
        return [0.0, 0.0, 0.0]
    return [math.log1p(s.words), s.stop_density, float(s.ends_sentence)]
