"""llama.cpp's log: errors reach stderr, warnings do not (a fake llama.cpp, no model)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from cleaner.spin import lm


def test_only_errors_and_their_continuations_are_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    installed: list[Callable[[int, bytes, Any], None]] = []
    fake = SimpleNamespace(llama_log_callback=lambda f: f, llama_log_set=lambda f, _data: installed.append(f))
    monkeypatch.setattr(lm, "_log_callback", None)
    lm._errors_only(fake)
    lm._errors_only(fake)  # once per process
    (log,) = installed
    for level, text in [
        (3, b"using full-size SWA cache\n"),
        (5, b"more of it\n"),
        (4, b"failed to load"),
        (5, b" model\n"),
    ]:
        log(level, text, None)
    assert capsys.readouterr().err == "failed to load model\n"
