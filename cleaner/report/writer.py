"""The files of a run: ``<id>.txt``, ``<id>.diff``, ``report.json``, its schema and ``report.html``.

Results arrive one at a time and are written as they come; ``report.json`` and
``report.html`` are assembled in temporary files and renamed into place at the end, so a
crashed run never leaves a half report behind, and memory holds only the totals.

A file that cannot be written (disk full) is a :class:`~cleaner.errors.FatalError` naming
the folder: the run cannot go on without its outputs.

Two halves, so that worker processes do most of the work: :class:`DocumentWriter` writes
one document's ``<id>.txt`` and ``<id>.diff`` wherever the document was processed and
renders its parts of the reports; :class:`RunWriter`, in the main process, adds those parts
up in order.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from cleaner.errors import FatalError
from cleaner.inputs import InputFailure, output_name
from cleaner.model import Document, DocumentResult, Report, Summary
from cleaner.report.diff import unified_diff
from cleaner.report.files import atomic_writer, temporary_files, write_atomic
from cleaner.report.html import render_brief, render_document, render_page, section_floor

# report.html shows documents in full up to this size; past it, by their counts only. A browser
# struggles with a page of hundreds of megabytes (a corpus's page is several times its size).
HTML_LIMIT_MB = 50.0


@dataclass(frozen=True)
class Outcome:
    """What the main process needs of one written document: progress, failures and totals."""

    id: str
    source: str
    error: str | None
    changed: bool
    stats: dict[str, dict[str, int]]

    @property
    def failed(self) -> bool:
        """Whether the document could not be processed."""
        return self.error is not None


@dataclass(frozen=True)
class WrittenDocument:
    """One document with its files written and its parts of the reports rendered."""

    outcome: Outcome
    json: bytes  # UTF-8, encoded where the document was processed
    html: bytes
    brief_html: bytes  # the document by its counts only, for a page past its size limit


@dataclass(frozen=True)
class DocumentWriter:
    """Writes one document's files into ``out_dir``; picklable, so workers can run it.

    Called as ``writer(doc, result)``, the shape :meth:`cleaner.pipeline.Pipeline.map` wants.
    The file name is :func:`~cleaner.inputs.output_name` of the id, which the inputs of a
    run keep unique.
    """

    out_dir: Path
    html_limit_mb: float = HTML_LIMIT_MB  # the RunWriter's: a document larger than it is not rendered in full

    def __call__(self, doc: Document | InputFailure, result: DocumentResult) -> WrittenDocument:
        input_text = doc.text if isinstance(doc, Document) else ""
        name = output_name(result.id)
        try:
            if result.failed:  # an earlier run's files for this id would pass for this run's
                for suffix in (".txt", ".diff"):
                    (self.out_dir / f"{name}{suffix}").unlink(missing_ok=True)
            else:
                # Not flushed to disk one by one (too slow for a corpus); each file is still
                # renamed into place whole, and report.json, written last, is flushed.
                diff = unified_diff(result.id, input_text, result.text, result.edits)
                write_atomic(self.out_dir / f"{name}.txt", result.text, durable=False)
                write_atomic(self.out_dir / f"{name}.diff", diff, durable=False)
        except OSError as exc:
            raise _cannot_write(self.out_dir, exc) from None
        outcome = Outcome(result.id, result.source, result.error, bool(result.edits), result.stats)
        # Rendering a section costs several times its size in memory: not for one that cannot fit the page.
        too_long = self.html_limit_mb > 0 and section_floor(result, input_text) > self.html_limit_mb * 2**20
        html = b"" if too_long else render_document(result, input_text).encode("utf-8")
        brief = render_brief(result).encode("utf-8")
        record = result.model_copy(update={"file": None if result.failed else name}).model_dump_json()
        return WrittenDocument(outcome, record.encode("utf-8"), html, brief)


class RunWriter:
    """Writes every result of a run into ``out_dir`` and the reports at :meth:`close`.

    ``report.html`` shows the documents in full until it reaches ``html_limit_mb`` megabytes
    (0: no limit), the rest by their counts only.
    """

    def __init__(self, out_dir: Path, stages: list[str], html_limit_mb: float = HTML_LIMIT_MB) -> None:
        self.out_dir = out_dir
        self.summary = Summary(stages=stages)
        self.html_limit_mb = html_limit_mb
        self._html_room = int(html_limit_mb * 2**20) if html_limit_mb > 0 else None  # bytes left for full sections
        self.brief = 0  # documents shown by their counts only
        self.names: set[str] = set()  # the output file names (stems) of this run's documents
        out_dir.mkdir(parents=True, exist_ok=True)
        # An earlier run's reports would describe texts this run overwrites: were the run cut
        # short, `review` and `apply` would read them as this folder's. They go at once.
        for report in ("report.json", "report.html"):
            (out_dir / report).unlink(missing_ok=True)
        self._json = self._spool()
        self._html = self._spool()
        self._json.write(b'{"documents": [')

    def _spool(self) -> BinaryIO:
        return tempfile.TemporaryFile("w+b", dir=self.out_dir, prefix=".spool.")

    def add(self, result: DocumentResult, input_text: str) -> None:
        """Write one result's cleaned text and diff (unless it failed) and record it."""
        doc = Document(id=result.id, source=result.source, text=input_text)
        self.add_written(DocumentWriter(self.out_dir, self.html_limit_mb)(doc, result))

    def add_written(self, written: WrittenDocument) -> None:
        """Record one document that a :class:`DocumentWriter` wrote, in run order."""
        self._count(written.outcome)
        try:
            if self.summary.documents > 1:
                self._json.write(b",")
            self._json.write(b"\n" + written.json)
            self._html.write(self._html_section(written))
        except OSError as exc:
            raise _cannot_write(self.out_dir, exc) from None

    def _html_section(self, written: WrittenDocument) -> bytes:
        """The document's full section while the page has room for it; from the first that does not fit, brief."""
        if self._html_room is None:
            return written.html
        if not self.brief and written.html and len(written.html) <= self._html_room:
            self._html_room -= len(written.html)
            return written.html
        self.brief += 1
        return written.brief_html

    def earlier_files(self) -> list[str]:
        """``.txt`` and ``.diff`` files in the output folder that name no document of this run
        (an earlier run's, into the same folder); they are left alone."""
        return sorted(
            path.name
            for path in self.out_dir.iterdir()
            if path.suffix in (".txt", ".diff") and path.is_file() and path.stem not in self.names
        )

    def _count(self, outcome: Outcome) -> None:
        self.names.add(output_name(outcome.id))
        summary = self.summary
        summary.documents += 1
        summary.failed += outcome.failed
        summary.changed += outcome.changed
        for stage, counters in outcome.stats.items():
            totals = summary.stats.setdefault(stage, {})
            for key, value in counters.items():
                totals[key] = totals.get(key, 0) + value

    def close(self) -> Summary:
        """Write ``report.json``, ``report.schema.json`` and ``report.html``; return the totals."""
        try:
            self._write_reports()
        except OSError as exc:
            raise _cannot_write(self.out_dir, exc) from None
        self.discard()
        return self.summary

    def _write_reports(self) -> None:
        self._json.write(f'\n],\n"summary": {self.summary.model_dump_json()}}}\n'.encode())
        with atomic_writer(self.out_dir / "report.json") as handle:
            _copy(self._json, handle)
        schema = json.dumps(Report.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
        write_atomic(self.out_dir / "report.schema.json", schema)
        head, tail = render_page(self.summary, self.brief, self.html_limit_mb)
        with atomic_writer(self.out_dir / "report.html") as handle:
            handle.write(head)
            _copy(self._html, handle)
            handle.write(tail)

    def discard(self) -> None:
        """Drop the spooled reports (after :meth:`close`, or when the run is abandoned), and the
        temporary files of document outputs that workers killed mid-write left behind."""
        self._json.close()
        self._html.close()
        for pattern in ("*.txt", "*.diff"):
            for left in temporary_files(self.out_dir, pattern):
                left.unlink(missing_ok=True)


def _cannot_write(out_dir: Path, exc: OSError) -> FatalError:
    msg = f"cannot write the outputs in {out_dir}: {exc.strerror or exc} (free space, or choose another folder)"
    return FatalError(msg)


def _copy(spool: BinaryIO, target: TextIO) -> None:
    """Append the UTF-8 bytes of ``spool`` to the text file ``target``."""
    target.flush()
    spool.seek(0)
    shutil.copyfileobj(spool, target.buffer, 1 << 20)
    target.buffer.flush()
