"""LanguageTool for the grammar stage: :mod:`.server` runs it from the installed jars on
127.0.0.1, :mod:`.client` talks to a running server. Nothing is downloaded at run time."""

from cleaner.languagetool.client import (
    WARM_UP_TEXT,
    Checker,
    CheckFailed,
    CheckOptions,
    LanguageToolClient,
    LTMatch,
    ServerUnavailable,
    is_healthy,
    language_codes,
    normalise_url,
    python_end,
    server_version,
    wait_until_healthy,
)
from cleaner.languagetool.server import (
    LIB_DIR_ENV,
    MAIN_CLASS,
    LanguageToolServer,
    check_installation,
    default_lib_dir,
    free_port,
    recorded_failure,
    serve_forever,
)

__all__ = [
    "LIB_DIR_ENV",
    "MAIN_CLASS",
    "WARM_UP_TEXT",
    "CheckFailed",
    "CheckOptions",
    "Checker",
    "LTMatch",
    "LanguageToolClient",
    "LanguageToolServer",
    "ServerUnavailable",
    "check_installation",
    "default_lib_dir",
    "free_port",
    "is_healthy",
    "language_codes",
    "normalise_url",
    "python_end",
    "recorded_failure",
    "serve_forever",
    "server_version",
    "wait_until_healthy",
]
