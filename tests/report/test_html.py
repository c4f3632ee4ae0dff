"""report.html shows documents as text, never as markup."""

from __future__ import annotations

from cleaner.model import DocumentResult, Edit, Flag
from cleaner.report.html import render_document, render_text


def test_script_in_a_document_is_escaped() -> None:
    text = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"
    html = render_document(DocumentResult(id="<b>", source="x", text=text), text)
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_changes_and_flags_are_marked_in_place() -> None:
    edit = Edit(stage="encoding", rule="quotes", source_start=5, source_end=6, before="'", after="\u2019", reason="q")
    flag = Flag(stage="spin", kind="spin", rule="lm", start=7, end=10, text="war", score=0.9, message="m")
    result = DocumentResult(id="d", source="-", text="it is\u2019 war", edits=[edit], flags=[flag])
    html = render_text(result)
    assert '<del title="encoding:quotes: q">&#x27;</del><ins title="encoding:quotes: q">\u2019</ins>' in html
    assert html.endswith('<mark class="flag spin" title="spin 0.90: m">war</mark>')
