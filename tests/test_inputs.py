"""Reading the inputs of a run: lazy text files, JSONL, unique names."""

from __future__ import annotations

import json
from pathlib import Path

from cleaner.inputs import MAX_NAME_BYTES, InputFailure, TextFile, iter_documents, iter_sources, load, output_name
from cleaner.model import Document


def test_text_files_are_listed_unread_and_loaded_on_demand(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes("“café” au lait\n".encode("cp1252"))
    (tmp_path / "a.txt").write_text("first\n", encoding="utf-8")
    sources = list(iter_sources([str(tmp_path)]))
    assert sources == [TextFile("a", tmp_path / "a.txt"), TextFile("b", tmp_path / "b.txt")]
    loaded = load(sources[1])
    assert isinstance(loaded, Document)
    assert loaded.text == "“café” au lait\n"
    assert loaded.metadata == {"encoding": "cp1252"}


def test_a_folder_yields_text_and_jsonl_files_whatever_the_case_of_the_suffix(tmp_path: Path) -> None:
    (tmp_path / "A.TXT").write_text("upper\n", encoding="utf-8")
    (tmp_path / "b.Jsonl").write_text('{"id": "rec", "text": "x"}\n', encoding="utf-8")
    (tmp_path / "c.md").write_text("not an input\n", encoding="utf-8")
    sources = list(iter_sources([str(tmp_path)]))
    assert [s.id for s in sources] == ["A", "rec"]


def test_a_file_gone_before_it_is_read_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.write_text("text\n", encoding="utf-8")
    [source] = iter_sources([str(path)])
    path.unlink()
    failure = load(source)
    assert isinstance(failure, InputFailure)
    assert failure.id == "gone"
    assert "cannot read the file" in failure.reason


def test_ids_are_unique_as_file_names(tmp_path: Path) -> None:
    records = [{"id": "a/b", "text": "one"}, {"id": "a_b", "text": "two"}, {"id": "a/b", "text": "three"}]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "a_b.txt").write_text("four\n", encoding="utf-8")
    docs = list(iter_documents([str(tmp_path / "docs.jsonl"), str(tmp_path / "a_b.txt")]))
    assert [d.id for d in docs] == ["a/b", "a_b~2", "a/b~3", "a_b~4"]
    assert len({output_name(d.id) for d in docs}) == len(docs)
    assert [d.text for d in docs if isinstance(d, Document)] == ["one", "two", "three", "four\n"]


def test_a_renamed_id_never_takes_the_file_name_of_another_document(tmp_path: Path) -> None:
    # "a~2" is written as a_2.txt: the later document whose own id is a_2 must not overwrite it
    records = [{"id": "a", "text": "one"}, {"id": "a", "text": "two"}, {"id": "a_2", "text": "three"}]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = list(iter_documents([str(tmp_path / "docs.jsonl")]))
    assert [d.id for d in docs] == ["a", "a~2", "a_2~2"]
    assert len({output_name(d.id) for d in docs}) == len(docs)


def test_a_name_taken_first_pushes_a_renamed_id_to_the_next_number(tmp_path: Path) -> None:
    records = [{"id": "a_2", "text": "one"}, {"id": "a", "text": "two"}, {"id": "a", "text": "three"}]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = list(iter_documents([str(tmp_path / "docs.jsonl")]))
    assert [d.id for d in docs] == ["a_2", "a", "a~3"]


def test_a_long_id_gets_a_short_file_name_of_its_own() -> None:
    url = "https://news.example.com/2024/05/" + "a-very-long-slug-" * 20
    names = [output_name(url + "1"), output_name(url + "2"), output_name("新闻" * 100)]
    assert all(len(name.encode("utf-8")) <= MAX_NAME_BYTES for name in names)
    assert names[0] != names[1], "ids that differ only past the cut keep different names"
    assert names[0].startswith("https_news.example.com_2024_05_a-very-long-slug-")


