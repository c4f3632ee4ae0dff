"""The files of a run: ``<id>.txt``, ``<id>.diff``, ``report.json``, its schema and ``report.html``.

Results arrive one at a time and are written as they come; ``report.json`` and
``report.html`` are assembled in temporary files and renamed into place at the end, so a
crashed run never leaves a half report behind, and memory holds only the totals.
"""

from __future__ import annotations

import difflib
import json
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cleaner.inputs import InputFailure, output_name
from cleaner.model import Document, DocumentResult, Report, Summary
from cleaner.report.files import atomic_writer, write_atomic
from cleaner.report.html import render_document, render_page


def unified_diff(doc_id: str, before: str, after: str) -> str:
    """A unified diff of the input against the cleaned text, line by line.

    >>> print(unified_diff("d", "a\\nb\\n", "a\\n"), end="")
    --- d/input
    +++ d/cleaned
    @@ -1,2 +1 @@
     a
    -b
    """
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{doc_id}/input",
        tofile=f"{doc_id}/cleaned",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


@dataclass(frozen=True)
class RenderedDocument:
    """One result with its report pieces already rendered (this can happen in a worker)."""

    result: DocumentResult
    json: str
    html: str
    diff: str


def render_result(result: DocumentResult, input_text: str) -> RenderedDocument:
    """Render what the writer needs of one result; pure, so workers can do it in parallel."""
    diff = "" if result.failed else unified_diff(result.id, input_text, result.text)
    return RenderedDocument(result, result.model_dump_json(), render_document(result, input_text), diff)


def render_document_result(doc: Document | InputFailure, result: DocumentResult) -> RenderedDocument:
    """:func:`render_result` in the shape :meth:`cleaner.pipeline.Pipeline.map` calls it."""
    return render_result(result, doc.text if isinstance(doc, Document) else "")


class RunWriter:
    """Writes every result of a run into ``out_dir`` and the reports at :meth:`close`."""

    def __init__(self, out_dir: Path, stages: list[str]) -> None:
        self.out_dir = out_dir
        self.summary = Summary(stages=stages)
        self._names: Counter[str] = Counter()
        out_dir.mkdir(parents=True, exist_ok=True)
        self._json = self._spool()
        self._html = self._spool()
        self._json.write('{"documents": [')

    def _spool(self) -> TextIO:
        return tempfile.TemporaryFile("w+", encoding="utf-8", dir=self.out_dir, prefix=".spool.")

    def add(self, result: DocumentResult, input_text: str) -> None:
        """Record one result; write its cleaned text and diff unless it failed."""
        self.add_rendered(render_result(result, input_text))

    def add_rendered(self, rendered: RenderedDocument) -> None:
        """Record one result rendered by :func:`render_result`."""
        result = rendered.result
        self._count(result)
        if not result.failed:
            # Not flushed to disk one by one (too slow for a corpus); each file is still
            # renamed into place whole, and report.json, written last, is flushed.
            name = self._file_name(result.id)
            write_atomic(self.out_dir / f"{name}.txt", result.text, durable=False)
            write_atomic(self.out_dir / f"{name}.diff", rendered.diff, durable=False)
        if self.summary.documents > 1:
            self._json.write(",")
        self._json.write("\n" + rendered.json)
        self._html.write(rendered.html)

    def _file_name(self, doc_id: str) -> str:
        name = output_name(doc_id)
        self._names[name] += 1
        return name if self._names[name] == 1 else f"{name}~{self._names[name]}"

    def _count(self, result: DocumentResult) -> None:
        summary = self.summary
        summary.documents += 1
        summary.failed += result.failed
        summary.changed += bool(result.edits)
        for stage, counters in result.stats.items():
            totals = summary.stats.setdefault(stage, {})
            for key, value in counters.items():
                totals[key] = totals.get(key, 0) + value

    def close(self) -> Summary:
        """Write ``report.json``, ``report.schema.json`` and ``report.html``; return the totals."""
        self._json.write("\n],\n" + f'"summary": {self.summary.model_dump_json()}' + "}\n")
        with atomic_writer(self.out_dir / "report.json") as handle:
            _copy(self._json, handle)
        schema = json.dumps(Report.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.out_dir / "report.schema.json", schema)
        head, tail = render_page(self.summary)
        with atomic_writer(self.out_dir / "report.html") as handle:
            handle.write(head)
            _copy(self._html, handle)
            handle.write(tail)
        self.discard()
        return self.summary

    def discard(self) -> None:
        """Drop the spooled reports (after :meth:`close`, or when the run is abandoned)."""
        self._json.close()
        self._html.close()


def _copy(spool: TextIO, target: TextIO) -> None:
    spool.seek(0)
    while block := spool.read(1 << 20):
        target.write(block)
