"""The subcommands as a user runs them: `cleaner review` in its own process, option handling."""

from __future__ import annotations

import argparse
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.errors import ConfigError
from cleaner.review.commands import apply_config
from tests.review.runs import ARTICLE, make_run


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_cleaner_review_prints_a_one_time_link(tmp_path: Path) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    command = [sys.executable, "-m", "cleaner.cli", "review", str(out)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = line.split(" at ", 1)[1].strip()
            assert url.startswith("http://127.0.0.1:") and "?token=" in url
            opener = urllib.request.build_opener(_NoRedirect)
            with pytest.raises(urllib.error.HTTPError) as first:
                opener.open(url, timeout=10)
            assert first.value.code == 303 and "HttpOnly" in first.value.headers["Set-Cookie"]
            with pytest.raises(urllib.error.HTTPError) as second:
                opener.open(url, timeout=10)
            assert second.value.code == 403
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_commands_need_a_finished_run(tmp_path: Path) -> None:
    assert main(["apply", str(tmp_path)]) == 2
    assert main(["review", str(tmp_path)]) == 2


def test_config_section_and_options(tmp_path: Path) -> None:
    config = tmp_path / "review.yaml"
    config.write_text("review:\n  undecided_flags: apply\n  min_score: 0.8\n", encoding="utf-8")
    args = argparse.Namespace(config=config, undecided_changes="revert", undecided_flags=None, min_score=None)
    settings = apply_config(args)
    assert (settings.undecided_changes, settings.undecided_flags, settings.min_score) == ("revert", "apply", 0.8)
    config.write_text("review:\n  undecided_flags: always\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"review\.undecided_flags"):
        apply_config(args)


def test_a_minimum_score_without_applying_flags_is_refused() -> None:
    """--min-score alone did nothing, silently: undecided flags are skipped by default."""
    args = argparse.Namespace(config=None, undecided_changes=None, undecided_flags=None, min_score=0.6)
    with pytest.raises(ConfigError, match="--undecided-flags apply"):
        apply_config(args)
    args.undecided_flags = "apply"
    assert apply_config(args).min_score == 0.6
