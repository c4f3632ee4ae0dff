"""Atomic writes: the file appears whole, with the mode any new file of the process gets."""

from __future__ import annotations

import stat
from pathlib import Path

from cleaner.report.files import write_atomic


def test_a_written_file_has_the_mode_of_any_new_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    written = tmp_path / "out" / "doc.txt"
    write_atomic(written, "cleaned\n")
    assert written.read_text(encoding="utf-8") == "cleaned\n"
    assert stat.S_IMODE(written.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert [p.name for p in written.parent.iterdir()] == ["doc.txt"]  # no temporary file left
