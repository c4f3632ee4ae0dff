"""Stages by name (after dolma's ``core/registry.py``): config and CLI refer to these names."""

from __future__ import annotations

from importlib import import_module
from typing import TypeVar

from cleaner.errors import ConfigError
from cleaner.stages.base import Stage

_STAGES: dict[str, type[Stage]] = {}
# Each built-in stage module registers its stage on import; add new stage modules here.
_STAGE_MODULES = ("encoding", "boilerplate", "spin", "grammar")

S = TypeVar("S", bound=type[Stage])


def register(cls: S) -> S:
    """Class decorator: make a stage available under ``cls.name``; a second use of a name fails."""
    if cls.name in _STAGES and _STAGES[cls.name] is not cls:
        msg = f"two stages are registered as {cls.name!r}: {_STAGES[cls.name].__module__} and {cls.__module__}"
        raise ValueError(msg)
    _STAGES[cls.name] = cls
    return cls


def _load_builtin() -> None:
    for module in _STAGE_MODULES:
        import_module(f"cleaner.stages.{module}")


def stage_names() -> list[str]:
    """Every registered stage, in pipeline order."""
    _load_builtin()
    return [cls.name for cls in sorted(_STAGES.values(), key=lambda c: c.order)]


def stage_class(name: str) -> type[Stage]:
    """The stage registered under ``name``; an unknown name lists the valid ones."""
    _load_builtin()
    try:
        return _STAGES[name]
    except KeyError:
        msg = f"unknown stage {name!r}; valid stages: {', '.join(stage_names())}"
        raise ConfigError(msg) from None
