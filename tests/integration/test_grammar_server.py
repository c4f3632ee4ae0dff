"""The grammar stage against a real LanguageTool server (installed by `make setup`)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cleaner.config import PipelineConfig
from cleaner.errors import ConfigError, DocumentError, FatalError
from cleaner.languagetool import CheckOptions, LanguageToolClient, LanguageToolServer, default_lib_dir, is_healthy
from cleaner.model import Document
from cleaner.pipeline import Pipeline
from cleaner.stages.grammar import GrammarConfig, GrammarStage
from cleaner.trace import Trace, apply_edits, revert_edits

pytestmark = pytest.mark.integration

SAMPLE = "He he went there , and came back.\n\nThe committee have met in Parris yesterday.\n\nAll is well."


@pytest.fixture(scope="session")
def server() -> Iterator[LanguageToolServer]:
    """One real server for the session, started from tools/languagetool/lib like the stage does."""
    with LanguageToolServer() as running:
        yield running


def stage_for(server: LanguageToolServer, tmp_path: Path, **settings: Any) -> GrammarStage:
    config = {"server_url": server.url, "cache_dir": tmp_path / "cache", **settings}
    stage = GrammarStage(GrammarConfig.model_validate(config))
    stage.start_run()
    return stage


def doc(text: str, name: str = "d") -> Document:
    return Document(id=name, source="-", text=text)


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port``, from /proc/net/tcp{,6}."""
    found = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(socket.AF_INET if size == 4 else socket.AF_INET6, words))
    return found


def test_the_server_listens_on_loopback_only(server: LanguageToolServer) -> None:
    addresses = _listening_addresses(server.port)
    assert addresses, "the server's port is not listed as listening"
    assert addresses <= {"127.0.0.1", "::ffff:127.0.0.1", "::1"}, addresses


def test_real_matches_become_flags_at_the_right_places(server: LanguageToolServer, tmp_path: Path) -> None:
    result = stage_for(server, tmp_path).process(SAMPLE, doc(SAMPLE))
    found = {(f.rule, f.text, f.kind) for f in result.flags}
    assert ("lt:ENGLISH_WORD_REPEAT_RULE", "He he", "grammar") in found
    assert ("lt:COMMA_PARENTHESIS_WHITESPACE", " ,", "typography") in found
    assert ("lt:MORFOLOGIK_RULE_EN_US", "Parris", "spelling") in found
    assert all(SAMPLE[f.start : f.end] == f.text for f in result.flags)
    assert all(f.evidence["languagetool"] == server.version for f in result.flags)


def test_a_rerun_is_answered_from_the_cache(server: LanguageToolServer, tmp_path: Path) -> None:
    first = stage_for(server, tmp_path).process(SAMPLE, doc(SAMPLE))
    again = stage_for(server, tmp_path).process(SAMPLE, doc(SAMPLE))
    assert first.stats["paragraphs_checked"] == 3
    assert (again.stats["paragraphs_checked"], again.stats["paragraphs_cached"]) == (0, 3)
    assert again.flags == first.flags


def test_config_turns_rules_and_categories_off(server: LanguageToolServer, tmp_path: Path) -> None:
    stage = stage_for(server, tmp_path, disabled_rules=["ENGLISH_WORD_REPEAT_RULE"], disabled_categories=["TYPOS"])
    rules = {f.rule for f in stage.process(SAMPLE, doc(SAMPLE)).flags}
    assert "lt:COMMA_PARENTHESIS_WHITESPACE" in rules
    assert not rules & {"lt:ENGLISH_WORD_REPEAT_RULE", "lt:MORFOLOGIK_RULE_EN_US"}


def test_a_made_up_name_recurring_in_the_run_is_accepted(server: LanguageToolServer, tmp_path: Path) -> None:
    texts = ["Minister Quorvandel met the press.", "Quorvandel left early. Talks with Brelzanik went on."]
    stage = stage_for(server, tmp_path)
    for text in texts:
        stage.survey(text)
    spelled = [f.text for f in stage.process(texts[1], doc(texts[1])).flags if f.kind == "spelling"]
    assert spelled == ["Brelzanik"]


def test_safe_fixes_are_applied_when_configured(server: LanguageToolServer, tmp_path: Path) -> None:
    text = "He he went there , and came back."
    result = stage_for(server, tmp_path, apply_fixes=True).process(text, doc(text))
    trace = Trace(text)
    trace.apply("grammar", result.changes)
    assert trace.text == "He went there, and came back."
    assert apply_edits(text, trace.edits) == trace.text
    assert revert_edits(trace.text, trace.edits) == text


def test_worker_processes_give_the_same_flags(server: LanguageToolServer, tmp_path: Path) -> None:
    docs = [doc(SAMPLE.replace("Parris", f"Parris{i}"), f"d{i}") for i in range(6)]
    config = PipelineConfig(
        stages=("grammar",), settings={"grammar": GrammarConfig(server_url=server.url, cache=False)}
    )
    with Pipeline(config) as pipeline:
        one = [r.flags for r in pipeline.run(docs, jobs=1)]
        two = [r.flags for r in pipeline.run(docs, jobs=2)]
    assert one == two and all(one)


