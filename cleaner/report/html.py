"""``report.html``: one self-contained page (no server, no network) showing every document.

Per document, the text with each change shown in place (what was removed struck through,
what was put in highlighted, the rule on hover), flags marked where they are, and tables of
flags and changes. All document text is escaped: scraped text can hold ``<script>``.
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape
from importlib.resources import files

from cleaner.model import DocumentResult, Edit, Flag, Summary
from cleaner.trace import cleaned_spans

_VISIBLE_WS = str.maketrans({" ": "\u2423", "\n": "\u00b6\n", "\t": "\u2192", "\u00a0": "\u237d"})


def _shown(text: str) -> str:
    """Escape ``text``; a change that is only white space gets visible symbols."""
    return escape(text.translate(_VISIBLE_WS) if text and not text.strip() else text)


def render_text(result: DocumentResult) -> str:
    """The cleaned text as HTML with changes and flags marked in place.

    >>> from cleaner.model import Edit
    >>> e = Edit(stage="s", rule="r", source_start=0, source_end=3, before="<b>", after="", reason="x")
    >>> render_text(DocumentResult(id="d", source="-", text="ok", edits=[e]))
    '<del title="s:r: x">&lt;b&gt;</del>ok'
    """
    text, flags = result.text, result.flags
    spans = [(start, end, result.edits[i]) for i, start, end in cleaned_spans(result.edits)]
    cuts = {0, len(text)}
    for start, end, _ in spans:
        cuts |= {start, end}
    for flag in flags:
        cuts |= {flag.start, flag.end}
    points = sorted(cuts)
    starting: dict[int, list[tuple[int, Edit]]] = {}
    for start, end, edit in spans:
        starting.setdefault(start, []).append((end, edit))
    starts = [start for start, _, _ in spans]
    out: list[str] = []
    for left, right in zip(points, [*points[1:], None], strict=True):
        for _end, edit in starting.get(left, []):
            if edit.before:
                out.append(f'<del title="{escape(_label(edit))}">{_shown(edit.before)}</del>')
        if right is None:
            break
        inside = bisect_right(starts, left) - 1  # the one edit whose text could hold `left`
        edit_here = spans[inside][2] if inside >= 0 and spans[inside][1] > left else None
        out.append(_piece(text[left:right], left, edit_here, flags))
    return "".join(out)


def _label(edit: Edit) -> str:
    return f"{edit.stage}:{edit.rule}: {edit.reason}"


def _piece(piece: str, at: int, edit: Edit | None, flags: list[Flag]) -> str:
    """One stretch of the text: inside ``edit``'s new text (if any) and under the flags covering it."""
    html = _shown(piece)
    if edit is not None:
        html = f'<ins title="{escape(_label(edit))}">{html}</ins>'
    covering = [f for f in flags if f.start <= at < f.end]
    if covering:
        best = max(covering, key=lambda f: f.score)
        tip = f"{best.kind} {best.score:.2f}: {best.message}"
        if best.suggestions:
            tip += " \u2192 " + " | ".join(best.suggestions[:3])
        html = f'<mark class="flag {escape(best.kind)}" title="{escape(tip)}">{html}</mark>'
    return html


def _flag_rows(flags: list[Flag]) -> str:
    rows = []
    for flag in sorted(flags, key=lambda f: -f.score):
        evidence = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in flag.evidence.items())
        rows.append(
            "<tr>"
            f"<td>{escape(flag.stage)}</td><td>{escape(flag.kind)}</td><td><q>{escape(flag.text)}</q></td>"
            f"<td>{escape(' | '.join(flag.suggestions))}</td><td>{flag.score:.2f}</td>"
            f"<td>{escape(flag.message)}<div class=evidence>{escape(evidence)}</div></td><td>{escape(flag.rule)}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>stage</th><th>kind</th><th>text</th><th>suggestions</th><th>score</th><th>why</th><th>rule</th></tr>"
    )
    return f"<table class=flags>{head}{''.join(rows)}</table>" if rows else ""


def _edit_rows(edits: list[Edit]) -> str:
    rows = [
        "<tr>"
        f"<td>{escape(e.stage)}</td><td>{escape(e.rule)}</td><td>{e.source_start}\u2013{e.source_end}</td>"
        f"<td><del>{_shown(e.before)}</del></td><td><ins>{_shown(e.after)}</ins></td><td>{escape(e.reason)}</td>"
        "</tr>"
        for e in edits
    ]
    head = "<tr><th>stage</th><th>rule</th><th>span</th><th>before</th><th>after</th><th>reason</th></tr>"
    return f"<table class=edits>{head}{''.join(rows)}</table>" if rows else ""


