"""Reading the inputs of a run: text files, folders, JSONL files and standard input.

Documents are produced one at a time, so a corpus never has to fit in memory. A file that
cannot be read or decoded becomes an :class:`InputFailure` carrying the reason; the run
reports it and goes on. Inputs are only ever opened for reading.

:func:`iter_sources` lists the inputs without reading the text files: each is a
:class:`TextFile` that :func:`load` reads where the document is processed, so worker
processes read and decode in parallel. :func:`iter_documents` reads as it goes. An input
that can be read only once (standard input, a pipe, ``<(...)`` in a shell) is read by
:func:`read_streams` first, so that a run can go over the inputs twice.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.decode import decode_bytes
from cleaner.errors import ConfigError, DocumentError
from cleaner.model import Document

STDIN = "-"
TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl",)
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
# File systems allow 255 bytes a name; <name>.diff and its temporary file (.<name>.diff.XXXXXXXX.tmp)
# must fit, and ids are often URLs or titles in scripts of several bytes a letter.
MAX_NAME_BYTES = 160


@dataclass(frozen=True)
class InputFailure:
    """An input that could not be turned into a document, and why."""

    id: str
    source: str
    reason: str


@dataclass(frozen=True)
class TextFile:
    """A text file of the run, not read yet: :func:`load` reads and decodes it."""

    id: str
    path: Path


Source = Document | InputFailure | TextFile


def check_inputs(inputs: Sequence[str]) -> list[str]:
    """Fail early, with a usage error, on inputs that do not exist."""
    missing = [item for item in inputs if item != STDIN and not Path(item).exists()]
    if missing:
        msg = f"no such file or folder: {', '.join(missing)}"
        raise ConfigError(msg)
    if list(inputs).count(STDIN) > 1:
        msg = f"standard input ({STDIN}) can be read once only: give it once"
        raise ConfigError(msg)
    return list(inputs)


def _files(inputs: Sequence[str]) -> Iterator[str | Path]:
    for item in inputs:
        if item == STDIN:
            yield STDIN
            continue
        path = Path(item)
        if path.is_dir():
            wanted = TEXT_SUFFIXES + JSONL_SUFFIXES  # whatever the case: A.TXT is a text file too
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted)
            yield from sorted(found)
        else:
            yield path


Streams = Mapping[str | Path, bytes]


def read_streams(inputs: Sequence[str], pipes: bool = True) -> dict[str | Path, bytes]:
    """The bytes of the inputs that can be read only once: standard input, and with ``pipes``
    anything that is neither a file nor a folder (a named pipe, ``/dev/fd/63`` from a shell's
    ``<(...)``). Give them to :func:`iter_sources` to go over the inputs more than once; a run
    that goes over them once can leave the pipes out, and a JSONL corpus in one is then read
    a line at a time."""
    streams: dict[str | Path, bytes] = {}
    for item in inputs:
        if item == STDIN:
            streams[STDIN] = sys.stdin.buffer.read()
        elif pipes and not Path(item).is_file() and not Path(item).is_dir():
            try:
                streams[Path(item)] = Path(item).read_bytes()
            except OSError as exc:
                msg = f"cannot read {item}: {exc.strerror or exc}"
                raise ConfigError(msg) from None
    return streams


def iter_sources(inputs: Sequence[str], streams: Streams | None = None) -> Iterator[Source]:
    """Every document in ``inputs``, in order, text files not yet read.

    Ids are made unique within the run as file names (see :func:`output_name`): a later
    document whose name is taken gets ``~2``, ``~3``... ``streams`` (:func:`read_streams`)
    holds the inputs that can be read only once, for a caller that goes over them twice.
    """
    taken: dict[str, int] = {}  # file name -> the first ~N to try for a later document wanting it
    for item in _files(inputs):
        for source in _sources(item, streams or {}):
            yield _unique(source, taken)


def iter_documents(inputs: Sequence[str], streams: Streams | None = None) -> Iterator[Document | InputFailure]:
    """:func:`iter_sources`, each read and decoded as it comes."""
    return map(load, iter_sources(inputs, streams))


def load(source: Source) -> Document | InputFailure:
    """The document of ``source``: a :class:`TextFile` is read and decoded, others pass through."""
    if not isinstance(source, TextFile):
        return source
    data = _read_bytes(source.id, source.path)
    return data if isinstance(data, InputFailure) else _decoded(source.id, str(source.path), data)


def _read_bytes(doc_id: str, path: Path) -> bytes | InputFailure:
    try:
        return path.read_bytes()
    except OSError as exc:
        return InputFailure(id=doc_id, source=str(path), reason=f"cannot read the file: {exc.strerror}")


def _unique(source: Source, taken: dict[str, int]) -> Source:
    """``source``, renamed ``<id>~N`` if its file name is in ``taken``; adds the name it gets there.

    The ``~N`` name is checked too: ``a~2`` is the file ``a_2``, which may be taken already.
    """
    name = output_name(source.id)
    if name in taken:
        number = taken[name]
        while output_name(f"{source.id}~{number}") in taken:
            number += 1
        taken[name] = number + 1
        source = _renamed(source, f"{source.id}~{number}")
        name = output_name(source.id)
    taken[name] = 2
    return source


def _renamed(source: Source, new_id: str) -> Source:
    if isinstance(source, Document):
        return source.model_copy(update={"id": new_id})
    if isinstance(source, TextFile):
        return TextFile(id=new_id, path=source.path)
    return InputFailure(id=new_id, source=source.source, reason=source.reason)


def _sources(item: str | Path, streams: Streams) -> Iterator[Source]:
    if item == STDIN:
        data = streams[STDIN] if STDIN in streams else sys.stdin.buffer.read()
        yield _decoded("stdin", STDIN, data)
        return
    path = Path(item)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _jsonl(path, streams.get(path))
    elif path in streams:
        yield _decoded(path.stem, str(path), streams[path])
    else:
        yield TextFile(id=path.stem, path=path)


def _decoded(doc_id: str, source: str, data: bytes) -> Document | InputFailure:
    try:
        text, encoding = decode_bytes(data)
    except DocumentError as exc:
        return InputFailure(id=doc_id, source=source, reason=str(exc))
    return Document(id=doc_id, source=source, text=text, metadata={"encoding": encoding})


def _jsonl(path: Path, data: bytes | None = None) -> Iterator[Document | InputFailure]:
    """The records of a JSONL file, read a line at a time (a corpus may not fit in memory), or
    of its ``data`` when it was read already (:func:`read_streams`).

    Records end at ``\n`` only: JSON strings may hold U+2028 or U+0085, which
    :meth:`str.splitlines` would cut. A line that is not UTF-8 is decoded as a text file would
    be (:func:`decode_bytes`); a file with a UTF-16 or UTF-32 byte-order mark is read in it.
    """
    try:
        with path.open("rb") if data is None else io.BufferedReader(io.BytesIO(data)) as handle:
            lines, wide = _jsonl_lines(handle)
            for number, line in enumerate(lines, start=1):
                decoded = _line_text(line) if wide is None else (line, wide)
                if isinstance(decoded, DocumentError):
                    yield InputFailure(id=f"{path.stem}:{number}", source=f"{path}:{number}", reason=str(decoded))
                elif decoded[0].strip():
                    yield _record(path, number, *decoded)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not valid {exc.encoding}"
        yield InputFailure(id=path.stem, source=str(path), reason=f"cannot read the file: {reason}")


def _line_text(line: bytes | str) -> tuple[str, str | None] | DocumentError:
    """A JSONL line as text, and its encoding when it is not UTF-8 (as JSON Lines are) but was
    decoded as a text file would be.

    >>> _line_text(b'{"id": 1}\\n'), _line_text("caf\\xe9".encode("cp1252"))
    (('{"id": 1}\\n', None), ('café', 'latin-1'))
    """
    if isinstance(line, str):
        return line, None
    try:
        return line.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return decode_bytes(line)
    except DocumentError as exc:
        return exc


def _jsonl_lines(handle: io.BufferedReader[Any]) -> tuple[Iterator[bytes | str], str | None]:
    """The lines of a JSONL file, and the name of its encoding when a byte-order mark names a
    UTF-16/32 one (``utf-16-le+bom``, as :func:`decode_bytes` names it): then the lines are text,
    else bytes."""
    head = handle.peek(4)[:4]
    wide = next(((codec, name) for bom, codec, name in _WIDE_BOMS if head.startswith(bom)), None)
    if wide is not None:
        return iter(io.TextIOWrapper(handle, encoding=wide[0], newline="\n")), wide[1]
    return (line.removeprefix(codecs.BOM_UTF8) if number == 0 else line for number, line in enumerate(handle)), None


# Byte-order marks that change how lines split, longest first (UTF-32-LE starts like UTF-16-LE):
# the mark, the codec that reads it, and the encoding's name in the metadata.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le+bom"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be+bom"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le+bom"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be+bom"),
)


def _usable_id(value: object) -> bool:
    """Whether a JSONL ``id`` can name a document: a string or number, not empty. The id is the
    key a user joins the outputs on; ``null`` would become the id "None".

    >>> [_usable_id(v) for v in ("a", 7, "", None, True, [1])]
    [True, True, False, False, False, False]
    """
    return isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip() != ""


def _record(path: Path, number: int, line: str, encoding: str | None = None) -> Document | InputFailure:
    """The document of line ``number`` of a JSONL file, or why it is not one; a line that was
    not UTF-8 names its ``encoding`` in the metadata (unless the record has that field)."""
    source = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputFailure(id=f"{path.stem}:{number}", source=source, reason=f"not valid JSON: {exc.msg}")
    except RecursionError:
        reason = "JSON nested deeper than Python can read"
        return InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
    except ValueError:  # Python refuses to read a whole number of over 4,300 digits
        reason = "a number too long for Python to read (over 4,300 digits); write it as a string"
        return InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not _usable_id(record.get("id")):
        reason = 'each JSONL line needs an object with an "id" (a string or number, not empty) and a string "text"'
        return InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
    for field, value in record.items():  # JSON's \uD800 escapes can spell what no UTF-8 file can hold
        strings = _strings(value)
        if strings is None:
            reason = f'"{field}" is nested more than {MAX_NESTING} levels deep: the report could not hold it'
            return InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
        problem = next(filter(None, map(surrogate_problem, [field, *strings])), None)
        if problem is not None:
            reason = f'"{field}": {problem}; in JSON, a \\uD8xx escape must be followed by its \\uDCxx pair'
            return InputFailure(id=f"{path.stem}:{number}", source=source, reason=reason)
    metadata = {k: v for k, v in record.items() if k not in ("id", "text")}
    if encoding is not None:
        metadata.setdefault("encoding", encoding)
    return Document(id=str(record["id"]), source=source, text=record["text"], metadata=metadata)


def surrogate_problem(text: str) -> str | None:
    """Why ``text`` cannot be written as UTF-8, when it holds a UTF-16 surrogate code point.

    >>> surrogate_problem("fine"), surrogate_problem("lone \\ud800 half")
    (None, 'a lone UTF-16 surrogate (U+D800) at character 5, which no UTF-8 file can hold')
    """
    found = _SURROGATE.search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return f"a lone UTF-16 surrogate ({code}) at character {found.start()}, which no UTF-8 file can hold"


# How deep a JSONL record's metadata may nest. Python's JSON writer recurses once per level, so
# a value that only just parsed would break the report of the whole run.
MAX_NESTING = 100


def _strings(value: object) -> list[str] | None:
    """Every string inside a JSON value, keys included; ``None`` if it nests deeper than :data:`MAX_NESTING`.

    >>> _strings({"a": ["b", 1, {"c": "d"}]}), _strings(json.loads("[" * 101 + "]" * 101))
    (['a', 'b', 'c', 'd'], None)
    """
    found: list[str] = []
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_NESTING:
            return None
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                stack += [(inner, depth + 1), (key, depth)]
        elif isinstance(item, list):
            stack += [(inner, depth + 1) for inner in reversed(item)]
    return found


def output_name(doc_id: str) -> str:
    """A file name for a document id that is safe in any folder.

    >>> output_name("000_1d58")
    '000_1d58'
    >>> output_name("../etc/passwd"), output_name(".."), output_name("..~2")
    ('document_etc_passwd', 'document', 'document_2')

    A name longer than :data:`MAX_NAME_BYTES` is cut, and a hash of the whole id keeps it apart:

    >>> name = output_name("https://example.com/" + "slug-" * 40)
    >>> len(name), name[:24], name[-13:]
    (160, 'https_example.com_slug-s', '_844729cf45d2')
    """
    name = _UNSAFE_NAME.sub("_", doc_id).lstrip(".")
    if not name or (doc_id.startswith(".") and not name[0].isalnum()):  # "..", its repeat "..~2"
        name = "document" + name
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:12]
    head = name.encode("utf-8")[: MAX_NAME_BYTES - len(digest) - 1].decode("utf-8", errors="ignore")
    return f"{head}_{digest}"
