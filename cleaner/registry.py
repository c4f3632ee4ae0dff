"""Stages by name (after dolma's ``core/registry.py``): config and CLI refer to these names."""

from __future__ import annotations

from importlib import import_module
from typing import TypeVar

from cleaner.errors import ConfigError
from cleaner.stages.base import Stage

_STAGES: dict[str, type[Stage]] = {}
# The built-in stages in pipeline order, each in the module ``cleaner.stages.<name>``, which
# registers it on import. A module is imported when its stage is asked for: a run of the first
# two stages does not load the language model's or LanguageTool's code. Add new stage modules here.
_BUILTIN = ("encoding", "boilerplate", "spin", "grammar")

S = TypeVar("S", bound=type[Stage])


def register(cls: S) -> S:
    """Class decorator: make a stage available under ``cls.name``; a second use of a name fails."""
    if cls.name in _STAGES and _STAGES[cls.name] is not cls:
        msg = f"two stages are registered as {cls.name!r}: {_STAGES[cls.name].__module__} and {cls.__module__}"
        raise ValueError(msg)
    _STAGES[cls.name] = cls
    return cls


def stage_names() -> list[str]:
    """Every stage, in pipeline order.

    >>> stage_names()
    ['encoding', 'boilerplate', 'spin', 'grammar']
    """
    if set(_STAGES) <= set(_BUILTIN):  # the order is known without importing what is not loaded yet
        return list(_BUILTIN)
    for name in _BUILTIN:  # a stage registered from elsewhere takes its place by its order
        stage_class(name)
    return [cls.name for cls in sorted(_STAGES.values(), key=lambda c: c.order)]


def stage_class(name: str) -> type[Stage]:
    """The stage registered under ``name``; an unknown name lists the valid ones."""
    if name in _BUILTIN and name not in _STAGES:
        import_module(f"cleaner.stages.{name}")
    try:
        return _STAGES[name]
    except KeyError:
        msg = f"unknown stage {name!r}; valid stages: {', '.join(stage_names())}"
        raise ConfigError(msg) from None
