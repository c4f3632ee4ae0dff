"""Reading boilerplate rule packs: YAML files in ``rules/boilerplate/``, checked as they load.

The format and what each kind of rule does are in :mod:`cleaner.boilerplate.rules`. Loading
builds every rule and checks it against its own examples, so a pack whose examples disagree
with its patterns does not load; every problem is a :class:`ConfigError` naming the file and
line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cleaner.boilerplate.rules import KINDS, Rule
from cleaner.config import line_of, parse_yaml, read_text
from cleaner.errors import ConfigError

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_.-]*$")
_RULE_KEYS = {"id", "description", "pattern", "ignore_case", "keywords", "kind", "examples"}
_PACK_KEYS = {"description", "rules"}


@dataclass(frozen=True)
class RulePack:
    """The rules of one file, in file order."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    path: Path


def pack_files(paths: Iterable[Path]) -> list[Path]:
    """The ``*.yaml`` files among ``paths``; a folder stands for the packs in it, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("*.yaml"))
        elif path.is_file():
            found.append(path)
        else:
            msg = f"rule pack {path} does not exist; name a .yaml file or a folder of them"
            raise ConfigError(msg)
    return found


def load_packs(paths: Sequence[Path]) -> list[RulePack]:
    """Load every pack, refusing two rules with one id."""
    packs = [load_pack(path) for path in pack_files(paths)]
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.id in seen:
                msg = f"{rule.source}: rule id {rule.id!r} is already used at {seen[rule.id]}; ids must be unique"
                raise ConfigError(msg)
            seen[rule.id] = rule.source
    return packs


def load_pack(path: Path) -> RulePack:
    """Read and check one pack file; any problem is a ConfigError with file and line."""
    text = read_text(path, "the rule pack")
    try:
        data, node = parse_yaml(text)
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML: {exc}"
        raise ConfigError(msg) from None
    where = _Where(path, node)
    if not isinstance(data, dict):
        raise where.error([], "a rule pack is a mapping with `description` and `rules`")
    where.check_keys(data, _PACK_KEYS, [])
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise where.error(["rules"], "`rules` must be a non-empty list of rules")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip():
        raise where.error([], "the pack needs a `description` saying what it is for")
    built = tuple(_build_rule(raw, path.stem, where, ["rules", i]) for i, raw in enumerate(rules))
    return RulePack(name=path.stem, description=description, rules=built, path=path)


@dataclass(frozen=True)
class _Where:
    """Turns a position in a pack into a message with file and line."""

    path: Path
    node: yaml.Node | None

    def error(self, at: list[str | int], what: str) -> ConfigError:
        line = line_of(self.node, at) if at else None
        place = f"{self.path}:{line}" if line else f"{self.path}"
        return ConfigError(f"{place}: {what}")

    def check_keys(self, mapping: dict[str, Any], allowed: set[str], at: list[str | int]) -> None:
        unknown = sorted(set(mapping) - allowed)
        if unknown:
            raise self.error([*at, unknown[0]], f"unknown key(s) {', '.join(unknown)}; allowed: {sorted(allowed)}")


def _build_rule(raw: object, pack: str, where: _Where, at: list[str | int]) -> Rule:
    if not isinstance(raw, dict):
        raise where.error(at, "each rule is a mapping with id, description, pattern and examples")
    where.check_keys(raw, _RULE_KEYS, at)
    for key in ("id", "description", "pattern"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise where.error([*at, key] if key in raw else at, f"rule needs a non-empty text `{key}`")
    rule_id = raw["id"]
    if not _ID.match(rule_id) or not rule_id.startswith(pack + "."):
        raise where.error([*at, "id"], f"rule id {rule_id!r} must look like `{pack}.some-name` (the pack's file stem)")
    kind = raw.get("kind", "drop")
    if kind not in KINDS:
        allowed = ", ".join(f"`{k}`" for k in KINDS)
        raise where.error([*at, "kind"], f"rule {rule_id}: kind must be one of {allowed}, not {kind!r}")
    try:
        pattern = re.compile(raw["pattern"], re.IGNORECASE if raw.get("ignore_case") else 0)
    except re.error as exc:
        raise where.error([*at, "pattern"], f"rule {rule_id}: the pattern is not a valid regex: {exc}") from None
    if kind == "metadata" and not pattern.groupindex:
        raise where.error([*at, "pattern"], f"rule {rule_id}: a metadata rule needs named groups, e.g. (?P<date>...)")
    keywords = _keywords(raw.get("keywords", []), rule_id, where, [*at, "keywords"])
    must, must_not = _examples(raw.get("examples"), rule_id, where, [*at, "examples"])
    source = f"{where.path}:{line_of(where.node, at)}"
    rule = Rule(rule_id, raw["description"], pattern, kind, must, must_not, source, keywords)
    _check_examples(rule, where, [*at, "examples"])
    return rule


def _keywords(raw: object, rule_id: str, where: _Where, at: list[str | int]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(word, str) and word.strip() for word in raw):
        raise where.error(at, f"rule {rule_id}: keywords must list words or phrases, e.g. [newsletter, inbox]")
    return tuple(word.lower() for word in raw)


def _examples(raw: object, rule_id: str, where: _Where, at: list[str | int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise where.error(at[:-1], f"rule {rule_id} needs `examples` with `match` and `no_match` lists")
    where.check_keys(raw, {"match", "no_match"}, at)
    lists = []
    for key in ("match", "no_match"):
        value = raw.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise where.error([*at, key] if key in raw else at, f"rule {rule_id}: examples.{key} must list texts")
        lists.append(tuple(value))
    return lists[0], lists[1]


def _check_examples(rule: Rule, where: _Where, at: list[str | int]) -> None:
    for i, text in enumerate(rule.must_match):
        if not rule.matches(text):
            raise where.error([*at, "match", i], f"rule {rule.id} does not match its own example {text!r}")
    for i, text in enumerate(rule.must_not_match):
        if rule.matches(text):
            raise where.error([*at, "no_match", i], f"rule {rule.id} matches {text!r}, listed under no_match")
