"""Finding the language models' files (the files themselves are the integration tests' business)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cleaner.spin.models import PACKAGED, join_chunks, model_file


def test_a_path_to_a_gguf_file_is_the_model_itself(tmp_path: Path) -> None:
    path = tmp_path / "mine.gguf"
    path.write_bytes(b"GGUF")
    assert model_file(str(path), tmp_path) == path


def test_an_unknown_name_says_what_the_choices_are(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="neither a packaged model") as caught:
        model_file("gpt-17", tmp_path)
    assert all(name in str(caught.value) for name in PACKAGED)


def test_chunks_that_do_not_add_up_leave_no_file_behind(tmp_path: Path) -> None:
    part = tmp_path / "part00"
    part.write_bytes(b"half a model")
    with pytest.raises(ValueError, match="reinstall"):
        join_chunks([part], tmp_path / "models" / "m.gguf", hashlib.sha256(b"a whole model").hexdigest())
    assert list((tmp_path / "models").iterdir()) == []


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_every_packaged_model_is_installed_and_is_a_gguf_file(name: str) -> None:
    from cleaner.stages.spin import SpinConfig

    with model_file(name, SpinConfig().cache_dir).open("rb") as model:
        assert model.read(4) == b"GGUF"
