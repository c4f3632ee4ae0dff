"""Running LanguageTool: find the installed jars and start its HTTP server on 127.0.0.1.

The project installs LanguageTool itself (``tools/languagetool/install.sh``, run by
``make setup``) and never downloads anything at run time: :class:`LanguageToolServer`
starts ``org.languagetool.server.HTTPServer`` from those jars on a free port.

The server binds to 127.0.0.1 only (HTTPServer does unless given ``--public``). It is
stopped by :meth:`LanguageToolServer.stop`, at interpreter exit, and, on Linux, by the
kernel when the thread that started it goes away (so a killed ``cleaner`` leaves no
server behind). If it dies while running, a watchdog thread restarts it on the same port,
at most ``max_restarts`` times; clients that lost a request wait for it and retry.

The server's log, and the reason it is gone for good once it is (for worker processes,
which hold no handle on it), are kept in a temporary folder named after the process that
started it. A folder whose process is gone (killed by SIGKILL, which leaves no chance to
clean up) is removed by the next start.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from cleaner.errors import ConfigError, FatalError
from cleaner.languagetool.client import ServerUnavailable, server_version, wait_until_healthy
from cleaner.processes import die_with_parent

log = logging.getLogger(__name__)

LIB_DIR_ENV = "CLEANER_LANGUAGETOOL_DIR"
MAIN_CLASS = "org.languagetool.server.HTTPServer"
HOW_TO_INSTALL = "install it with `make setup` (or `bash tools/languagetool/install.sh`)"
HOW_TO_SKIP = "or run without the grammar stage, e.g. `cleaner run ... --stages encoding,boilerplate`"
RUN_DIR_PREFIX = "languagetool-"


# -- finding the installation ----------------------------------------------------------------


def default_lib_dir() -> Path:
    """Where the jars are: ``$CLEANER_LANGUAGETOOL_DIR``, else ``tools/languagetool/lib`` of this checkout."""
    configured = os.environ.get(LIB_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "tools" / "languagetool" / "lib"


def check_installation(lib_dir: Path, java: str = "java") -> str:
    """The Java executable to use; a :class:`ConfigError` telling what to do if Java or the jars are missing
    (a setting, ``grammar.java`` or ``grammar.languagetool_dir``, or the set-up)."""
    if not any(lib_dir.glob("languagetool-server-*.jar")):
        msg = (
            f"LanguageTool is not installed (no languagetool-server jar in {lib_dir}): {HOW_TO_INSTALL}, {HOW_TO_SKIP}"
        )
        raise ConfigError(msg)
    found = shutil.which(java)
    if found is None:
        msg = f"Java ({java!r}) not found; the grammar stage needs it to run LanguageTool: "
        msg += f"install Java 17 (apt-get install openjdk-17-jre-headless), {HOW_TO_SKIP}"
        raise ConfigError(msg)
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_in_use(port: int) -> bool:
    """Whether something already listens on ``port`` of 127.0.0.1 (another LanguageTool, say)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


# -- a server's files ------------------------------------------------------------------------


def _make_run_dir() -> Path:
    """A new temporary folder for a server's files, named after this process."""
    _remove_orphaned_run_dirs(Path(tempfile.gettempdir()))
    return Path(tempfile.mkdtemp(prefix=f"{RUN_DIR_PREFIX}{os.getpid()}-"))


