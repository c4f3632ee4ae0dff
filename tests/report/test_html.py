"""report.html shows documents as text, never as markup."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import DocumentResult, Edit, Flag
from cleaner.report import writer as writer_module
from cleaner.report.html import render_document, render_text, section_floor
from cleaner.report.writer import RunWriter
from cleaner.trace import Trace
from tests.test_trace import changes_for


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


def _written_run(out: Path, texts: list[str], limit_mb: float) -> tuple[str, RunWriter]:
    writer = RunWriter(out, ["encoding"], html_limit_mb=limit_mb)
    for i, text in enumerate(texts):
        edit = Edit(stage="encoding", rule="r", source_start=0, source_end=1, before=text[0], after="X", reason="q")
        writer.add(DocumentResult(id=f"d{i}", source="-", text="X" + text[1:], edits=[edit]), text)
    writer.close()
    return (out / "report.html").read_text(encoding="utf-8"), writer


def test_a_page_past_its_limit_shows_the_rest_by_their_counts(tmp_path: Path) -> None:
    texts = ["w" * 200_000 + f" document {i}" for i in range(5)]  # about 0.2 MB of sections each
    page, writer = _written_run(tmp_path / "limited", texts, limit_mb=0.5)
    assert writer.brief == 3
    assert page.count("<section class=doc>") == 2
    assert page.count("<section class='doc brief'>") == 3
    assert "document 2" not in page
    assert '<h2 id="doc-d4">d4</h2>' in page and "1 changes, 0 flags" in page
    assert "The first 2 documents are shown in full; the other 3" in page
    unlimited, writer = _written_run(tmp_path / "unlimited", texts, limit_mb=0)
    assert writer.brief == 0
    assert all(f"document {i}" in unlimited for i in range(5))


def test_a_document_longer_than_the_limit_is_not_rendered_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its section holds every input line, so it cannot fit: rendering it cost several times a
    large document's size in memory, to be thrown away."""
    rendered: list[str] = []

    def render(result: DocumentResult, input_text: str) -> str:
        rendered.append(result.id)
        return "<section class=doc></section>"

    monkeypatch.setattr(writer_module, "render_document", render)
    page, writer = _written_run(tmp_path / "out", ["w" * 600_000, "short"], limit_mb=0.5)
    assert rendered == ["d1"]  # the long one is not rendered; the page is brief from there on
    assert writer.brief == 2
    assert page.count("<section class='doc brief'>") == 2


def test_a_document_whose_changes_cannot_fit_is_not_rendered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorter than the limit, but its struck-through lines and the table of changes are not."""
    rendered: list[str] = []

    def render(result: DocumentResult, input_text: str) -> str:
        rendered.append(result.id)
        return "<section class=doc></section>"

    monkeypatch.setattr(writer_module, "render_document", render)
    text = "furniture line\n" * 20_000  # 0.3 MB, every line removed
    reason = "a rule that explains itself at some length, as the classifier's reasons do"
    edits = [
        Edit(
            stage="b",
            rule="r",
            source_start=i * 15,
            source_end=i * 15 + 15,
            before="furniture line\n",
            after="",
            reason=reason,
        )
        for i in range(20_000)
    ]
    writer = RunWriter(tmp_path / "out", ["b"], html_limit_mb=2)
    writer.add(DocumentResult(id="d0", source="-", text="", edits=edits), text)
    writer.add(DocumentResult(id="d1", source="-", text="short"), "short")
    writer.close()
    assert rendered == ["d1"]


@st.composite
def results(draw: st.DrawFn) -> tuple[str, DocumentResult]:
    """An input of up to a few thousand characters, changed by two stages, the edits with long
    reasons: so that the text, the edits and the reasons all outweigh the section's fixed markup."""
    source = draw(st.text(alphabet="ab \n", min_size=300, max_size=3000))  # one byte a character: a tight test
    trace = Trace(source)
    for stage in ("one", "two"):
        trace.apply(stage, draw(changes_for(trace.text)))
    edits = [replace(e, reason=draw(st.text(alphabet="ab ", min_size=20, max_size=300))) for e in trace.edits]
    return source, DocumentResult(id="d", source="-", text=trace.text, edits=edits)


@settings(max_examples=300)
@given(results())
def test_a_section_is_never_smaller_than_its_floor(run: tuple[str, DocumentResult]) -> None:
    source, result = run
    assert section_floor(result, source) <= len(render_document(result, source).encode("utf-8"))
