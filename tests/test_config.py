"""Configuration: defaults, merging a user's file, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.config import load_config
from cleaner.errors import ConfigError
from cleaner.registry import stage_class, stage_names


def test_defaults_load_and_follow_pipeline_order() -> None:
    config = load_config()
    assert list(config.stages) == [s for s in stage_names() if s in config.stages]
    assert set(config.settings) == set(config.stages)


def test_stage_selection_is_put_in_pipeline_order() -> None:
    config = load_config(stages=["boilerplate", "encoding"])
    assert config.stages == ("encoding", "boilerplate")


def test_unknown_stage_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid stages: encoding"):
        load_config(stages=["encodign"])


def test_bad_value_names_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("stages: [encoding]\nencoding:\n  no_such_setting: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(config)
    assert f"{config}:3" in str(info.value)
    assert "encoding.no_such_setting" in str(info.value)


def test_unknown_section_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("encodnig: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown section"):
        load_config(config)


def test_yaml_syntax_error_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("stages: [encoding\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(config)


@pytest.mark.parametrize(
    "data",
    [
        "boilerplate:\n  keep_title: false  # café\n".encode("latin-1"),
        b"\xff\xfe" + "encoding: {}\n".encode("utf-16-le"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_a_config_file_that_is_not_utf8_is_a_config_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "cfg.yaml"
    path.write_bytes(data)
    with pytest.raises(
        ConfigError, match=r"cfg\.yaml is not UTF-8 text \(byte \d+ is not valid UTF-8\); save it as UTF-8"
    ):
        load_config(path)


def test_duplicate_registration_is_refused() -> None:
    from cleaner.registry import register
    from cleaner.stages.base import Stage

    existing = stage_class("encoding")
    impostor = type("Impostor", (Stage,), {"name": existing.name, "order": 99, "process": existing.process})
    with pytest.raises(ValueError, match="two stages"):
        register(impostor)


def test_a_review_section_is_left_for_cleaner_apply(tmp_path: Path) -> None:
    config = tmp_path / "workflow.yaml"
    config.write_text("stages: [encoding]\nreview:\n  undecided_flags: ignore\n", encoding="utf-8")
    assert load_config(config).stages == ("encoding",)


def test_a_misspelt_setting_of_a_stage_not_run_is_refused(tmp_path: Path) -> None:
    """It passed unnoticed until the stage ran; its values are still checked only then."""
    config = tmp_path / "c.yaml"
    config.write_text("spin:\n  treshold: 0.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"c\.yaml:2: unknown setting\(s\) treshold in `spin`"):
        load_config(config, stages=["encoding"])
    config.write_text("spin:\n  threshold: 0.5\n  model: /nowhere.gguf\n", encoding="utf-8")
    assert load_config(config, stages=["encoding"]).stages == ("encoding",)