def _remove_orphaned_run_dirs(folder: Path) -> None:
    """Remove the run folders in ``folder`` whose process no longer runs."""
    for run_dir in folder.glob(f"{RUN_DIR_PREFIX}*-*"):
        pid = run_dir.name.removeprefix(RUN_DIR_PREFIX).split("-")[0]
        if pid.isdigit() and run_dir.is_dir() and not _process_exists(int(pid)):
            shutil.rmtree(run_dir, ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def recorded_failure(path: Path | None) -> str | None:
    """Why the server whose ``failure_path`` this is has gone for good; None while it has not.

    Worker processes ask this: the watchdog that knows runs in the process that started the server.
    """
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


# -- running a server ----------------------------------------------------------------------


_LIVE: set[LanguageToolServer] = set()


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()


class LanguageToolServer:
    """One LanguageTool HTTP server process on 127.0.0.1, restarted by a watchdog if it dies."""

    def __init__(
        self,
        lib_dir: Path | None = None,
        *,
        port: int | None = None,
        java: str = "java",
        java_options: Sequence[str] = (),
        start_timeout: float = 120.0,
        max_restarts: int = 1,
    ) -> None:
        self.lib_dir = lib_dir if lib_dir is not None else default_lib_dir()
        self.port = port if port is not None else free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.java = java
        self.java_options = tuple(java_options)
        self.start_timeout = start_timeout
        self.max_restarts = max_restarts
        self.restarts = 0
        self.version = ""
        self.ready_seconds = 0.0  # from start to the first answer of the health check
        self.start_seconds = 0.0  # ... and to the end of the warm-up check
        self.failure: str | None = None
        self.owner_pid = os.getpid()  # a forked worker holds a copy of this object, not the server
        self._process: subprocess.Popen[bytes] | None = None
        self._run_dir: Path | None = None  # the log and the failure file, made by start()
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # between stop() and a restart in the watchdog
        self._watchdog: threading.Thread | None = None

    def __enter__(self) -> LanguageToolServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def failure_path(self) -> Path | None:
        """The file that holds :attr:`failure` once there is one (read it with :func:`recorded_failure`)."""
        return self._run_dir / "failure.txt" if self._run_dir is not None else None

    def start(self) -> LanguageToolServer:
        """Start the server, wait for its health check, warm it up; :class:`FatalError` if it will not come up."""
        java = check_installation(self.lib_dir, self.java)
        started = time.monotonic()
        _LIVE.add(self)
        try:
            self._process = self._spawn(java)
            self._wait_ready(self._process)
            self.ready_seconds = time.monotonic() - started
            self.version = server_version(self.url, timeout=self.start_timeout)
        except (FatalError, ServerUnavailable) as exc:
            msg = f"the LanguageTool server did not start: {exc}{self._log_tail()}"
            self.stop()
            raise FatalError(msg) from None
        except BaseException:  # Ctrl-C while starting: leave no server behind
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        log.info("LanguageTool %s ready at %s in %.1f s", self.version, self.url, self.start_seconds)
        self._watchdog = threading.Thread(target=self._watch, args=(java,), name="languagetool-watchdog", daemon=True)
        self._watchdog.start()
        return self

    def stop(self) -> None:
        """Stop the server (and its watchdog); safe to call more than once."""
        with self._lock:
            self._stopping.set()
            process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watchdog is not None and self._watchdog is not threading.current_thread():
            self._watchdog.join(timeout=10)
        _LIVE.discard(self)
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None

    def alive(self) -> bool:
        """Whether the process is running (not whether it answers: see :func:`is_healthy`)."""
        return self._process is not None and self._process.poll() is None

    def kill_for_test(self) -> None:
        """Kill the process as a crash would (SIGKILL), leaving the watchdog to react."""
        if self._process is not None:
            self._process.kill()

    @property
    def _log_path(self) -> Path | None:
        return self._run_dir / "server.log" if self._run_dir is not None else None

    def _spawn(self, java: str) -> subprocess.Popen[bytes]:
        if self._run_dir is None:
            self._run_dir = _make_run_dir()
        command = [java, *self.java_options, "-cp", str(self.lib_dir / "*"), MAIN_CLASS, "--port", str(self.port)]
        with (self._run_dir / "server.log").open("ab") as out:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C reaches cleaner, which stops the server in order, and not
                # the server directly (which the watchdog would take for a crash and restart).
                start_new_session=True,
                preexec_fn=die_with_parent,  # runs in the child between fork and exec
            )

    def _wait_ready(self, process: subprocess.Popen[bytes]) -> None:
        def exited() -> str | None:
            code = process.poll()
            return None if code is None else f"the server exited with code {code}"

        if not wait_until_healthy(self.url, self.start_timeout, gave_up=exited):
            reason = exited() or f"no answer on {self.url} within {self.start_timeout:.0f} s"
            raise ServerUnavailable(reason)

    def _watch(self, java: str) -> None:
        """Wait on the process; if it dies unasked, start it again (up to ``max_restarts`` times)."""
        while not self._stopping.is_set():
            process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if self.restarts >= self.max_restarts:
                self._give_up(
                    f"the LanguageTool server died (exit code {code}) after {self.restarts} restart(s), "
                    f"the most allowed (grammar.max_restarts){self._log_tail()}"
                )
                return
            self.restarts += 1
            log.warning(
                "LanguageTool server died (exit code %s); restarting it (%d of %d)",
                code,
                self.restarts,
                self.max_restarts,
            )
            try:
                with self._lock:
                    if self._stopping.is_set():
                        return
                    self._process = self._spawn(java)
                self._wait_ready(self._process)
            except (OSError, ServerUnavailable) as exc:
                self._give_up(f"the LanguageTool server died and did not restart: {exc}{self._log_tail()}")
                return

    def _give_up(self, reason: str) -> None:
        """Record why the server is gone for good, here and in :attr:`failure_path` for worker processes."""
        self.failure = reason
        log.error("%s", reason)
        path = self.failure_path
        if path is not None:
            partial = path.with_suffix(".partial")
            with contextlib.suppress(OSError):  # stop() may have removed the folder meanwhile
                partial.write_text(reason, encoding="utf-8")
                partial.replace(path)  # a reader never sees half of it

    def _log_tail(self, lines: int = 8) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        tail = self._log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n  server log:\n    " + "\n    ".join(tail) if tail else ""


def serve_forever(port: int = 8081, lib_dir: Path | None = None, java_options: Sequence[str] = ()) -> int:
    """Keep one server up for many runs (``cleaner grammar-server``) until Ctrl-C; the exit status."""
    if port_in_use(port):
        # the health check would be answered by whatever listens there, and the server restarted for ever
        print(f"cleaner grammar-server: port {port} on 127.0.0.1 is in use; choose another --port", file=sys.stderr)
        return 1
    server = LanguageToolServer(lib_dir, port=port, java_options=java_options, max_restarts=sys.maxsize)
    try:
        server.start()
    except (ConfigError, FatalError) as exc:
        print(f"cleaner grammar-server: {exc}", file=sys.stderr)
        return 1
    print(f"LanguageTool {server.version} listening on {server.url} (started in {server.start_seconds:.1f} s)")
    print(f"use it with: cleaner run ... --grammar-server {server.url}   (Ctrl-C stops it)")
    try:
        while server.failure is None:
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("stopping the LanguageTool server")
        return 0
    finally:
        server.stop()
    print(f"cleaner grammar-server: {server.failure}", file=sys.stderr)
    return 1
