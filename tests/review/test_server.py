"""The review server over real HTTP on 127.0.0.1: access rules and the JSON actions."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from cleaner.review.server import ReviewServer
from cleaner.review.state import ReviewState
from tests.review.runs import ARTICLE, HOSTILE, make_run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("run") / "out", {"alpha": ARTICLE, "hostile": HOSTILE})


@pytest.fixture
def server(run_dir: Path) -> Iterator[ReviewServer]:
    (run_dir / "review.json").unlink(missing_ok=True)
    srv = ReviewServer(ReviewState(run_dir))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def request(
    srv: ReviewServer, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    sent = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent | (headers or {}))
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def login(srv: ReviewServer) -> dict[str, str]:
    status, headers, _ = request(srv, "GET", f"/?token={srv.token}")
    assert status == 303
    return {"Cookie": headers["Set-Cookie"].split(";")[0]}


def api(srv: ReviewServer, cookie: dict[str, str], path: str, body: object = None) -> Any:
    status, _, data = request(srv, "POST" if body is not None else "GET", path, body, cookie)
    assert status == 200, data
    return json.loads(data)


def test_without_the_token_everything_is_refused(server: ReviewServer) -> None:
    for path in ("/", "/api/run", "/api/doc/0", "/static/app.js", f"/?token={server.token}x"):
        assert request(server, "GET", path)[0] == 403
    status, headers, data = request(server, "POST", "/api/decide", {"doc": 0, "item": "e0", "verdict": "reject"})
    assert status == 403
    # The page shows an API answer's `error`: a server restarted under an open tab must say why.
    assert headers["Content-Type"].startswith("application/json")
    assert "open the URL `cleaner review` printed" in json.loads(data)["error"]


def test_the_token_works_once_and_gives_a_session(server: ReviewServer) -> None:
    cookie = login(server)
    assert request(server, "GET", f"/?token={server.token}")[0] == 403
    status, headers, page = request(server, "GET", "/", headers=cookie)
    assert status == 200 and b"cleaner review" in page
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "HttpOnly" in login_header(server, cookie)


def login_header(srv: ReviewServer, cookie: dict[str, str]) -> str:
    # A browser that already has the session may open the link again: it is just redirected.
    status, headers, _ = request(srv, "GET", f"/?token={srv.token}", headers=cookie)
    assert status == 303
    return headers["Set-Cookie"]


def test_a_foreign_host_or_origin_is_refused(server: ReviewServer) -> None:
    cookie = login(server)
    assert request(server, "GET", "/api/run", headers=cookie | {"Host": "evil.example:80"})[0] == 403
    body = {"doc": 0, "item": "e0", "verdict": "reject"}
    status = request(server, "POST", "/api/decide", body, cookie | {"Origin": "http://evil.example"})[0]
    assert status == 403
    assert request(server, "POST", "/api/decide", body, cookie | {"Content-Type": "text/plain"})[0] == 415


def test_decide_bulk_undo_and_persistence(server: ReviewServer, run_dir: Path) -> None:
    cookie = login(server)
    run = api(server, cookie, "/api/run")
    assert [d["id"] for d in run["documents"]] == ["alpha", "hostile"]
    total = sum(d["pending"] for d in run["documents"])
    doc = api(server, cookie, "/api/doc/0")
    ad = next(e["item"] for e in doc["edits"] if e["before"] == "ADVERTISEMENT\n")
    doc = api(server, cookie, "/api/decide", {"doc": 0, "item": ad, "verdict": "reject"})
    assert doc["decisions"][ad]["verdict"] == "reject"
    assert "ADVERTISEMENT" in doc["final"]
    deleted = "".join(text for op, text in doc["diff"] if op == "delete")
    assert "Share this article" in deleted
    assert "ADVERTISEMENT" not in deleted
    bulk = api(server, cookie, "/api/bulk", {"verdict": "accept", "stage": "spin", "doc": None})
    assert bulk["count"] == 3  # one spin flag in alpha, two in hostile
    assert sum(d["pending"] for d in bulk["documents"]) == total - 4
    saved = json.loads((run_dir / "review.json").read_text(encoding="utf-8"))
    assert saved["decisions"]["hostile"]["f0"]["text"] == '<img src=y onerror="window.__xss = 3">'
    undone = api(server, cookie, "/api/undo", {})
    assert undone["undone"].startswith("accept all")
    assert sum(d["pending"] for d in undone["documents"]) == total - 1
    # A new server on the same folder (a restart) finds the decision.
    again = ReviewState(run_dir)
    assert again.doc_view(0)["decisions"][ad]["verdict"] == "reject"


def test_bad_requests_say_why(server: ReviewServer) -> None:
    cookie = login(server)
    status, _, data = request(server, "POST", "/api/decide", {"doc": 0, "item": "e99", "verdict": "reject"}, cookie)
    assert status == 400 and b"no item" in data
    status, _, data = request(server, "POST", "/api/decide", {"doc": 9, "item": "e0", "verdict": "reject"}, cookie)
    assert status == 400 and b"no document number 9" in data
    # What the page never sends is refused too: `learn` and `apply` trust what review.json holds.
    refused = [
        ({"doc": 1, "item": "f0", "verdict": "accept"}, b"one of its suggestions"),
        ({"doc": 1, "item": "f0", "verdict": "accept", "text": "anything at all"}, b"one of its suggestions"),
        ({"doc": 0, "item": "e0", "verdict": "reject", "text": "stray"}, b"takes no text"),
        ({"doc": 0, "item": "x3-9", "verdict": "custom", "text": ""}, b"not whole lines"),
        ({"doc": 0, "item": "x0-35", "verdict": "custom", "text": "a new line"}, b"puts nothing"),
    ]
    for body, why in refused:
        status, _, data = request(server, "POST", "/api/decide", body, cookie)
        assert status == 400 and why in data, (body, data)
    headline = ARTICLE.split("\n", 1)[0] + "\n"
    assert api(server, cookie, "/api/doc/0")["text"].startswith(headline)
    whole = {"doc": 0, "item": f"x0-{len(headline)}", "verdict": "custom", "text": ""}
    assert request(server, "POST", "/api/decide", whole, cookie)[0] == 200


def test_a_document_number_the_server_cannot_read_is_not_found(server: ReviewServer) -> None:
    """int() refuses 5,000 digits and a superscript two: the server printed a traceback and hung up."""
    cookie = login(server)
    for number in ("9" * 5000, "\u00b2"):
        assert request(server, "GET", f"/api/doc/{quote(number)}", headers=cookie)[0] == 404


@pytest.mark.parametrize(
    ("body", "headers", "why"),
    [
        ({"doc": 0, "item": "f\u00b2", "verdict": "accept"}, {}, b"no item"),  # a digit to str.isdigit
        ({"doc": 0, "item": "e00", "verdict": "reject"}, {}, b"no item"),  # e0 has one id only
        ({"verdict": "accept", "min_score": "abc"}, {}, b"min_score"),
        ({"doc": 0}, {"Content-Length": "abc"}, b"Content-Length"),
        ({"doc": 0, "item": "x0-" + "9" * 5000, "verdict": "accept"}, {}, b"no item"),  # past int()'s 4,300 digits
        (b"[" * 100_000 + b"]" * 100_000, {}, b"not JSON"),  # past Python's recursion limit
    ],
    ids=["superscript digit", "leading zero", "min_score text", "content-length text", "huge number", "deep nesting"],
)
def test_malformed_requests_are_answered_400(
    server: ReviewServer, body: object, headers: dict[str, str], why: bytes
) -> None:
    cookie = login(server)
    path = "/api/bulk" if "min_score" in str(body) else "/api/decide"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    conn.putrequest("POST", path)
    for name, value in (
        {"Content-Type": "application/json", "Content-Length": str(len(data))} | cookie | headers
    ).items():
        conn.putheader(name, value)
    conn.endheaders(data)
    response = conn.getresponse()
    assert response.status == 400 and why in response.read()
    conn.close()


def test_a_refused_post_does_not_spoil_the_next_request(server: ReviewServer) -> None:
    cookie = login(server)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", "/api/undo", body=b"{}", headers={"Content-Type": "text/plain"} | cookie)
    response = conn.getresponse()
    assert response.status == 415
    response.read()
    conn.request("GET", "/api/run", headers=cookie)  # http.client reconnects when the server closed
    response = conn.getresponse()
    assert response.status == 200 and b"documents" in response.read()
    conn.close()


def test_the_page_never_inserts_markup() -> None:
    script = (Path(__file__).parents[2] / "cleaner" / "review" / "static" / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_bulk_by_rule_takes_only_undecided_items_of_that_rule(server: ReviewServer) -> None:
    cookie = login(server)
    doc = api(server, cookie, "/api/doc/0")
    share = next(e for e in doc["edits"] if e["rule"] == "generic.share-prompt")
    api(server, cookie, "/api/decide", {"doc": 0, "item": share["item"], "verdict": "accept"})
    bulk = api(server, cookie, "/api/bulk", {"verdict": "reject", "rule": "generic.share-prompt", "doc": None})
    assert bulk["count"] == 0  # decided already: a bulk action does not overrule it
    bulk = api(server, cookie, "/api/bulk", {"verdict": "reject", "stage": "boilerplate", "doc": 0})
    doc = api(server, cookie, "/api/doc/0")
    rejected = sorted(item for item, d in doc["decisions"].items() if d["verdict"] == "reject")
    expected = sorted(e["item"] for e in doc["edits"] if e["stage"] == "boilerplate" and e["item"] != share["item"])
    assert bulk["count"] == len(expected) > 0
    assert rejected == expected
