"""Pipeline configuration: which stages run and how each is set up, from YAML.

The package ships ``defaults.yaml``; ``--config FILE`` is merged over it key by key, so a
user's file names only what it changes. Every stage's section is validated against that
stage's pydantic model; a mistake stops the run with the file, the line and what is wrong.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cleaner.errors import ConfigError
from cleaner.registry import stage_class, stage_names
from cleaner.stages.base import StageConfig

DEFAULTS_NAME = "defaults.yaml"
# Sections read by other commands than `run` (`cleaner apply` reads `review:`), so that one
# file can configure a whole workflow; `run` leaves them alone.
OTHER_SECTIONS = ("review",)


RULES_ENV = "CLEANER_RULES_DIR"


def rules_root() -> Path:
    """The directory that holds the shipped rule packs (``rules/`` with one folder per stage).

    Looked up in this order: the ``CLEANER_RULES_DIR`` environment variable; the ``rules/``
    folder of the source tree this package runs from (a checkout or an editable install);
    ``<prefix>/share/cleaner/rules`` (where a wheel that ships the packs as data files puts
    them). The stage config's ``rules_dir`` overrides all three.
    """
    env = os.environ.get(RULES_ENV)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[1] / "rules"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "cleaner" / "rules"


def cache_root() -> Path:
    """The ``.cache`` folder of the source tree this package runs from, where the stages keep
    what they build once (the spin stage's thesaurus index and model file, the grammar stage's
    checked paragraphs); the same whichever folder a run starts in."""
    return Path(__file__).resolve().parents[1] / ".cache"


@dataclass(frozen=True)
class PipelineConfig:
    """The stages to run, in pipeline order, each with its validated config."""

    stages: tuple[str, ...]
    settings: dict[str, StageConfig]


# libyaml's parser when PyYAML was built with it (the wheels are): ~10x faster than the pure-Python one
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, what: str) -> str:
    """The text of a file the user hands in (``what`` names it in messages); a
    :class:`ConfigError` when it cannot be read or is not UTF-8.

    >>> read_text(Path("/no/such.yaml"), "the config file")
    Traceback (most recent call last):
    ...
    cleaner.errors.ConfigError: cannot read the config file /no/such.yaml: No such file or directory
    """
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"cannot read {what} {path}: {exc.strerror or exc}"
        raise ConfigError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{what} {path} is not UTF-8 text (byte {exc.start} is not valid UTF-8); save it as UTF-8"
        raise ConfigError(msg) from None


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The data of a YAML document and its node tree (for line numbers); raises ``yaml.YAMLError``.

    The text is parsed once: the data is built from the node tree.

    >>> parse_yaml("a: [1, 2]")[0]
    {'a': [1, 2]}
    """
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _read_yaml(text: str, where: str) -> tuple[dict[str, Any], yaml.Node | None]:
    try:
        data, node = parse_yaml(text)
        data = data or {}
    except yaml.YAMLError as exc:
        msg = f"{where}: not valid YAML: {exc}"
        raise ConfigError(msg) from None
    if not isinstance(data, dict):
        msg = f"{where}: the top level must be a mapping of settings, found {type(data).__name__}"
        raise ConfigError(msg)
    return data, node


def line_of(node: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """The 1-based line of the value at ``path`` in a composed YAML document, if it is there."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            return None
    return node.start_mark.line + 1 if node is not None else None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_config(
    path: Path | str | None = None, stages: Sequence[str] | None = None, overrides: dict[str, Any] | None = None
) -> PipelineConfig:
    """Read the defaults, merge ``path`` and then ``overrides`` (from command-line options) over
    them, and pick ``stages`` (default: the config's list)."""
    if isinstance(stages, str):  # a string is a sequence of one-letter "stages"
        msg = f"stages must be a list of stage names, e.g. [{stages!r}], not the string {stages!r}"
        raise ConfigError(msg)
    default_text = files("cleaner").joinpath(DEFAULTS_NAME).read_text(encoding="utf-8")
    data, _ = _read_yaml(default_text, f"cleaner/{DEFAULTS_NAME}")
    node, where = None, f"cleaner/{DEFAULTS_NAME}"
    if path is not None:
        user, node = _read_yaml(read_text(Path(path), "the config file"), str(path))
        data, where = _merge(data, user), str(path)

    if overrides:
        data = _merge(data, overrides)
    chosen = list(stages) if stages is not None else data.pop("stages", stage_names())
    data.pop("stages", None)
    if not isinstance(chosen, list) or not all(isinstance(s, str) for s in chosen):
        msg = f"{where}: `stages` must be a list of stage names, e.g. [encoding, boilerplate]"
        raise ConfigError(msg)
    classes = [stage_class(name) for name in chosen]
    unknown = set(data) - set(stage_names()) - set(OTHER_SECTIONS)
    if unknown:
        valid = ", ".join(["stages", *stage_names(), *OTHER_SECTIONS])
        msg = f"{where}: unknown section(s) {', '.join(sorted(unknown))}; valid: {valid}"
        raise ConfigError(msg)

    _check_unused_sections(data, chosen, where, node)
    settings: dict[str, StageConfig] = {}
    for cls in sorted(classes, key=lambda c: c.order):
        try:
            settings[cls.name] = cls.config_model.model_validate(data.get(cls.name) or {})
        except ValidationError as exc:
            raise ConfigError(_describe(exc, cls.name, where, node, overrides or {})) from None
    return PipelineConfig(stages=tuple(settings), settings=settings)


def _check_unused_sections(data: dict[str, Any], chosen: list[str], where: str, node: yaml.Node | None) -> None:
    """Refuse misspelt settings in the section of a stage this run does not use too: the user
    would otherwise learn of them only when the stage runs. Values are checked when it does."""
    for name in sorted(set(data) & set(stage_names()) - set(chosen)):
        section = data[name]
        if not isinstance(section, dict):
            continue
        fields = stage_class(name).config_model.model_fields
        unknown = sorted(str(key) for key in section if key not in fields)
        if unknown:
            line = line_of(node, [name, unknown[0]])
            at = f"{where}:{line}" if line else where
            msg = f"{at}: unknown setting(s) {', '.join(unknown)} in `{name}`; valid: {', '.join(fields)}"
            raise ConfigError(msg)


def _holds(data: Any, path: Sequence[str | int]) -> bool:
    """Whether nested mapping ``data`` has a value at ``path``.

    >>> _holds({"grammar": {"server_url": "x"}}, ["grammar", "server_url"]), _holds({}, ["grammar"])
    (True, False)
    """
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def _describe(exc: ValidationError, section: str, where: str, node: yaml.Node | None, overrides: dict[str, Any]) -> str:
    problems = []
    for error in exc.errors():
        path = [section, *error["loc"]]
        line = line_of(node, path)
        at = "a command-line option" if _holds(overrides, path) else f"{where}:{line}" if line else where
        dotted = ".".join(str(p) for p in path)
        problems.append(f"{at}: {dotted}: {error['msg']}")
    return "invalid configuration:\n  " + "\n  ".join(problems)
