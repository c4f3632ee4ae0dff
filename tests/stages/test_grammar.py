"""The grammar stage's own logic, with a fake LanguageTool client (the real server: tests/integration)."""

from __future__ import annotations

import http.server
import json
import pickle
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cleaner import languagetool
from cleaner.errors import ConfigError, DocumentError, FatalError
from cleaner.languagetool import (
    CheckFailed,
    CheckOptions,
    LTMatch,
    ServerUnavailable,
    check_installation,
    serve_forever,
)
from cleaner.model import Document
from cleaner.stages import grammar
from cleaner.stages.grammar import GrammarConfig, GrammarStage, split_paragraphs
from cleaner.stages.grammar_cache import MatchCache
from cleaner.trace import Trace

UNKNOWN = {"Zorvath", "Qelbrin", "teh", "vardel"}  # the fake's "dictionary gaps"


def match(m: re.Match[str], rule: str, category: str, suggestions: tuple[str, ...]) -> LTMatch:
    issue = "misspelling" if category == "TYPOS" else "other"
    return LTMatch(m.start(), m.end(), rule, category, issue, f"{rule} message", suggestions)


class FakeClient:
    """Finds doubled words, spaces before commas and a few 'unknown' words, like LanguageTool would."""

    def __init__(self, fail: list[Exception] | None = None) -> None:
        self.calls: list[str] = []
        self.fail = fail or []

    def check(self, text: str) -> list[LTMatch]:
        self.calls.append(text)
        if self.fail:
            raise self.fail.pop(0)
        found = []
        for m in re.finditer(r"\b(\w+) \1\b", text, re.IGNORECASE):
            found.append(
                LTMatch(
                    m.start(),
                    m.end(),
                    "ENGLISH_WORD_REPEAT_RULE",
                    "MISC",
                    "duplication",
                    "Repeated word.",
                    (m.group(1),),
                )
            )
        for m in re.finditer(r" ,", text):
            found.append(
                LTMatch(
                    m.start(),
                    m.end(),
                    "COMMA_PARENTHESIS_WHITESPACE",
                    "TYPOGRAPHY",
                    "whitespace",
                    "Space before comma.",
                    (",",),
                )
            )
        for m in re.finditer(r"\w+", text):
            if m.group() in UNKNOWN:
                found.append(
                    LTMatch(
                        m.start(), m.end(), "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "Spelling?", ("the", "ten")
                    )
                )
        return sorted(found, key=lambda x: x.start)


def make_stage(tmp_path: Path, client: FakeClient | None = None, **settings: Any) -> GrammarStage:
    stage = GrammarStage(GrammarConfig.model_validate({"cache_dir": tmp_path / "cache", **settings}))
    stage.use_client(client or FakeClient())
    return stage


def doc(text: str) -> Document:
    return Document(id="d", source="-", text=text)


def test_paragraphs_are_exact_slices_of_the_text() -> None:
    text = "\n\nFirst one.\nstill first\n\n \t\nSecond.\n\n\n\nThird"
    parts = list(split_paragraphs(text))
    assert [p for _, p in parts] == ["First one.\nstill first", "Second.", "Third"]
    assert all(text[start : start + len(p)] == p for start, p in parts)


@given(st.text(alphabet="ab .\n", max_size=200), st.integers(min_value=1, max_value=30))
def test_a_long_paragraph_goes_in_pieces_that_are_exact_slices(text: str, limit: int) -> None:
    parts = list(split_paragraphs(text, limit))
    assert all(text[start : start + len(p)] == p and len(p) <= limit for start, p in parts)
    covered = {i for start, p in parts for i in range(start, start + len(p))}
    assert all(i in covered for i, c in enumerate(text) if c not in " \n")  # no word is left unchecked


def test_flags_point_into_the_document_across_paragraphs(tmp_path: Path) -> None:
    text = "A plain first paragraph.\n\nThen he he said , that teh end came.\n\nLast one."
    result = make_stage(tmp_path).process(text, doc(text))
    assert [(f.text, f.kind, f.rule) for f in result.flags] == [
        ("he he", "grammar", "lt:ENGLISH_WORD_REPEAT_RULE"),
        (" ,", "typography", "lt:COMMA_PARENTHESIS_WHITESPACE"),
        ("teh", "spelling", "lt:MORFOLOGIK_RULE_EN_US"),
    ]
    assert all(text[f.start : f.end] == f.text for f in result.flags)
    assert result.changes == []
    assert result.stats["flags_spelling"] == 1


