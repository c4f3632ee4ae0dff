"""Reading the inputs of a run: text files, folders, JSONL files and standard input.

Documents are produced one at a time, so a corpus never has to fit in memory. A file that
cannot be read or decoded becomes an :class:`InputFailure` carrying the reason; the run
reports it and goes on. Inputs are only ever opened for reading.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.decode import decode_bytes
from cleaner.errors import ConfigError, DocumentError
from cleaner.model import Document

STDIN = "-"
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be turned into a document, and why."""

    id: str
    source: str
    reason: str


def check_inputs(inputs: Sequence[str]) -> list[str]:
    """Fail early, with a usage error, on inputs that do not exist."""
    missing = [item for item in inputs if item != STDIN and not Path(item).exists()]
    if missing:
        msg = f"no such file or folder: {', '.join(missing)}"
        raise ConfigError(msg)
    return list(inputs)


def _files(inputs: Sequence[str]) -> Iterator[str | Path]:
    for item in inputs:
        if item == STDIN:
            yield STDIN
            continue
        path = Path(item)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES + JSONL_SUFFIXES)
            yield from sorted(found)
        else:
            yield path


def iter_documents(inputs: Sequence[str], stdin_data: bytes | None = None) -> Iterator[Document | InputFailure]:
    """Every document in ``inputs``, in order; ids are made unique within the run.

    ``stdin_data`` lets a caller that needs two passes read standard input once.
    """
    seen: dict[str, int] = {}
    for item in _files(inputs):
        for doc in _read(item, stdin_data):
            count = seen.get(doc.id, 0) + 1
            seen[doc.id] = count
            if count > 1:
                doc = _renamed(doc, f"{doc.id}~{count}")
            yield doc


def _renamed(doc: Document | InputFailure, new_id: str) -> Document | InputFailure:
    if isinstance(doc, Document):
        return doc.model_copy(update={"id": new_id})
    return InputFailure(id=new_id, source=doc.source, reason=doc.reason)


def _read(item: str | Path, stdin_data: bytes | None) -> Iterator[Document | InputFailure]:
    if item == STDIN:
        data = stdin_data if stdin_data is not None else sys.stdin.buffer.read()
        yield _decoded("stdin", STDIN, data)
        return
    path = Path(item)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputFailure(id=path.stem, source=str(path), reason=f"cannot read the file: {exc.strerror}")
        return
    if path.suffix in JSONL_SUFFIXES:
        yield from _jsonl(path, data)
    else:
        yield _decoded(path.stem, str(path), data)


def _decoded(doc_id: str, source: str, data: bytes) -> Document | InputFailure:
    try:
        text, encoding = decode_bytes(data)
    except DocumentError as exc:
        return InputFailure(id=doc_id, source=source, reason=str(exc))
    return Document(id=doc_id, source=source, text=text, metadata={"encoding": encoding})


def _jsonl(path: Path, data: bytes) -> Iterator[Document | InputFailure]:
    try:
        text, _encoding = decode_bytes(data)
    except DocumentError as exc:
        yield InputFailure(id=path.stem, source=str(path), reason=str(exc))
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputFailure(id=f"{path.stem}:{number}", source=source, reason=f"not valid JSON: {exc.msg}")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "id" not in record:
            reason = 'each JSONL line needs an object with "id" and a string "text"'
            yield InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
            continue
        metadata = {k: v for k, v in record.items() if k not in ("id", "text")}
        yield Document(id=str(record["id"]), source=source, text=record["text"], metadata=metadata)


def output_name(doc_id: str) -> str:
    """A file name for a document id that is safe in any folder.

    >>> output_name("000_1d58")
    '000_1d58'
    >>> output_name("../etc/passwd")
    '_etc_passwd'
    """
    return _UNSAFE_NAME.sub("_", doc_id).lstrip(".") or "document"