def test_the_client_never_downloads_languagetool(server: LanguageToolServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import language_tool_python.download_lt as download_lt
    import language_tool_python.server as lt_server

    def refuse(*args: object, **kwargs: object) -> None:
        msg = "language-tool-python tried to download or start LanguageTool"
        raise AssertionError(msg)

    monkeypatch.setattr(download_lt, "http_get", refuse)
    monkeypatch.setattr(download_lt, "download_lt", refuse)
    monkeypatch.setattr(lt_server, "LocalLanguageTool", refuse)
    client = LanguageToolClient(server.url, CheckOptions())
    assert [m.rule_id for m in client.check("He he went.")] == ["ENGLISH_WORD_REPEAT_RULE"]


def test_a_crashed_server_is_restarted_once_then_documents_fail(tmp_path: Path) -> None:
    stage = GrammarStage(GrammarConfig(cache=False, max_restarts=1))
    stage.start_run()
    try:
        server = stage._server
        assert server is not None
        assert stage.process("He he left.", doc("")).flags
        server.kill_for_test()
        retried = stage.process("She she came.", doc(""))  # waits for the restart, then retries
        assert [f.text for f in retried.flags] == ["She she"]
        assert (retried.stats["retries"], server.restarts) == (1, 1)
        server.kill_for_test()
        with pytest.raises(DocumentError, match="restart"):
            stage.process("They they went.", doc(""))
        with pytest.raises(DocumentError, match="since an earlier document"):
            stage.process("Fine.", doc(""))
    finally:
        stage.end_run()
    assert not is_healthy(server.url)


def test_worker_processes_learn_that_the_server_is_gone_for_good(tmp_path: Path) -> None:
    """A worker holds no handle on the server: it reads the watchdog's verdict from the run's
    failure file, instead of waiting `start_timeout` for a server that will not come back."""
    config = PipelineConfig(
        stages=("grammar",), settings={"grammar": GrammarConfig(cache=False, max_restarts=0, start_timeout=120)}
    )
    docs = [doc(f"He he left on day {i}.", f"d{i}") for i in range(4)]
    with Pipeline(config) as pipeline:
        stage = pipeline.stages[0]
        assert isinstance(stage, GrammarStage)
        server = stage._server
        assert server is not None and server.failure_path is not None
        run_dir = server.failure_path.parent
        server.kill_for_test()
        while server.failure is None and server.alive():  # the watchdog gives up at once (no restarts allowed)
            time.sleep(0.1)
        results = list(pipeline.run(docs, jobs=2))
    assert all(r.error is not None and "died (exit code" in r.error for r in results)
    assert not run_dir.exists()  # the run's folder goes with the server


def test_a_killed_runs_server_folder_is_removed_by_the_next_start(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the next start removes folders whose process is gone."""
    with subprocess.Popen(["sleep", "0"]) as gone:
        gone.wait()
    orphan = Path(tempfile.gettempdir()) / f"languagetool-{gone.pid}-test"
    orphan.mkdir()
    (orphan / "server.log").write_text("left by a killed run")
    mine = Path(tempfile.mkdtemp(prefix=f"languagetool-{os.getpid()}-"))  # a live process's: kept
    try:
        with LanguageToolServer(start_timeout=120) as running:
            assert running.failure_path is not None and running.failure_path.parent.is_dir()
        assert not orphan.exists()
        assert mine.is_dir()
    finally:
        shutil.rmtree(orphan, ignore_errors=True)
        shutil.rmtree(mine, ignore_errors=True)


def test_a_server_that_cannot_start_is_a_fatal_error_with_its_log(tmp_path: Path) -> None:
    (tmp_path / "languagetool-server-0.jar").write_bytes(b"not a jar")
    with pytest.raises(FatalError, match=r"did not start.*exited.*\n.*server log"):
        LanguageToolServer(tmp_path, start_timeout=60).start()


def test_the_installed_jars_are_english_only() -> None:
    """English, plus the three small modules 6.8's server needs to start (see tools/languagetool/pom.xml)."""
    jars = {p.name for p in default_lib_dir().glob("*.jar")}
    modules = {name.split("-")[1] for name in jars if re.fullmatch(r"language-[a-z]{2,3}-[\d.]+\.jar", name)}
    assert modules == {"en", "es", "ca", "pt"}
    assert not any(name.startswith(("spanish-pos", "catalan-pos", "portuguese-pos")) for name in jars)


def test_a_language_the_server_does_not_know_is_a_config_error(server: LanguageToolServer, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"grammar.language: LanguageTool does not know 'xx-YY'.*en-gb"):
        stage_for(server, tmp_path, language="xx-YY")
    with pytest.raises(ConfigError, match="does not know 'en_GB'"):  # the HTTP API wants en-GB
        stage_for(server, tmp_path, language="en_GB")
    stage_for(server, tmp_path, language="en-GB").end_run()