def test_kinds_scores_and_suggestions_follow_the_config(tmp_path: Path) -> None:
    stage = make_stage(tmp_path, kinds={"TYPOS": "typo"}, scores={"typo": 0.9}, max_suggestions=1)
    flags = stage.process("teh cat , yes", doc("")).flags
    by_rule = {f.rule: f for f in flags}
    assert by_rule["lt:MORFOLOGIK_RULE_EN_US"].kind == "typo"
    assert by_rule["lt:MORFOLOGIK_RULE_EN_US"].score == 0.9
    assert by_rule["lt:MORFOLOGIK_RULE_EN_US"].suggestions == ["the"]
    assert by_rule["lt:COMMA_PARENTHESIS_WHITESPACE"].kind == "grammar"  # category not in `kinds`


def test_a_name_that_recurs_across_the_run_is_not_a_spelling_mistake(tmp_path: Path) -> None:
    stage = make_stage(tmp_path)
    stage.survey("Minister Zorvath spoke.")
    stage.survey("Zorvath left. Qelbrin stayed.")
    result = stage.process("Zorvath left. Qelbrin stayed.", doc(""))
    assert [f.text for f in result.flags] == ["Qelbrin"]  # once in the run: still flagged
    assert result.stats["accepted_names"] == 1
    assert result.metadata["grammar_accepted_names"] == ["Zorvath"]


def test_a_word_seen_only_opening_sentences_is_not_taken_for_a_name(tmp_path: Path) -> None:
    """Any word is capitalised there: a misspelling twice at a sentence's start ("Goverment said ...")
    is no name, in this document or across the run, until it turns up capitalised inside a sentence."""
    stage = make_stage(tmp_path)
    stage.survey("Qelbrin spoke on Monday.")
    stage.survey("Qelbrin left. It rained.")
    result = stage.process("Qelbrin left. It rained.", doc(""))
    assert [f.text for f in result.flags] == ["Qelbrin"]
    stage.survey("Then the minister met Qelbrin.")
    assert stage.process("Qelbrin left. It rained.", doc("")).flags == []


def test_without_a_survey_recurrence_is_counted_in_the_document(tmp_path: Path) -> None:
    text = "Zorvath came. Later Zorvath left. Qelbrin stayed."
    assert [f.text for f in make_stage(tmp_path).process(text, doc(text)).flags] == ["Qelbrin"]
    off = make_stage(tmp_path, accept_recurring_names=0).process(text, doc(text))
    assert [f.text for f in off.flags] == ["Zorvath", "Zorvath", "Qelbrin"]


def test_lower_case_words_are_never_taken_for_names(tmp_path: Path) -> None:
    text = "teh one, teh other"
    assert [f.text for f in make_stage(tmp_path).process(text, doc(text)).flags] == ["teh", "teh"]


def test_a_document_mostly_unknown_to_the_speller_gets_no_flags_and_says_why(tmp_path: Path) -> None:
    other_language = "Zorvath teh vardel, " * 20  # 40 words not capitalised, all "misspelled"
    result = make_stage(tmp_path).process(other_language, doc(other_language))
    assert result.flags == []
    assert "probably another language" in result.metadata["grammar_skipped"]
    assert result.stats["skipped_other_language"] == 1
    never = make_stage(tmp_path, max_unknown_word_share=1).process(other_language, doc(other_language))
    assert len(never.flags) == 40  # 'teh' and 'vardel' (the name recurs, so it is accepted)


def test_unknown_names_do_not_make_a_document_foreign(tmp_path: Path) -> None:
    """A match report with its team sheets was skipped: 33% of its words were names the speller did not know."""
    text = "The minister said the talks would go on. " * 5 + "Zorvath, Qelbrin, Zorvath, Qelbrin. " * 15
    result = make_stage(tmp_path).process(text, doc(text))
    assert "grammar_skipped" not in result.metadata


def test_text_in_another_script_is_skipped_unless_the_language_uses_it(tmp_path: Path) -> None:
    russian = "встреча прошла в москве , и министры договорились продолжить переговоры . " * 4  # 40 words
    as_english = make_stage(tmp_path).process(russian, doc(russian))
    assert "probably another language" in as_english.metadata["grammar_skipped"]
    as_russian = make_stage(tmp_path, language="ru-RU").process(russian, doc(russian))
    assert "grammar_skipped" not in as_russian.metadata


