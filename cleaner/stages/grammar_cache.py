"""The grammar stage's on-disk cache: LanguageTool's matches per paragraph, in SQLite.

Keyed by a hash of (paragraph, LanguageTool version, check options), so a rerun or a
paragraph repeated across documents costs no request, and a new LanguageTool version or
changed rules never see stale answers. WAL mode lets several worker processes share it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict
from pathlib import Path

from cleaner.languagetool import CheckOptions, LTMatch


class MatchCache:
    """LanguageTool's matches per paragraph in SQLite; safe for several worker processes at once."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / "languagetool.sqlite3", timeout=60, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS matches (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    @staticmethod
    def key(paragraph: str, version: str, options: CheckOptions) -> str:
        """The cache key of a paragraph checked by ``version`` with ``options`` (timeout aside)."""
        fields = asdict(options)
        fields.pop("timeout")
        blob = json.dumps([paragraph, version, fields], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> list[LTMatch] | None:
        row = self._db.execute("SELECT value FROM matches WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return [LTMatch(**{**m, "replacements": tuple(m["replacements"])}) for m in json.loads(row[0])]

    def put(self, key: str, matches: list[LTMatch]) -> None:
        value = json.dumps([asdict(m) for m in matches], ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO matches (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self._db.close()
