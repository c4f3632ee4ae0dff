"""``cleaner review``: the review page served on 127.0.0.1, for the person at this machine only.

Access: the server listens on 127.0.0.1 at a free port and prints a URL with a one-time
token. Opening it trades the token for a session cookie (``HttpOnly``, ``SameSite=Strict``)
and redirects to the page; the token cannot be used a second time. Every other request needs
that cookie, comes from a loopback address and names this server in its ``Host`` header (so
a web page elsewhere cannot reach it through DNS rebinding); a POST must be JSON and, when
the browser says where it comes from, come from the page itself. Responses forbid inline
script (Content-Security-Policy), so even text that slipped into the page as markup could
not run; the page inserts all document text with ``textContent`` anyway.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cleaner.errors import CleanerError
from cleaner.review.apply import ApplyConfig
from cleaner.review.decisions import stale_note
from cleaner.review.state import BadRequest, ReviewState

HOST = "127.0.0.1"
MAX_BODY = 1 << 20
# A document's number in /api/doc/<n>: ASCII digits, few enough for int() ("²" is a digit to str.isdigit).
_DOC_NUMBER = re.compile(r"[0-9]{1,15}")
_STATIC = {
    "app.js": ("cleaner.review", "static/app.js", "text/javascript"),
    "app.css": ("cleaner.review", "static/app.css", "text/css"),
    "report.css": ("cleaner.report", "report.css", "text/css"),
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class ReviewServer(ThreadingHTTPServer):
    """The HTTP server around a :class:`ReviewState`, with its token and session secret."""

    daemon_threads = True

    def __init__(self, state: ReviewState, port: int = 0, *, log: bool = False) -> None:
        super().__init__((HOST, port), ReviewHandler)
        self.state = state
        self.log = log
        self.token = secrets.token_urlsafe(24)
        self.session = secrets.token_urlsafe(32)
        self.cookie_name = f"cleaner_review_{self.port}"
        self.token_used = False
        self.lock = threading.Lock()  # one action at a time: decisions are read, changed, saved

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The URL to open, with the one-time token."""
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def redeem(self, token: str) -> bool:
        """Whether ``token`` is the token and has not been used; it is used up by this call."""
        with self.lock:
            if self.token_used or not secrets.compare_digest(token.encode(), self.token.encode()):
                return False
            self.token_used = True
            return True


