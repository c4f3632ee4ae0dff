"""The review page in a real Chromium: keyboard review, persistence, apply, hostile text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cleaner.cli import main
from cleaner.model import Report
from cleaner.review.server import ReviewServer
from tests.review.runs import ARTICLE, HOSTILE, make_run

pytestmark = pytest.mark.browser


def open_run(page: Any, server: ReviewServer) -> None:
    page.goto(server.url)
    page.wait_for_selector("body[data-ready]")


def press(page: Any, key: str, status: str) -> None:
    """Press a key and wait until the page says the server has it."""
    page.keyboard.press(key)
    page.wait_for_function("s => document.getElementById('status').textContent.startsWith(s)", arg=status)


def statuses(page: Any) -> dict[str, str]:
    cards = page.query_selector_all("#items .item")
    return {card.get_attribute("data-item"): card.get_attribute("data-status") for card in cards}


def items_in_order(page: Any) -> list[str]:
    return [card.get_attribute("data-item") for card in page.query_selector_all("#items .item")]


def test_keyboard_decisions_survive_a_reload_and_apply_writes_them(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    cleaned = Report.model_validate_json((out / "report.json").read_bytes()).documents[0].text
    open_run(page, serve(out))
    order = items_in_order(page)  # text order: the ad line, the mojibake, the spin flag, the share line
    assert len(order) == 4 and order[2].startswith("f")
    assert page.get_attribute("#items .item.selected", "data-item") == order[0]
    press(page, "r", f"saved: reject {order[0]}")
    press(page, "a", f"saved: accept {order[1]}")
    press(page, "a", f"saved: accept {order[2]}")
    press(page, "r", f"saved: reject {order[3]}")
    press(page, "u", "undone:")
    press(page, "k", "undone:")  # moving changes nothing on the server
    assert page.get_attribute("#items .item.selected", "data-item") == order[2]

    page.reload()
    page.wait_for_selector("body[data-ready]")
    assert statuses(page) == {order[0]: "rejected", order[1]: "accepted", order[2]: "accepted", order[3]: "undecided"}
    assert page.text_content("#pending-total") == "1 undecided in 1 documents"
    page.select_option("#view", "inline")  # the word diff follows the decisions
    deleted = "".join(e.text_content() for e in page.query_selector_all("#text del"))
    inserted = "".join(e.text_content() for e in page.query_selector_all("#text ins"))
    assert "Share this article" in deleted and "ADVERTISEMENT" not in deleted
    assert "verdant" in deleted and "green" in inserted

    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 0
    expected = cleaned.replace("Tuesday.\n", "Tuesday.\nADVERTISEMENT\n").replace("verdant vehicle", "green car")
    assert expected != cleaned
    assert (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8") == expected


def test_decisions_survive_a_server_restart(tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE, "hostile": HOSTILE})
    first = serve(out)
    open_run(page, first)
    press(page, "n", "")  # the first undecided item of the first document
    selected = page.get_attribute("#items .item.selected", "data-item")
    press(page, "r", f"saved: reject {selected}")
    first.shutdown()
    first.server_close()
    second = serve(out)
    assert second.port != first.port or second.token != first.token
    open_run(page, second)
    assert statuses(page)[selected] == "rejected"


def test_next_undecided_goes_on_to_the_next_document_and_filters_narrow_the_list(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE, "hostile": HOSTILE})
    open_run(page, serve(out))
    page.select_option("#f-kind", "spin")
    assert [s for s in statuses(page).values()] == ["undecided"]
    page.fill("#f-score", "0.95")
    page.dispatch_event("#f-score", "input")
    assert statuses(page) == {}
    page.select_option("#f-kind", "")
    page.fill("#f-score", "0")
    page.dispatch_event("#f-score", "input")
    page.click("#bulk-accept")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('saved: accept 4 items')")
    press(page, "n", "")
    page.wait_for_function("() => document.getElementById('doc-title').textContent === 'hostile'")
    assert page.get_attribute("#items .item.selected", "data-item") == "f0"


def test_markup_in_a_document_is_shown_as_text_and_runs_nothing(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    out = make_run(tmp_path / "run", {"hostile": HOSTILE})
    open_run(page, serve(out))
    text = page.text_content("#text")
    assert "<script>window.__xss = 1</script>" in text
    assert '<img src=x onerror="window.__xss = 2">' in text
    suggestion = page.text_content("#items .item.selected .suggestions button")
    assert suggestion == '<img src=y onerror="window.__xss = 3">'
    press(page, "a", "saved: accept f0")  # the flag on <script> takes the markup suggestion
    for view in ("marked", "inline", "side"):
        page.select_option("#view", view)
        assert page.query_selector_all("main script, main img, main b") == []
    assert '<img src=y onerror="window.__xss = 3">' in page.text_content("#text")
    page.wait_for_timeout(200)  # an onerror handler, if any image had been made, fires by now
    assert page.evaluate("window.__xss") is None


def test_without_the_token_the_page_is_refused(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    server = serve(make_run(tmp_path / "run", {"alpha": ARTICLE}))
    response = page.goto(f"http://127.0.0.1:{server.port}/")
    assert response.status == 403
    assert "token" in page.text_content("body")


def test_report_html_shares_the_look(tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    style = (
        "s => { const c = getComputedStyle(document.querySelector(s));"
        " return [c.backgroundColor, c.color, c.fontFamily]; }"
    )
    page.goto((out / "report.html").as_uri())
    report_look = [page.evaluate(style, "del"), page.evaluate(style, "pre.text"), page.evaluate(style, "h1")]
    open_run(page, serve(out))
    app_look = [page.evaluate(style, "#text del"), page.evaluate(style, "pre.text"), page.evaluate(style, "h1")]
    assert report_look == app_look


def remove_line_by_hand(page: Any, line: str, offset: int) -> None:
    """Select four characters of ``line`` from ``offset`` in the text pane and press `x`."""
    page.evaluate(
        """([line, offset]) => {
            const piece = [...document.querySelectorAll('#text [data-at]')].find(e => e.textContent.includes(line));
            const at = piece.textContent.indexOf(line) + offset;
            window.getSelection().setBaseAndExtent(piece.firstChild, at, piece.firstChild, at + 4);
        }""",
        [line, offset],
    )
    page.keyboard.press("x")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('saved: custom x')")


def test_removing_a_line_by_hand(tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    open_run(page, serve(out))
    line = "Photo courtesy of the Riverside Press Office"
    remove_line_by_hand(page, line, 6)
    assert page.text_content("#text s.dropped") == line + "\n"
    assert "line removed by you" in page.text_content("#items")
    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 0
    assert line not in (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8")


def test_own_text_for_a_flag_picked_in_the_text(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    out = make_run(tmp_path / "run", {"alpha": ARTICLE})
    open_run(page, serve(out))
    page.click("#text mark.flag")
    assert page.get_attribute("#items .item.selected", "data-item") == "f0"
    page.keyboard.press("e")
    page.fill("#items .item.selected textarea", "hybrid bus")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('saved: custom f0')")
    assert page.get_attribute("#items .item[data-item=f0]", "data-status") == "custom"
    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 0
    assert "arrived in a hybrid bus on Monday" in (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8")


def test_marks_and_a_removed_line_after_an_emoji_fall_on_the_right_characters(
    tmp_path: Path, page: Any, serve: Callable[[Path], ReviewServer]
) -> None:
    # The report counts code points; the page's JavaScript strings count UTF-16 units, two
    # for each emoji, so every span after one is off by one unless the page converts.
    text = (
        "Emoji before the marks \U0001f600\U0001f600\n"
        "The mayor \U0001f697 arrived in a verdant vehicle on Monday.\n"
        "Then \U0001f4f7 the crowd went home\n"
        "The last line stays.\n"
    )
    out = make_run(tmp_path / "run", {"alpha": text})
    open_run(page, serve(out))
    assert page.text_content("#text mark.flag") == "verdant vehicle"
    line = "Then \U0001f4f7 the crowd went home"
    remove_line_by_hand(page, line, 9)
    assert page.text_content("#text s.dropped") == line + "\n"
    assert main(["apply", str(out), "--to", str(tmp_path / "final")]) == 0
    final = (tmp_path / "final" / "alpha.txt").read_text(encoding="utf-8")
    assert line not in final
    assert "arrived in a verdant vehicle on Monday.\nThe last line stays.\n" in final
