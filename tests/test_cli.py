"""End to end: the real `cleaner run` on real files, its outputs and exit codes."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleaner import cli
from cleaner.inputs import output_name
from cleaner.model import Report
from cleaner.report import writer
from cleaner.review.state import ReviewState
from cleaner.trace import apply_edits, revert_edits

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STAGES = "encoding,boilerplate"


def cleaner(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "cleaner.cli", *map(str, args)]
    return subprocess.run(command, input=stdin, capture_output=True, check=False, cwd=ROOT)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = cleaner("run", SEEDS, "--out", out, "--stages", STAGES)
    assert result.returncode == 0, result.stderr.decode()
    return out


def test_run_writes_every_output(seeds_run: Path) -> None:
    stems = sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert sorted(p.stem for p in seeds_run.glob("*.txt")) == stems
    assert sorted(p.stem for p in seeds_run.glob("*.diff")) == stems
    for name in ("report.json", "report.schema.json", "report.html"):
        assert (seeds_run / name).stat().st_size > 0
    assert not list(seeds_run.glob(".*")), "temporary files left behind"


def test_report_replays_to_the_outputs_and_back_to_the_inputs(seeds_run: Path) -> None:
    report = Report.model_validate_json((seeds_run / "report.json").read_text(encoding="utf-8"))
    assert report.summary.documents == 5
    for doc in report.documents:
        original = (SEEDS / f"{doc.id}.txt").read_text(encoding="utf-8")
        cleaned = (seeds_run / f"{doc.id}.txt").read_text(encoding="utf-8")
        assert doc.text == cleaned
        assert apply_edits(original, doc.edits) == cleaned
        assert revert_edits(cleaned, doc.edits) == original


def test_schema_describes_the_report(seeds_run: Path) -> None:
    schema = json.loads((seeds_run / "report.schema.json").read_text(encoding="utf-8"))
    assert set(schema["properties"]) == {"documents", "summary"}
    edit_fields = set(schema["$defs"]["Edit"]["properties"])
    assert edit_fields == {"stage", "rule", "source_start", "source_end", "before", "after", "reason"}


def test_diff_is_a_unified_diff_of_input_and_output(seeds_run: Path) -> None:
    diff = (seeds_run / "003_cfee6d18c5fdc5a8.diff").read_text(encoding="utf-8")
    assert diff.startswith("--- 003_cfee6d18c5fdc5a8/input\n+++ 003_cfee6d18c5fdc5a8/cleaned\n@@ ")


def test_inputs_are_not_modified(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in SEEDS.iterdir()}
    assert cleaner("run", SEEDS, "--out", tmp_path / "out", "--stages", STAGES).returncode == 0
    assert {p.name: p.read_bytes() for p in SEEDS.iterdir()} == before


def test_bad_document_fails_alone_with_its_reason(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("A plain sentence that is fine.\n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES)
    assert result.returncode == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    errors = {d["id"]: d["error"] for d in report["documents"]}
    assert errors["good"] is None
    assert errors["binary"]
    assert (tmp_path / "out" / "good.txt").exists()
    assert not (tmp_path / "out" / "binary.txt").exists()


def test_a_reason_repeated_by_the_next_failure_is_printed_once(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("a", "b", "c"):
        (corpus / f"{name}.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES)
    printed = " ".join(result.stderr.decode().split())
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    reason = " ".join(report["documents"][0]["error"].split())
    assert printed.count(reason) == 1
    assert printed.count("the same reason as the one before") == 2


def test_a_failed_document_leaves_no_output_of_an_earlier_run(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    page = corpus / "page.txt"
    page.write_text("A plain sentence that is fine.\n", encoding="utf-8")
    assert cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES).returncode == 0
    assert (tmp_path / "out" / "page.txt").exists()
    page.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))  # now it cannot be read
    assert cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES).returncode == 1
    assert not (tmp_path / "out" / "page.txt").exists()
    assert not (tmp_path / "out" / "page.diff").exists()


def test_a_rerun_names_the_files_an_earlier_run_left(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("kept", "gone"):
        (corpus / f"{name}.txt").write_text("A plain sentence that is fine.\n", encoding="utf-8")
    assert cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES).returncode == 0
    (corpus / "gone.txt").unlink()
    result = cleaner("run", corpus, "--out", tmp_path / "out", "--stages", STAGES)
    assert result.returncode == 0
    printed = " ".join(result.stderr.decode().split())  # messages go to standard error
    assert "also holds 2 .txt/.diff files of documents not in this run (e.g. gone.diff)" in printed
    assert (tmp_path / "out" / "gone.txt").exists()  # left alone: the folder is the user's


def test_decisions_a_rerun_made_stale_are_counted_by_run_review_and_apply(tmp_path: Path) -> None:
    """A rerun into a reviewed folder keeps review.json; what no longer fits is said, not dropped in silence."""
    corpus, out = tmp_path / "in", tmp_path / "out"
    corpus.mkdir()
    text = "Body text.\n\u00a0\nShare this article\nMore  body text.\n"
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    assert cleaner("run", corpus, "--out", out, "--stages", STAGES).returncode == 0
    state = ReviewState(out)
    edits = len(state.report.documents[0].edits)
    assert edits >= 2
    for item in range(edits):
        state.decide({"doc": 0, "item": f"e{item}", "verdict": "reject"})
    assert state.stale() == 0
    # A line put in front moves every change, so none of the decisions fits any more.
    (corpus / "a.txt").write_text("A first line.\n" + text, encoding="utf-8")
    rerun = cleaner("run", corpus, "--out", out, "--stages", STAGES)
    assert rerun.returncode == 0
    note = f"{edits} decisions in review.json fit no change or flag of this run"
    assert note in " ".join(rerun.stderr.decode().split())
    assert ReviewState(out).run_view()["stale"] == edits
    applied = cleaner("apply", out, "--to", tmp_path / "final")
    assert applied.returncode == 0
    assert f"note: {note}" in applied.stdout.decode()
    assert "changes reverted" not in applied.stdout.decode()


def test_the_report_names_each_documents_files(tmp_path: Path) -> None:
    """Ids are made safe for file names (a repeat's ~2 too): a script finds the files by `file`, not by the id."""
    lines = [{"id": "a", "text": "One."}, {"id": "a", "text": "Two."}, {"id": "j/k", "text": "Three."}, {"id": "x"}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert cleaner("run", tmp_path / "in.jsonl", "--out", tmp_path / "out", "--stages", STAGES).returncode == 1
    report = Report.model_validate_json((tmp_path / "out" / "report.json").read_bytes())
    files = {d.id: d.file for d in report.documents}
    assert files["a~2"] == "a_2" and files["j/k"] == "j_k"
    for doc in report.documents:
        if doc.failed:
            assert doc.file is None
        else:
            assert (tmp_path / "out" / f"{doc.file}.txt").read_text(encoding="utf-8") == doc.text


def test_a_report_page_past_its_limit_says_so(tmp_path: Path) -> None:
    result = cleaner("run", SEEDS, "--out", tmp_path / "out", "--stages", STAGES, "--html-limit", "0.001")
    assert result.returncode == 0
    printed = " ".join(result.stderr.decode().split())
    assert "report.html shows 0 documents in full and the other 5 by their counts only" in printed
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count("<section class='doc brief'>") == 5


def test_jsonl_and_stdin_inputs(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a/1", "text": "First  text.", "lang": "en"}), "{broken", json.dumps({"id": "b"})]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cleaner(
        "run", tmp_path / "docs.jsonl", "-", "--out", tmp_path / "out", "--stages", STAGES, stdin=b"From stdin.\n"
    )
    assert result.returncode == 1
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    by_id = {d["id"]: d for d in report["documents"]}
    assert by_id["a/1"]["metadata"]["lang"] == "en"
    assert "not valid JSON" in by_id["docs:2"]["error"]
    assert '"id"' in by_id["docs:3"]["error"]
    assert (tmp_path / "out" / "a_1.txt").exists()
    assert (tmp_path / "out" / "stdin.txt").read_text(encoding="utf-8") == "From stdin.\n"


def test_named_pipes_are_read_once_for_both_passes(tmp_path: Path) -> None:
    """A pipe (``<(...)`` in a shell, a FIFO) gives its bytes once: the boilerplate stage's survey
    of the corpus read them, and the document came out empty."""
    text_pipe, jsonl_pipe = tmp_path / "page", tmp_path / "docs.jsonl"
    os.mkfifo(text_pipe)
    os.mkfifo(jsonl_pipe)
    record = json.dumps({"id": "j", "text": "A record.\n"}) + "\n"
    command = [sys.executable, "-m", "cleaner.cli", "run", str(text_pipe), str(jsonl_pipe), "--stages", STAGES]
    run = subprocess.Popen([*command, "--out", str(tmp_path / "out")], cwd=ROOT)
    try:
        text_pipe.write_bytes(b"The council met on Tuesday.\n")  # blocks until the run opens the pipe
        jsonl_pipe.write_text(record, encoding="utf-8")
        assert run.wait(timeout=60) == 0  # a run that opens a pipe a second time waits for ever
    finally:
        run.kill()
        run.wait()
    assert (tmp_path / "out" / "page.txt").read_text(encoding="utf-8") == "The council met on Tuesday.\n"
    assert (tmp_path / "out" / "j.txt").read_text(encoding="utf-8") == "A record.\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_lone_surrogate_in_jsonl_fails_that_document_only(tmp_path: Path, jobs: str) -> None:
    # Valid JSON, but "\ud800" alone is no Unicode character: no UTF-8 output can hold it.
    lines = [
        '{"id": "ok", "text": "A plain sentence."}',
        '{"id": "half", "text": "lone \\ud800 surrogate"}',
        '{"id": "pair", "text": "an emoji \\ud83d\\ude00 spelt as a pair"}',
        '{"id": "meta", "text": "Fine text.", "note": "\\udc00"}',
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cleaner("run", tmp_path / "docs.jsonl", "--out", tmp_path / "out", "--stages", STAGES, "--jobs", jobs)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    errors = {d["id"]: d["error"] for d in report["documents"]}
    assert errors["ok"] is None and errors["pair"] is None
    assert "U+D800" in errors["docs:2"] and '"text"' in errors["docs:2"]
    assert "U+DC00" in errors["docs:4"] and '"note"' in errors["docs:4"]
    assert (tmp_path / "out" / "pair.txt").read_text(encoding="utf-8") == "an emoji \U0001f600 spelt as a pair"


def test_jobs_two_writes_the_same_as_jobs_one(tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        assert cleaner("run", SEEDS, "--out", tmp_path / jobs, "--jobs", jobs, "--stages", STAGES).returncode == 0
    for path in (tmp_path / "1").glob("*"):
        assert (tmp_path / "2" / path.name).read_bytes() == path.read_bytes(), path.name


def test_jobs_count_lines_repeated_across_the_whole_run(tmp_path: Path) -> None:
    """A line in three documents far apart (surveyed by different workers) goes in each, as with one job."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    shared = {0, 20, 39}  # in different survey chunks
    for number in range(40):
        town = "".join(chr(ord("a") + (number // 26**i) % 26) for i in range(3)).title()  # unique per document
        body = f"Council members met in {town} and agreed to review the budget again next spring.\n"
        footer = "Riverside Courier evening edition\n" if number in shared else ""
        (corpus / f"doc{number:02}.txt").write_text(body + footer, encoding="utf-8")
    for jobs in ("1", "2"):
        assert cleaner("run", corpus, "--out", tmp_path / jobs, "--jobs", jobs, "--stages", STAGES).returncode == 0
    for path in (tmp_path / "1").glob("*"):
        assert (tmp_path / "2" / path.name).read_bytes() == path.read_bytes(), path.name
    report = Report.model_validate_json((tmp_path / "2" / "report.json").read_text(encoding="utf-8"))
    dropped = {d.id for d in report.documents if any(e.rule == "corpus.repeated-line" for e in d.edits)}
    assert dropped == {f"doc{n:02}" for n in shared}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "no-such-folder", "--out", "x"], "no such file"),
        (["run", "seeds", "--out", "x", "--stages", "encodign"], "valid stages"),
        (["run", "seeds", "--out", "seeds/out"], "outside the inputs"),
        (["run", "seeds", "--out", "x", "--jobs", "0"], "--jobs"),
        (["run", "seeds", "--out", "x", "--html-limit", "-1"], "--html-limit"),
        (["run", "seeds", "--out", "x", "--html-limit", "nan"], "--html-limit"),
        (["run", "seeds", "--out", "x", "--html-limit", "inf"], "--html-limit"),
        (["run", "seeds", "--out", "x", "--stages", ""], "--stages names no stage"),
        (["run", "seeds", "--out", "x", "--stages", ","], "--stages names no stage"),
        (["run", "-", "-", "--out", "x"], "can be read once only"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    result = cleaner(*args)
    assert result.returncode == 2
    assert message in result.stderr.decode()


def test_a_bad_grammar_server_option_exits_2_and_leaves_no_output_folder(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("A plain sentence.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cleaner("run", page, "--out", out, "--stages", "encoding,grammar", "--grammar-server", "notaurl")
    assert result.returncode == 2
    assert "a command-line option: grammar.server_url" in result.stdout.decode() + result.stderr.decode()
    assert not out.exists()


def test_bad_config_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("encoding:\n  not_a_setting: true\n", encoding="utf-8")
    result = cleaner("run", SEEDS, "--out", tmp_path / "out", "--config", config)
    assert result.returncode == 2
    assert f"{config}:2" in result.stderr.decode()


def test_an_output_folder_that_cannot_be_made_exits_2(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = cleaner("run", SEEDS, "--out", tmp_path / "file" / "out", "--stages", STAGES)
    assert result.returncode == 2
    assert "cannot prepare the output folder" in result.stderr.decode()


def test_an_output_folder_whose_report_is_a_folder_names_it(tmp_path: Path) -> None:
    (tmp_path / "out" / "report.json").mkdir(parents=True)
    result = cleaner("run", SEEDS, "--out", tmp_path / "out", "--stages", STAGES)
    assert result.returncode == 2
    assert "report.json" in result.stderr.decode().replace("\n", "")


def test_a_full_disk_stops_the_run_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written: list[Path] = []

    def fill_up(path: Path, text: str, durable: bool = True) -> None:
        if len(written) == 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(path)
        path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(writer, "write_atomic", fill_up)
    code = cli.main(["run", str(SEEDS), "--out", str(tmp_path / "out"), "--stages", STAGES, "--quiet"])
    assert code == 1
    assert "cannot write the outputs" in capsys.readouterr().err
    assert all(path.exists() for path in written), "what was written before stays"
    assert not (tmp_path / "out" / "report.json").exists(), "no half report"
    assert not list((tmp_path / "out").glob(".*")), "temporary files left behind"


def test_a_document_whose_id_is_a_long_url_is_written(tmp_path: Path) -> None:
    url = "https://news.example.com/2024/05/" + "a-very-long-slug-" * 20
    records = [{"id": url, "text": "A plain sentence.\n"}, {"id": "after", "text": "Another one.\n"}]
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = cleaner("run", docs, "--out", tmp_path / "out", "--stages", STAGES, "--jobs", "2")
    assert result.returncode == 0, result.stderr.decode()
    report = Report.model_validate_json((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [d.id for d in report.documents] == [url, "after"]
    assert (tmp_path / "out" / f"{output_name(url)}.txt").read_text(encoding="utf-8") == "A plain sentence.\n"


def test_a_file_a_worker_cannot_write_stops_the_run_with_a_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "002_e21fab79df661e0f.txt").mkdir(parents=True)  # a folder where the worker must put a file
    result = cleaner("run", SEEDS, "--out", out, "--stages", STAGES, "--jobs", "2", "--quiet")
    assert result.returncode == 1
    err = " ".join(result.stderr.decode().split())  # rich wraps long lines
    assert f"cannot write the outputs in {out}: Is a directory" in err
    assert "Traceback" not in err
    assert not (out / "report.json").exists(), "no half report"
    assert not list(out.glob(".*")), "temporary files left behind"


def _processes_naming(marker: str) -> list[int]:
    """The processes whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # ended meanwhile
    return found


def _start_a_long_run(tmp_path: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    """A `--jobs 2` run in a process group of its own, once its workers have written something."""
    corpus = tmp_path / "in"
    if not corpus.is_dir():
        corpus.mkdir()
        paragraph = "The council met on Monday to discuss the budget for the coming year, officials said.\n"
        for n in range(400):
            (corpus / f"doc{n:03}.txt").write_text(f"Story {n}\n" + paragraph * 400, encoding="utf-8")
    out = tmp_path / name
    command = [sys.executable, "-m", "cleaner.cli", "run", str(corpus), "--out", str(out), "--stages", STAGES]
    run = subprocess.Popen([*command, "--jobs", "2"], cwd=ROOT, stderr=subprocess.PIPE, start_new_session=True)
    for _ in range(600):  # until the workers have written something
        if out.is_dir() and any(out.glob("doc*.txt")):
            break
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before it could be stopped: make the corpus larger"
    return run, out


def _gone(out: Path) -> bool:
    """Whether every process of the run writing to ``out`` has ended (waiting up to 10 s)."""
    for _ in range(100):
        if not _processes_naming(str(out)):
            return True
        time.sleep(0.1)
    return False


def test_sigterm_stops_the_workers_too(tmp_path: Path) -> None:
    out = tmp_path / "out-sigterm"
    out.mkdir()
    (out / "report.json").write_text('{"documents": []}', encoding="utf-8")  # an earlier run's, into the same folder
    run, out = _start_a_long_run(tmp_path, "out-sigterm")
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == 143
    assert _gone(out), "workers left running"  # they finish the document in hand, then end
    assert not (out / "report.json").exists(), "an earlier run's report would pass for this run's"


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_the_whole_process_group_stops_the_run_cleanly(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    """`timeout`, `docker stop` and a terminal's Ctrl-C signal every process of the run. Workers
    killed mid-document left temporary files, and their broken pool could hang the run for ever
    or print a traceback (2 runs in 5 hung before workers had a session of their own)."""
    for round_number in range(3):
        run, out = _start_a_long_run(tmp_path, f"out-{sig.name}-{round_number}")
        os.killpg(run.pid, sig)
        try:
            returncode = run.wait(timeout=60)  # a hang guard, not a speed check: it stops in well under 1 s
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            pytest.fail("the run hung after the signal")
        assert returncode == code
        assert _gone(out), "workers left running"
        assert run.stderr is not None
        err = run.stderr.read().decode()
        assert "Traceback" not in err and "Error" not in err, err
        assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_a_second_ctrl_c_stops_the_workers_at_once(tmp_path: Path) -> None:
    """The first Ctrl-C lets the workers finish the documents in hand and says so; a second one,
    pressed while they do, hung the run at exit 3 times in 3 (the pool's shutdown, broken)."""
    for round_number in range(3):
        run, out = _start_a_long_run(tmp_path, f"out-twice-{round_number}")
        os.killpg(run.pid, signal.SIGINT)
        time.sleep(0.05)  # while the workers finish their documents (without the fix: 3 hangs in 3)
        os.killpg(run.pid, signal.SIGINT)
        try:
            returncode = run.wait(timeout=60)  # a hang guard, not a speed check
        except subprocess.TimeoutExpired:
            os.killpg(run.pid, signal.SIGKILL)
            for worker in _processes_naming(str(out)):
                os.kill(worker, signal.SIGKILL)
            pytest.fail("the run hung after a second Ctrl-C")
        # A second Ctrl-C that lands once the run has stopped, as Python exits, ends Python by
        # SIGINT itself: a shell reports that as 130 too.
        assert returncode in (130, -signal.SIGINT)
        assert _gone(out), "workers left running"
        assert run.stderr is not None
        err = run.stderr.read().decode()
        assert "Ctrl-C again stops them at once" in err
        assert "Traceback" not in err, err
        assert not list(out.glob(".*.tmp")), "temporary files left behind"


# A run interrupted while a thread of the process lives on: Python waits for that thread as it
# exits, which is where a late Ctrl-C used to land (in the stage's or the pool's threads, rarely).
_INTERRUPTED_WITH_A_THREAD_LEFT = """
import sys, threading, time
from cleaner import cli

def interrupted_run(args):
    threading.Thread(target=time.sleep, args=(2,)).start()
    print("interrupted", flush=True)
    raise KeyboardInterrupt

cli._run = interrupted_run
sys.exit(cli.main(["run", "in", "--out", "out"]))
"""


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_an_interrupted_run_exits_ends_it_without_a_traceback(sig: signal.Signals, code: int) -> None:
    command = [sys.executable, "-c", _INTERRUPTED_WITH_A_THREAD_LEFT]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None and run.stdout.readline() == b"interrupted\n"
    time.sleep(0.5)  # main() has returned; Python is waiting for the thread
    run.send_signal(sig)
    _, err = run.communicate(timeout=30)
    assert run.returncode == code
    assert b"Traceback" not in err, err.decode()


def test_workers_end_with_a_main_process_killed_outright(tmp_path: Path) -> None:
    """SIGKILL to the main process alone: nothing can stop the workers in order, the kernel ends them."""
    run, out = _start_a_long_run(tmp_path, "out-sigkill")
    run.kill()
    run.wait(timeout=60)
    assert _gone(out), "workers outlived the main process"


def test_inputs_with_no_document_say_so(tmp_path: Path) -> None:
    """A folder with no .txt or .jsonl file: the run has nothing to do, and a script should hear it."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.md").write_text("Not a text file the run reads.\n", encoding="utf-8")
    result = cleaner("run", tmp_path / "in", "--out", tmp_path / "out", "--stages", STAGES, "--quiet")
    assert result.returncode == 0
    assert "no documents in the inputs" in " ".join(result.stderr.decode().split())


def test_a_ctrl_c_python_could_not_raise_is_delivered_again() -> None:
    """A Ctrl-C that lands in a weakref callback during garbage collection cannot be raised there;
    Python printed it as a traceback and dropped it (about 1 run in 30 of
    test_a_second_ctrl_c_stops_the_workers_at_once). During a run the hook hands it back to the main
    thread as the signal it was."""
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        cli._interrupt_again(SimpleNamespace(exc_value=KeyboardInterrupt(), object=None))
        deadline = time.monotonic() + 5  # delivered at the main thread's next check, at once
        while not received and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert received == [signal.SIGINT]
