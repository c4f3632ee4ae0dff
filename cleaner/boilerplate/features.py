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
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Generic, NamedTuple, TypeVar

WORD = re.compile(r"\w+")
_CLOSERS = "\"'”’»)] \t"
_ENDS = (".", "!", "?")
_INNER_SENTENCE = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]*[A-Z]")
_SEPARATORS = re.compile(r"[|•·»›>/]|\s[-–—]\s")
_BULLET = re.compile(r"^\s*(?:[-–—•·*»›>]|\d{1,2}[.)])\s")
_DIGIT = re.compile(r"\d")
_NORM_DIGITS = re.compile(r"\d+")
T = TypeVar("T")

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
    "near_prose_before",
    "near_prose_after",
    "prose_distance_before",
    "prose_distance_after",
    "prose_share_before",
    "doc_prose_share",
    "block_cohesion",
    "segment_share",
    "ends_ellipsis",
)


class LineShape(NamedTuple):
    """The numbers of one non-blank line that do not depend on its neighbours.

    A named tuple rather than a frozen dataclass: a page has hundreds of lines and the
    tuple is several times cheaper to build.
    """

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
    ends_ellipsis: bool
    content: list[str]
    prose: bool
    """Whether the line reads like running text: long enough, dense in function words, ended
    (:func:`is_prose`; a field, not a property, because every line is asked several times)."""


def is_prose(words: int, stop_density: float, ends_sentence: bool) -> bool:
    """Running text: 30 words or more, or 8 or more ending a sentence; either dense in function words.

    >>> is_prose(12, 0.3, True), is_prose(12, 0.3, False), is_prose(40, 0.3, False), is_prose(40, 0.1, True)
    (True, False, True, False)
    """
    return stop_density >= 0.15 and (words >= 30 or (words >= 8 and ends_sentence))


def shape_of(line: str) -> LineShape:
    """Measure one line.

    >>> s = shape_of("The company said on Monday that it would cut 4,000 jobs.")
    >>> s.words, s.ends_sentence, s.prose, s.content
    (12, True, True, ['company', 'monday', 'jobs'])
    >>> shape_of("Privacy | Terms | Contact").separators
    2
    """
    text = line.strip()
    words = WORD.findall(text)
    lowered = [w.lower() for w in words]
    n = len(words)
    alpha_words = [w for w in words if w[0].isalpha()]
    capitalised = [w for w in alpha_words if w[0].isupper()]
    n_alpha = max(1, len(alpha_words))
    chars = len(text)
    non_space = max(1, chars - text.count(" "))
    digits = len(_DIGIT.findall(text))
    word_chars = sum(map(len, words))
    core = text.rstrip(_CLOSERS)  # the end of the line without closing quotes and brackets
    ellipsis = core.endswith(("...", "…"))
    last = text[-1:]
    ends = core[-1:] in _ENDS and not ellipsis
    stop_density = sum(map(STOP_WORDS.__contains__, lowered)) / max(1, n)
    return LineShape(  # positional: several times cheaper than keywords for a hot path
        n,
        chars,
        ends,
        last == ":",
        last.isalnum(),
        stop_density,
        len(capitalised) / n_alpha,
        # an all-capitals word (two letters or more) starts with a capital: only those need the test
        sum([len(w) > 1 and w.isupper() for w in capitalised]) / n_alpha,
        digits / non_space,
        (word_chars - digits - text.count("_")) / non_space,
        _count_linkish(text),
        len(_SEPARATORS.findall(text)),
        text.count(","),
        len(_INNER_SENTENCE.findall(text)),
        _BULLET.match(text) is not None,
        word_chars / max(1, n),
        ellipsis,
        [w for w in lowered if len(w) >= 4 and w not in STOP_WORDS and not w.isdigit()],
        is_prose(n, stop_density, ends),
    )


def _count_linkish(text: str) -> int:
    """Marks of links, addresses and handles: ``http``, ``www.``, ``.com``, ``@``, ``#``.

    Plain substring counts, not a regex, because this runs on every line.

    >>> _count_linkish("Follow @jane or see www.example.com")
    3
    """
    lower = text.lower()
    return lower.count("http") + lower.count("www.") + lower.count(".com") + text.count("@") + text.count("#")