def test_jsonl_records_end_only_at_newline(tmp_path: Path) -> None:
    # U+2028 and NEL are legal inside JSON strings and common in scraped text; str.splitlines cuts at them.
    records = [{"id": "a", "text": "one\u2028still one\x85and NEL"}, {"id": "b", "text": "two"}]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + "{bad\n", encoding="utf-8")
    docs = list(iter_documents([str(path)]))
    assert [d.id for d in docs] == ["a", "b", "docs:3"]
    assert [d.text for d in docs if isinstance(d, Document)] == [r["text"] for r in records]
    assert isinstance(docs[2], InputFailure) and docs[2].source == f"{path}:3"


def test_jsonl_in_utf16_with_bom_and_a_cp1252_line(tmp_path: Path) -> None:
    records = [{"id": "a", "text": "“café”"}, {"id": "b", "text": "naïve"}]
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    (tmp_path / "wide.jsonl").write_bytes("".join(lines).encode("utf-16"))
    (tmp_path / "mixed.jsonl").write_bytes(lines[0].encode("utf-8-sig") + lines[1].encode("cp1252"))
    for name in ("wide.jsonl", "mixed.jsonl"):
        docs = list(iter_documents([str(tmp_path / name)]))
        assert [(d.id, d.text) for d in docs if isinstance(d, Document)] == [("a", "“café”"), ("b", "naïve")], name
    wide = list(iter_documents([str(tmp_path / "wide.jsonl")]))
    assert [d.metadata.get("encoding") for d in wide if isinstance(d, Document)] == ["utf-16-le+bom"] * 2
    mixed = list(iter_documents([str(tmp_path / "mixed.jsonl")]))
    encodings = [d.metadata.get("encoding") for d in mixed if isinstance(d, Document)]
    assert encodings[0] is None and isinstance(encodings[1], str)  # named for the line that was not UTF-8
    assert lines[1].encode(encodings[1]) == lines[1].encode("cp1252")


def test_jsonl_is_read_as_the_records_are_taken(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "one"}) + "\n", encoding="utf-8")
    documents = iter_documents([str(path)])
    first = next(documents)
    # a record appended after the first was taken is still read: the file is not read whole up front
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "b", "text": "two"}) + "\n")
    assert [first.id] + [d.id for d in documents] == ["a", "b"]


def test_a_jsonl_id_that_names_nothing_fails_its_line(tmp_path: Path) -> None:
    """null became the id "None" and "" the name "document": the ids are the user's join key."""
    records = [{"id": None, "text": "a"}, {"id": "", "text": "b"}, {"id": " ", "text": "c"}, {"id": 7, "text": "d"}]
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs = list(iter_documents([str(tmp_path / "docs.jsonl")]))
    assert [isinstance(d, InputFailure) for d in docs] == [True, True, True, False]
    assert all('an "id" (a string or number, not empty)' in d.reason for d in docs if isinstance(d, InputFailure))
    assert docs[3].id == "7"


def test_a_jsonl_line_python_cannot_read_fails_alone(tmp_path: Path) -> None:
    """A 5,000-digit number and nesting past Python's stack raised out of the reader and ended the run."""
    lines = [
        json.dumps({"id": "first", "text": "a"}),
        '{"id": "long-number", "text": "b", "n": ' + "9" * 5000 + "}",
        '{"id": "too-deep", "text": "c", "m": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"id": "deep", "text": "d", "m": ' + "[" * 500 + "]" * 500 + "}",
        json.dumps({"id": "last", "text": "e"}),
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(iter_documents([str(tmp_path / "docs.jsonl")]))
    assert [d.id for d in docs if isinstance(d, Document)] == ["first", "last"]
    reasons = [d.reason for d in docs if isinstance(d, InputFailure)]
    assert ["4,300 digits" in reasons[0], "deeper than Python" in reasons[1], "100 levels" in reasons[2]] == [True] * 3