def test_a_few_unknown_words_do_not_make_a_document_foreign(tmp_path: Path) -> None:
    text = "The minister said teh talks would go on. " * 5  # 45 words, 5 unknown
    result = make_stage(tmp_path).process(text, doc(text))
    assert "grammar_skipped" not in result.metadata
    assert [f.text for f in result.flags] == ["teh"] * 5


def test_fixes_are_off_by_default_and_replay_when_on(tmp_path: Path) -> None:
    text = "He he went there , and teh dog came."
    assert make_stage(tmp_path).process(text, doc(text)).changes == []
    result = make_stage(tmp_path, apply_fixes=True).process(text, doc(text))
    trace = Trace(text)
    trace.apply("grammar", result.changes)
    assert trace.text == "He went there, and teh dog came."
    assert [f.text for f in result.flags] == ["teh"]  # two suggestions: not unambiguous, flagged
    assert {e.rule for e in trace.edits} == {"lt:ENGLISH_WORD_REPEAT_RULE", "lt:COMMA_PARENTHESIS_WHITESPACE"}


def test_only_listed_rules_are_applied(tmp_path: Path) -> None:
    text = "He he went there , and back."
    result = make_stage(tmp_path, apply_fixes=True, fix_rules=("COMMA_PARENTHESIS_WHITESPACE",)).process(
        text, doc(text)
    )
    assert [c.after for c in result.changes] == [","]
    assert [f.text for f in result.flags] == ["He he"]


def test_the_cache_answers_a_rerun_and_repeated_paragraphs(tmp_path: Path) -> None:
    text = "Same he he paragraph.\n\nOther one.\n\nSame he he paragraph."
    first_client = FakeClient()
    first = make_stage(tmp_path, first_client).process(text, doc(text))
    assert len(first_client.calls) == 2
    assert (first.stats["paragraphs_checked"], first.stats["paragraphs_cached"]) == (2, 1)
    again_client = FakeClient()
    again = make_stage(tmp_path, again_client).process(text, doc(text))
    assert again_client.calls == []
    assert again.flags == first.flags


def test_the_cache_key_changes_with_version_and_options() -> None:
    base = MatchCache.key("text", "6.8", CheckOptions())
    assert MatchCache.key("text", "6.9", CheckOptions()) != base
    assert MatchCache.key("text", "6.8", CheckOptions(disabled_rules=("X",))) != base
    assert MatchCache.key("text", "6.8", CheckOptions(timeout=5)) == base  # timeout changes no answer


def test_a_lost_server_is_waited_for_and_the_document_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar, "wait_until_healthy", lambda *a, **k: True)
    client = FakeClient(fail=[ServerUnavailable("connection refused")])
    stage = make_stage(tmp_path, client, cache=False)
    result = stage.process("He he left.", doc(""))
    assert [f.text for f in result.flags] == ["He he"]
    assert result.stats["retries"] == 1


def test_a_server_lost_for_good_fails_this_and_later_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar, "wait_until_healthy", lambda *a, **k: False)
    client = FakeClient(fail=[ServerUnavailable("connection refused")])
    stage = make_stage(tmp_path, client, cache=False)
    with pytest.raises(DocumentError, match=r"connection refused \(did not come back"):
        stage.process("He he left.", doc(""))
    with pytest.raises(DocumentError, match="since an earlier document"):
        stage.process("Fine text.", doc(""))
    assert len(client.calls) == 1  # the later document did not wait again


def test_a_refused_paragraph_fails_only_its_document(tmp_path: Path) -> None:
    client = FakeClient(fail=[CheckFailed("text too long")])
    stage = make_stage(tmp_path, client, cache=False)
    with pytest.raises(DocumentError, match="text too long"):
        stage.process("x", doc(""))
    assert stage.process("He he left.", doc("")).flags


def test_the_pickled_stage_carries_no_server_client_or_cache(tmp_path: Path) -> None:
    stage = make_stage(tmp_path)
    stage.survey("Zorvath")
    stage.process("He he", doc(""))
    copy = pickle.loads(pickle.dumps(stage))
    assert (copy._server, copy._clients, copy._fixed_clients, copy._cache) == (None, {}, {}, None)
    assert copy._names == stage._names and copy._url == stage._url


