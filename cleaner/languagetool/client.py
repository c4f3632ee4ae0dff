"""Talking to a LanguageTool HTTP server: health checks, and checks through language-tool-python.

:class:`LanguageToolClient` uses language-tool-python with ``remote_server=``, which makes that
library skip its own download and server start: nothing is fetched at run time. Spans come
back in Python string offsets (LanguageTool counts UTF-16 code units).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import requests

if TYPE_CHECKING:
    from language_tool_python import LanguageTool

log = logging.getLogger(__name__)

WARM_UP_TEXT = "This sentence warms up the the rules."
# Seconds after which a first check still unanswered is reported as a wait (a warm server answers
# it in well under a second, a cold one in a few), so that a stuck server is not waited on in silence.
SLOW_FIRST_CHECK = 20.0


class ServerUnavailable(Exception):
    """The server did not answer (connection refused or reset, timeout)."""


class CheckFailed(Exception):
    """The server answered, but with an error (a text it refuses, an internal error)."""


def normalise_url(url: str) -> str:
    """The server's base URL with a trailing slash, whether or not ``url`` ends in ``/v2``.

    >>> normalise_url("http://127.0.0.1:8081")
    'http://127.0.0.1:8081/'
    >>> normalise_url("http://127.0.0.1:8081/v2/")
    'http://127.0.0.1:8081/'
    """
    url = url.rstrip("/")
    url = url.removesuffix("/v2")
    return url + "/"


def is_healthy(url: str, timeout: float = 2.0) -> bool:
    """Whether the server at ``url`` answers its language list (its health check)."""
    try:
        response = requests.get(normalise_url(url) + "v2/languages", timeout=timeout)
    except requests.RequestException:
        return False
    return response.status_code == 200


def wait_until_healthy(url: str, timeout: float, gave_up: Callable[[], str | None] = lambda: None) -> bool:
    """Poll the health check until it answers (True) or ``timeout`` passes or ``gave_up()`` says why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_healthy(url):
            return True
        if gave_up() is not None:
            return False
        time.sleep(0.2)
    return False


def language_codes(url: str, timeout: float = 10.0) -> set[str]:
    """The language codes the server at ``url`` knows (``en``, ``en-us``, ...), lower-cased; empty if it cannot say."""
    try:
        response = requests.get(normalise_url(url) + "v2/languages", timeout=timeout)
        response.raise_for_status()
        entries = response.json()
        return {str(e.get(key, "")).lower() for e in entries for key in ("code", "longCode")} - {""}
    except (requests.RequestException, ValueError, AttributeError, TypeError):
        return set()


def server_version(url: str, timeout: float = 120.0, language: str = "en-US") -> str:
    """The LanguageTool version of the server at ``url``, from a small check (which also warms its rules up).

    A wait longer than :data:`SLOW_FIRST_CHECK` is logged as a warning, with how long it may last.
    """
    waiting = f"the LanguageTool server at {url} answers its health check but not yet a check; "
    waiting += f"waiting up to {timeout:.0f} s in all (grammar.start_timeout)"
    note = threading.Timer(SLOW_FIRST_CHECK, log.warning, args=("%s", waiting))
    note.daemon = True
    note.start()
    try:
        response = requests.post(
            normalise_url(url) + "v2/check", data={"text": WARM_UP_TEXT, "language": language}, timeout=timeout
        )
        response.raise_for_status()
        version: str = response.json()["software"]["version"]
    except (requests.RequestException, ValueError, KeyError) as exc:
        msg = f"the LanguageTool server at {url} does not answer a check: {exc}"
        raise ServerUnavailable(msg) from exc
    finally:
        note.cancel()
    return version


@dataclass(frozen=True)
class LTMatch:
    """One LanguageTool match, with its span in Python string offsets of the checked text."""

    start: int
    end: int
    rule_id: str
    category: str
    issue_type: str
    message: str
    replacements: tuple[str, ...]


def python_end(text: str, start: int, utf16_length: int) -> int:
    """The end of a span given in UTF-16 code units (LanguageTool's Java strings) from ``start``.

    >>> python_end("a 😀 b", 2, 2)  # the emoji is two UTF-16 units, one Python character
    3
    >>> python_end("abc", 1, 2)
    3
    """
    units, end = 0, start
    while end < len(text) and units < utf16_length:
        units += 2 if ord(text[end]) > 0xFFFF else 1
        end += 1
    return end


@dataclass(frozen=True)
class CheckOptions:
    """What a check request asks for; the grammar stage builds it from its config."""

    language: str = "en-US"
    disabled_rules: tuple[str, ...] = ()
    enabled_rules: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()
    enabled_categories: tuple[str, ...] = ()
    enabled_only: bool = False
    picky: bool = False
    timeout: float = 120.0


class Checker(Protocol):
    """What checks a text: :class:`LanguageToolClient`, or a fake in unit tests."""

    def check(self, text: str) -> list[LTMatch]: ...


@cache
def _one_try_tool() -> type[LanguageTool]:
    """language-tool-python's ``LanguageTool``, asking the server once per check.

    The library asks again after any failure, which doubled the request timeout and, at a
    server that is gone, only waits more; the stage restarts servers itself. Built on first
    use, so that only the grammar stage imports the library.
    """
    import language_tool_python

    class OneTry(language_tool_python.LanguageTool):
        def _query_server(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["num_tries"] = 1
            return super()._query_server(*args, **kwargs)

    return OneTry


class LanguageToolClient:
    """language-tool-python pointed at a running server; never downloads or starts anything itself."""

    def __init__(self, url: str, options: CheckOptions) -> None:
        from language_tool_python.exceptions import LanguageToolError

        self.url = normalise_url(url)
        try:
            tool = _one_try_tool()(options.language, remote_server=self.url)
        except LanguageToolError as exc:
            msg = f"cannot reach the LanguageTool server at {self.url}: {exc}"
            raise ServerUnavailable(msg) from exc
        tool.disabled_rules = set(options.disabled_rules)
        tool.enabled_rules = set(options.enabled_rules)
        tool.disabled_categories = set(options.disabled_categories)
        tool.enabled_categories = set(options.enabled_categories)
        tool.enabled_rules_only = options.enabled_only
        tool.picky = options.picky
        # The library has one fixed request timeout (300 s) as a class attribute; ours is configurable.
        tool._TIMEOUT = options.timeout  # type: ignore[assignment]
        self.timeout = options.timeout
        self._tool = tool

    def check(self, text: str) -> list[LTMatch]:
        """The matches for ``text``; :class:`ServerUnavailable` or :class:`CheckFailed` if there are none to have."""
        from language_tool_python.exceptions import LanguageToolError

        try:
            matches = self._tool.check(text)
        except LanguageToolError as exc:
            slow = isinstance(exc.__cause__, requests.exceptions.ReadTimeout)
            if slow and is_healthy(self.url):  # the server is fine: this text is too much for it
                msg = f"a paragraph of {len(text):,} characters took longer than {self.timeout:g} s to check"
                raise CheckFailed(msg + "; raise grammar.request_timeout, or break the text into paragraphs") from exc
            if isinstance(exc.__cause__, OSError):  # requests' connection errors and timeouts
                raise ServerUnavailable(str(exc)) from exc
            raise CheckFailed(str(exc)) from exc
        return [_convert(match, text) for match in matches]


def _convert(match: Any, text: str) -> LTMatch:
    return LTMatch(
        start=match.offset,
        end=python_end(text, match.offset, match.error_length),
        rule_id=match.rule_id,
        category=match.category,
        issue_type=match.rule_issue_type,
        message=match.message,
        replacements=tuple(match.replacements),
    )