class ReviewHandler(BaseHTTPRequestHandler):
    """Routes: ``/`` the page, ``/static/*`` its files, ``/api/*`` JSON."""

    server: ReviewServer
    protocol_version = "HTTP/1.1"

    # -- checks --------------------------------------------------------------------------

    def _local(self) -> bool:
        try:
            loopback = ipaddress.ip_address(self.client_address[0]).is_loopback
        except ValueError:
            loopback = False
        host = self.headers.get("Host", "")
        return loopback and host in (f"{HOST}:{self.server.port}", f"localhost:{self.server.port}")

    def _has_session(self) -> bool:
        try:
            cookies = SimpleCookie(self.headers.get("Cookie", ""))
        except CookieError:
            return False
        morsel = cookies.get(self.server.cookie_name)
        return morsel is not None and secrets.compare_digest(morsel.value.encode(), self.server.session.encode())

    def _refuse(self) -> bool:
        """Send 403 and return True unless the request is local and carries the session."""
        if not self._local():
            self._send_error(HTTPStatus.FORBIDDEN, "only this machine may use the review server (127.0.0.1)")
            return True
        if not self._has_session():
            self._send_error(
                HTTPStatus.FORBIDDEN,
                "missing or used token (was the server restarted?): open the URL `cleaner review` printed, "
                "or start it again",
            )
            return True
        return False

    def _send_error(self, status: HTTPStatus, message: str) -> None:
        """``message`` as JSON to the page's requests (it shows their ``error``), as text to the rest."""
        if urlsplit(self.path).path.startswith("/api/"):
            self._send_json(status, {"error": message})
        else:
            self._send_text(status, message)

    # -- routes --------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        token = parse_qs(url.query).get("token", [""])[0]
        if url.path == "/" and token and self._local() and (self._has_session() or self.server.redeem(token)):
            self._redirect_with_session()
            return
        if url.path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, "text/plain", b"")
            return
        if self._refuse():
            return
        if url.path == "/":
            self._send_static("index.html", "text/html", ("cleaner.review", "static/index.html"))
        elif url.path.startswith("/static/") and url.path[8:] in _STATIC:
            package, name, kind = _STATIC[url.path[8:]]
            self._send_static(name, kind, (package, name))
        elif url.path == "/api/run":
            self._answer(lambda _body: self.server.state.run_view())
        elif url.path.startswith("/api/doc/") and _DOC_NUMBER.fullmatch(url.path[9:]):
            self._answer(lambda _body: self.server.state.doc_view(int(url.path[9:])))
        else:
            self._send_error(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:
        # A refused request's body is never read, so the connection cannot carry another one.
        self.close_connection = True
        if self._refuse():
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin not in (
            f"http://{HOST}:{self.server.port}",
            f"http://localhost:{self.server.port}",
        ):
            self._send_error(HTTPStatus.FORBIDDEN, "requests from other pages are refused")
            return
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            self._send_error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send JSON")
            return
        state = self.server.state
        actions = {"/api/decide": state.decide, "/api/bulk": state.bulk, "/api/undo": lambda _body: state.undo()}
        action = actions.get(urlsplit(self.path).path)
        if action is None:
            self._send_error(HTTPStatus.NOT_FOUND, "not found")
            return
        self.close_connection = False
        self._answer(action, read_body=True)

    def _answer(self, action: Callable[[dict[str, Any]], dict[str, Any]], *, read_body: bool = False) -> None:
        try:
            body = self._json_body() if read_body else {}
            with self.server.lock:
                data = action(body)
        except BadRequest as exc:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
            return
        except (CleanerError, OSError) as exc:
            self._send_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"not saved: {exc}"})
            return
        self._send_json(HTTPStatus.OK, data)

    def _json_body(self) -> dict[str, Any]:
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isascii() or not declared.isdigit():
            self.close_connection = True  # where this body ends is unknown
            msg = "Content-Length must be a number of bytes"
            raise BadRequest(msg)
        length = int(declared)
        if length > MAX_BODY:
            self.close_connection = True
            msg = "request too large"
            raise BadRequest(msg)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python reads
            msg = "the request is not JSON"
            raise BadRequest(msg) from None
        if not isinstance(body, dict):
            msg = "the request must be a JSON object"
            raise BadRequest(msg)
        return body

    # -- responses -----------------------------------------------------------------------

    def _redirect_with_session(self) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        cookie = f"{self.server.cookie_name}={self.server.session}; HttpOnly; SameSite=Strict; Path=/"
        self.send_header("Set-Cookie", cookie)
        self.send_header("Location", "/")
        self._common_headers("text/plain", 0)
        self.end_headers()

    def _send_static(self, name: str, kind: str, where: tuple[str, str]) -> None:
        data = files(where[0]).joinpath(where[1]).read_bytes()
        self._send(HTTPStatus.OK, kind, data)

    def _send_json(self, status: HTTPStatus, data: object) -> None:
        self._send(status, "application/json", json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _send_text(self, status: HTTPStatus, text: str) -> None:
        self._send(status, "text/plain", (text + "\n").encode("utf-8"))

    def _send(self, status: HTTPStatus, kind: str, data: bytes) -> None:
        self.send_response(status)
        self._common_headers(kind, len(data))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _common_headers(self, kind: str, length: int) -> None:
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        if self.close_connection:
            self.send_header("Connection", "close")

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            sys.stderr.write(f"review: {self.address_string()} {format % args}\n")


def serve(out_dir: Path, config: ApplyConfig, port: int = 0, *, log: bool = False) -> None:
    """Serve the review page for the run in ``out_dir`` until Ctrl-C."""
    server = ReviewServer(ReviewState(out_dir, config), port, log=log)
    print(f"review {out_dir} at {server.url}", flush=True)
    print("(this machine only; the link works once; Ctrl-C to stop; every decision is saved as you make it)")
    stale = server.state.stale()
    if stale:
        print(f"note: {stale_note(stale)}: the page leaves them out")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
