"""Writing files so that a reader never sees half of one: write beside, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def _process_umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; done once, at import
    os.umask(mask)
    return mask


# mkstemp makes files only their owner can read (0600); an output file gets the mode any new
# file of this process gets (0644 under the usual umask 022).
NEW_FILE_MODE = 0o666 & ~_process_umask()


_TEMPORARY_SUFFIX = ".tmp"


def temporary_files(folder: Path, name_pattern: str) -> Iterator[Path]:
    """The temporary files :func:`atomic_writer` leaves in ``folder`` when its process is killed
    mid-write, for outputs whose names match ``name_pattern`` (a glob: ``"*.txt"``)."""
    return folder.glob(f".{name_pattern}.*{_TEMPORARY_SUFFIX}")


@contextmanager
def atomic_writer(path: Path, durable: bool = True) -> Iterator[TextIO]:
    """Open a temporary file next to ``path``; on success it replaces ``path`` in one step.

    On an exception the temporary file is removed and ``path`` keeps its old content. With
    ``durable`` the data is flushed to disk before the rename, so it survives a power cut,
    not only a crash of this process; that costs milliseconds a file, too much for thousands.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            os.fchmod(handle.fileno(), NEW_FILE_MODE)
            yield handle
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str, durable: bool = True) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8, newlines as given)."""
    with atomic_writer(path, durable) as handle:
        handle.write(text)