class _Speller:
    """A fake check: each listed word is a misspelling with its listed suggestion."""

    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self.calls = 0

    def check(self, text: str) -> list[LTMatch]:
        self.calls += 1
        return [
            LTMatch(
                m.start(), m.end(), "MORFOLOGIK_RULE", "TYPOS", "misspelling", "Spelling?", (self.words[m.group()],)
            )
            for m in re.finditer(r"\w+", text)
            if m.group() in self.words
        ]


BRITISH = "The council criticised the plan. Its colour scheme upset the neighbourhood, and the Mayr agreed."


def test_a_document_spelled_the_british_way_is_checked_as_british(tmp_path: Path) -> None:
    """Its British spellings are no mistakes: the en-GB check's flags count, and the metadata says why."""
    us = _Speller({"criticised": "criticized", "colour": "color", "neighbourhood": "neighborhood", "Mayr": "Mayor"})
    stage = make_stage(tmp_path, cache=False)
    stage.use_client(us, british=_Speller({"Mayr": "Mayor"}))
    result = stage.process(BRITISH, doc(BRITISH))
    assert [f.text for f in result.flags] == ["Mayr"]
    assert result.metadata["grammar_language"] == "en-GB: 3 words are spelled the British way"
    assert us.calls == 0, "plainly British from its words: checked once, as en-GB"
    stage.config = stage.config.model_copy(update={"british_as_british": False})
    assert [f.text for f in stage.process(BRITISH, doc(BRITISH)).flags] == [
        "criticised",
        "colour",
        "neighbourhood",
        "Mayr",
    ]


def test_the_british_check_leaves_the_oxford_ize_out() -> None:
    """en-GB's LanguageTool suggests -ize for every -ise: a house style, not a mistake of the text."""
    config = GrammarConfig()
    assert "OXFORD_SPELLING_Z_NOT_S" in config.check_options("en-GB").disabled_rules
    assert "OXFORD_SPELLING_Z_NOT_S" not in config.check_options().disabled_rules
    assert "OXFORD_SPELLING_Z_NOT_S" not in GrammarConfig(language="en-GB").check_options().disabled_rules