class LineMemo(Generic[T]):
    """A function of one line that remembers its answers: menus, share buttons and footers repeat
    within a page and across the pages of a site, and are worked on once per run. Forgets all
    when ``limit`` lines are remembered.

    >>> measure = LineMemo(shape_of, limit=2)
    >>> measure("Home") is measure("Home"), measure("Home").words, len(measure)
    (True, 1, 1)
    """

    def __init__(self, function: Callable[[str], T], limit: int = 100_000) -> None:
        self.function = function
        self.limit = limit
        self._answers: dict[str, T] = {}

    def __call__(self, line: str) -> T:
        if line in self._answers:
            return self._answers[line]
        if len(self._answers) >= self.limit:
            self._answers.clear()
        answer = self._answers[line] = self.function(line)
        return answer

    def __len__(self) -> int:
        return len(self._answers)


def normalise(line: str) -> str:
    """The form under which lines count as the same: case, digits and spacing folded (after CCNet).

    >>> normalise("  Updated 12:45 PM,  Nov 3 ")
    'updated 0:0 pm, nov 0'
    """
    return " ".join(_NORM_DIGITS.sub("0", line.lower()).split())


def main_block(shapes: Sequence[LineShape]) -> tuple[int, int]:
    """The run of lines ``[start, end)`` that holds the most prose net of the non-prose inside it.

    Each prose line scores its word count; every other line costs its word count plus four
    (a stack of short menu entries costs more than its few words). The best run is the
    maximum-sum subarray (Kadane). An empty list gives ``(0, 0)``.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> main_block([menu, menu, prose, prose, menu, prose, menu])
    (2, 6)
    """
    return best_span([shape.words if shape.prose else -(shape.words + 4.0) for shape in shapes])


def best_span(values: Sequence[float]) -> tuple[int, int]:
    """The run ``[start, end)`` with the highest sum (Kadane); ``(0, 0)`` when every value is negative.

    >>> best_span([-1.0, 2.0, -0.5, 3.0, -4.0, 1.0])
    (1, 4)
    """
    best, span, run, start = 0.0, (0, 0), 0.0, 0
    for i, value in enumerate(values):
        if run <= 0:
            run, start = 0.0, i
        run += value
        if run > best:
            best, span = run, (start, i + 1)
    return span


def document_features(
    lines: Sequence[str], measure: Callable[[str], LineShape] | None = None
) -> list[list[float] | None]:
    """The feature vector (in :data:`NAMES` order) of every line; ``None`` for blank lines.

    ``measure`` measures the lines; give the same one to all pages of a run to measure a line once.
    """
    measure = measure or LineMemo(shape_of)
    blank = [not line.strip() for line in lines]
    index = [i for i, is_blank in enumerate(blank) if not is_blank]
    shapes = [measure(lines[i]) for i in index]
    keys = [normalise(lines[i]) for i in index]
    counts = Counter(keys)
    start, end = main_block(shapes)
    words = [s.words for s in shapes]
    cum = [0, *accumulate(words)]
    max_words = max(words, default=1) or 1
    prose = [1.0 if s.prose else 0.0 for s in shapes]
    around = prose_context(shapes)
    cohesion = block_cohesion([shape.content for shape in shapes], start, end)
    segments = segment_shares(shapes)
    own = [_own(s) for s in shapes]
    context = [[v[0], v[5], v[2]] for v in own]  # log words, stop density, ends a sentence
    n = len(shapes)
    edge = [0.0, 0.0, 0.0]
    document = [(cum[end] - cum[start]) / max(1, cum[-1]), math.log1p(n)]
    out: list[list[float] | None] = [None] * len(lines)
    for k, i in enumerate(index):
        gap = 0 if start <= k < end else (start - k if k < start else k - end + 1)
        gap_words = cum[start] - cum[k + 1] if k < start else cum[k] - cum[end] if k >= end else 0
        window = prose[max(0, k - 2) : k + 3]
        out[i] = [
            *own[k],
            k / max(1, n - 1),
            float(k == 0),
            float(k == n - 1),
            math.log1p(counts[keys[k]] - 1),
            float(i > 0 and blank[i - 1]),
            float(i + 1 < len(lines) and blank[i + 1]),
            words[k] / max_words,
            *(context[k - 1] if k > 0 else edge),
            *(context[k + 1] if k + 1 < n else edge),
            sum(window) / len(window),
            float(gap == 0),
            math.log1p(gap),
            math.log1p(gap_words),
            *document,
            *around[k],
            cohesion[k],
            segments[k],
            float(shapes[k].ends_ellipsis),
        ]
    return out