def _heading(result: DocumentResult) -> str:
    """A document section's heading: its id (the page's anchor) and its source."""
    return f'<h2 id="doc-{escape(result.id)}">{escape(result.id)}</h2><p class=source>{escape(result.source)}</p>'


def render_document(result: DocumentResult, input_text: str) -> str:
    """One document's section of the page."""
    title = _heading(result)
    if result.failed:
        return f"<section class='doc failed'>{title}<p class=error>failed: {escape(result.error or '')}</p></section>\n"
    counts = (
        f"{len(result.edits)} changes, {len(result.flags)} flags, {len(input_text)} \u2192 {len(result.text)} chars"
    )
    meta = ", ".join(f"{k}: {v}" for k, v in result.metadata.items())
    parts = [
        f"<section class=doc>{title}<p class=counts>{escape(counts)}</p>",
        f"<p class=meta>{escape(meta)}</p>" if meta else "",
        f"<pre class=text>{render_text(result)}</pre>",
        f"<details open><summary>Flags ({len(result.flags)})</summary>{_flag_rows(result.flags)}</details>"
        if result.flags
        else "",
        f"<details><summary>Changes ({len(result.edits)})</summary>{_edit_rows(result.edits)}</details>"
        if result.edits
        else "",
        "</section>\n",
    ]
    return "".join(parts)


def section_floor(result: DocumentResult, input_text: str) -> int:
    """A lower bound on the size in bytes of :func:`render_document`'s section, cheap to count.

    Every character of the input is in the text once (kept, or struck through); an edit's
    ``before`` and ``after`` are in the table of changes, its ``after`` also in the text, and
    its reason in a mark's title and in the table. Escaping never shortens, and a character
    takes at least one byte. A writer can see from it that a section cannot fit a page's
    limit without rendering it (several times its size in memory).

    >>> from cleaner.model import Edit
    >>> e = Edit(stage="s", rule="r", source_start=0, source_end=3, before="<b>", after="", reason="x")
    >>> result = DocumentResult(id="d", source="-", text="ok", edits=[e])
    >>> section_floor(result, "<b>ok"), len(render_document(result, "<b>ok").encode())
    (10, 455)
    """
    if result.failed:
        return 0
    return len(input_text) + sum(len(e.before) + 2 * len(e.after) + 2 * len(e.reason) for e in result.edits)


def render_brief(result: DocumentResult) -> str:
    """One document's section by its counts only, for a page past its size limit."""
    title = _heading(result)
    state = f"failed: {result.error}" if result.failed else f"{len(result.edits)} changes, {len(result.flags)} flags"
    return f"<section class='doc brief'>{title}<p class=counts>{escape(state)}</p></section>\n"


def render_page(summary: Summary, brief: int = 0, limit_mb: float = 0) -> tuple[str, str]:
    """The page around the document sections: (head with the summary, tail).

    ``brief``: how many documents, the last of the run, are shown by their counts only, past
    the page's limit of ``limit_mb`` megabytes.
    """
    css = files("cleaner.report").joinpath("report.css").read_text(encoding="utf-8")
    rows = "".join(
        f"<tr><td>{escape(stage)}</td>"
        f"<td>{counters.get('changed', 0)}</td><td>{counters.get('lines_dropped', 0)}</td>"
        f"<td>{counters.get('flags', 0)}</td></tr>"
        for stage, counters in summary.stats.items()
    )
    head = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>cleaner report</title><style>{css}</style></head><body>"
        "<header><h1>cleaner report</h1>"
        f"<p>{summary.documents} documents, {summary.changed} changed, {summary.failed} failed</p>"
        "<table class=summary><tr><th>stage</th><th>documents changed</th><th>lines removed</th><th>flags</th></tr>"
        f"{rows}</table>{_brief_note(summary.documents, brief, limit_mb)}</header><main>\n"
    )
    return head, "</main></body></html>\n"


def _brief_note(documents: int, brief: int, limit_mb: float) -> str:
    if not brief:
        return ""
    return (
        f"<p class=note>The first {documents - brief} documents are shown in full; the other {brief}, past this "
        f"page's limit of {limit_mb:g} MB, by their counts only. report.json holds every change and flag, and "
        "<code>cleaner review</code> shows every document (<code>--html-limit</code> sets the limit).</p>"
    )