def test_british_spellings_only_languagetool_knows_switch_after_the_us_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Words the frequency list does not know (here: none) are seen in the en-US check."""
    monkeypatch.setattr(grammar, "english_zipf", lambda: lambda _word: 0.0)
    text = "The Zorbians organised it and the Qelbians recognised it; the Mayr agreed."
    us = _Speller({"organised": "organized", "recognised": "recognized", "Mayr": "Mayor"})
    stage = make_stage(tmp_path, cache=False)
    stage.use_client(us, british=_Speller({"Mayr": "Mayor"}))
    result = stage.process(text, doc(text))
    assert [f.text for f in result.flags] == ["Mayr"] and us.calls == 1


def test_one_british_spelling_does_not_make_a_document_british(tmp_path: Path) -> None:
    text = "The council criticised the plan, and the Mayr agreed."
    stage = make_stage(tmp_path, cache=False)
    stage.use_client(_Speller({"criticised": "criticized", "Mayr": "Mayor"}), british=_Speller({}))
    result = stage.process(text, doc(text))
    assert [f.text for f in result.flags] == ["criticised", "Mayr"]
    assert "grammar_language" not in result.metadata


def test_process_before_start_run_says_what_to_do() -> None:
    with pytest.raises(FatalError, match="before start_run"):
        GrammarStage().process("text", doc("text"))


def test_missing_languagetool_says_how_to_install_or_skip(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"make setup.*--stages"):
        check_installation(tmp_path)


def test_missing_java_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "languagetool-server-6.8.jar").touch()
    with pytest.raises(ConfigError, match=r"Java .* not found.*openjdk"):
        check_installation(tmp_path, java=str(tmp_path / "no-java-here"))


def test_unreachable_server_url_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar, "EXTERNAL_SERVER_WAIT", 0.3)
    stage = GrammarStage(GrammarConfig(server_url=f"http://127.0.0.1:{languagetool.free_port()}"))
    with pytest.raises(ConfigError, match="cleaner grammar-server"):
        stage.start_run()


@pytest.mark.parametrize("url", ["notaurl", "127.0.0.1:8081", "ftp://host/", "http://"])
def test_a_server_url_that_is_not_an_http_url_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="not an http:// or https:// URL"):
        GrammarConfig(server_url=url)
    assert GrammarConfig(server_url="http://127.0.0.1:8081/v2").server_url == "http://127.0.0.1:8081/v2"


def test_unknown_settings_are_rejected() -> None:
    with pytest.raises(ValidationError):
        GrammarConfig(dissabled_rules=["X"])  # type: ignore[call-arg]


def test_scores_outside_0_to_1_are_refused() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        GrammarConfig(scores={"spelling": 7})


class Answers:
    """A client that finds the given matches in any text."""

    def __init__(self, matches: list[LTMatch]) -> None:
        self.matches = matches

    def check(self, text: str) -> list[LTMatch]:
        return self.matches


def test_a_word_flagged_only_for_combining_accents_is_not_flagged(tmp_path: Path) -> None:
    text = "The cafe\u0301 opened early, said Jose\u0301, and the cafx too."
    found = [
        LTMatch(4, 9, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "Spelling?", ("cafe", "caf\u00e9")),
        LTMatch(29, 34, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "Spelling?", ("Jos\u00e9",)),
        LTMatch(44, 48, "MORFOLOGIK_RULE_EN_US", "TYPOS", "misspelling", "Spelling?", ("cafe",)),
    ]
    assert [text[m.start : m.end] for m in found] == ["cafe\u0301", "Jose\u0301", "cafx"]
    result = make_stage(tmp_path, client=Answers(found)).process(text, doc(text))  # type: ignore[arg-type]
    assert [f.text for f in result.flags] == ["cafx"]
    assert result.stats["accepted_decomposed"] == 2


def test_a_category_without_a_kind_takes_one_from_its_issue_type(tmp_path: Path) -> None:
    text = "The fertilisation worked."
    hint = LTMatch(4, 17, "OXFORD_SPELLING_Z_NOT_S", "BRE_STYLE_OXFORD_SPELLING", "style", "Also correct.", ())
    other = LTMatch(18, 24, "SOME_RULE", "SOME_CATEGORY", "other", "Hm.", ())
    flags = make_stage(tmp_path, client=Answers([hint, other])).process(text, doc(text)).flags  # type: ignore[arg-type]
    assert [(f.kind, f.score) for f in flags] == [("style", 0.3), ("grammar", 0.7)]


def test_grammar_server_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve_forever(port) == 1  # before any Java is started
    assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err


class _SlowChecks(http.server.BaseHTTPRequestHandler):
    """A server that answers its health check at once and every check too late."""

    checks = 0  # check requests received, by all instances

    def do_GET(self) -> None:
        body = json.dumps([{"name": "English (US)", "code": "en", "longCode": "en-US"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        type(self).checks += 1
        time.sleep(1.5)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_check_too_slow_for_a_healthy_server_fails_that_text_only() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowChecks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = languagetool.LanguageToolClient(f"http://127.0.0.1:{server.server_port}", CheckOptions(timeout=0.3))
        _SlowChecks.checks = 0
        with pytest.raises(CheckFailed, match=r"took longer than 0\.3 s"):  # not ServerUnavailable: the run goes on
            client.check("A long paragraph.")
        assert _SlowChecks.checks == 1, "asked again: the timeout would be twice the setting"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_slow_to_answer_its_first_check_is_reported_while_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`--grammar-server` at a server that answers its health check, not its checks: the user is
    told what is being waited on and for how long, then gets a configuration error."""
    monkeypatch.setattr(languagetool.client, "SLOW_FIRST_CHECK", 0.2)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowChecks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = GrammarConfig(server_url=f"http://127.0.0.1:{server.server_port}", start_timeout=1, cache=False)
    try:
        with pytest.raises(ConfigError, match="does not answer a check"):
            GrammarStage(config).start_run()
    finally:
        server.shutdown()
        server.server_close()
    assert "answers its health check but not yet a check; waiting up to 1 s in all" in caplog.text


def test_the_paragraph_cache_is_the_checkout_s_whichever_folder_a_run_starts_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = GrammarConfig().cache_dir
    assert folder.is_absolute() and folder == Path(grammar.__file__).resolve().parents[2] / ".cache" / "grammar"