def block_cohesion(words: Sequence[Sequence[str]], start: int, end: int) -> list[float]:
    """Per line, the share of its content words (:attr:`LineShape.content`) that the main block uses elsewhere.

    Teasers for other stories, comments and the next article on the page are prose too,
    but about something else; the article's own lines share its vocabulary. A line of the
    block is measured against the rest of the block (its own words taken out). Lines
    without content words get 0.

    >>> lines = ["Storm hits coast", "The storm hit the coast.", "Coast storm damage.", "Shoes sale"]
    >>> block_cohesion([shape_of(line).content for line in lines], 1, 3)
    [0.6666666666666666, 1.0, 0.6666666666666666, 0.0]
    """
    vocabulary: Counter[str] = Counter()
    for k in range(start, end):
        vocabulary.update(words[k])
    out: list[float] = []
    for k, ws in enumerate(words):
        if not ws:
            out.append(0.0)
        elif start <= k < end:  # its own uses of a word do not count (lines are short: count, not Counter)
            out.append(sum([vocabulary[w] > ws.count(w) for w in ws]) / len(ws))
        else:
            out.append(sum([vocabulary[w] > 0 for w in ws]) / len(ws))
    return out


def segment_shares(shapes: Sequence[LineShape], gap: int = 3) -> list[float]:
    """Per line, the prose of its segment over the prose of the biggest segment.

    Segments are runs of lines split wherever ``gap`` or more non-prose lines follow each
    other; a line inside such a split gets 0. The article is usually the biggest segment,
    the comment thread or the next story a smaller one.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> segment_shares([prose, menu, prose, menu, menu, menu, prose])
    [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.5]
    """
    n = len(shapes)
    seg = [-1] * n
    current, run_start, last_prose = -1, 0, -(10**9)
    for k, shape in enumerate(shapes):
        if not shape.prose:
            continue
        if k - last_prose - 1 >= gap or current < 0:
            current += 1
            run_start = k
        for j in range(max(run_start, last_prose + 1), k + 1):
            seg[j] = current
        last_prose = k
    totals: Counter[int] = Counter()
    for k, shape in enumerate(shapes):
        if shape.prose and seg[k] >= 0:
            totals[seg[k]] += shape.words
    biggest = max(totals.values(), default=0) or 1
    return [totals[seg[k]] / biggest if seg[k] >= 0 else 0.0 for k in range(n)]


def prose_context(shapes: Sequence[LineShape], reach: int = 5, far: int = 50) -> list[tuple[float, ...]]:
    """Per line, where the prose around it is (jusText's context, measured rather than voted).

    The six numbers: words of prose in the ``reach`` lines before and after (log), lines to
    the nearest prose line before and after (log, ``far`` when there is none), the share of
    the document's prose that comes before the line, and the document's share of prose.
    A short line between paragraphs (a list inside the article) has prose close on both
    sides; a menu or a teaser list has it on one side at most.

    >>> menu, prose = shape_of("Home"), shape_of("The talks, which began in May, ended without a deal on Friday.")
    >>> [round(v, 2) for v in prose_context([prose, menu, prose])[1]]
    [2.56, 2.56, 0.69, 0.69, 0.5, 0.96]
    """
    pw = [s.words if s.prose else 0 for s in shapes]
    cum = [0, *accumulate(pw)]
    total_prose = max(1, cum[-1])
    doc_share = cum[-1] / max(1, sum(s.words for s in shapes))
    last_before: list[int | None] = []
    seen: int | None = None
    for k, words in enumerate(pw):
        last_before.append(seen)
        if words:
            seen = k
    next_after: list[int | None] = [None] * len(pw)
    seen = None
    for k in range(len(pw) - 1, -1, -1):
        next_after[k] = seen
        if pw[k]:
            seen = k
    out: list[tuple[float, ...]] = []
    for k in range(len(pw)):
        before, after = last_before[k], next_after[k]
        out.append(
            (
                math.log1p(cum[k] - cum[max(0, k - reach)]),
                math.log1p(cum[min(len(pw), k + 1 + reach)] - cum[k + 1]),
                math.log1p(k - before if before is not None else far),
                math.log1p(after - k if after is not None else far),
                cum[k] / total_prose,
                doc_share,
            )
        )
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
