"""What ``lcel schema`` exports from a target: the runnable it names, or without a name every
public module-level runnable (the names in ``__all__`` when the module defines it).

Parsing and importing targets is :mod:`lcel._loader`'s job, shared with the rest of the CLI.
"""

from __future__ import annotations

import types
from typing import Any

import attrs

from lcel._loader import Target, TargetError, resolve
from lcel._runnable import Runnable
from lcel.errors import quoted

__all__ = ["CodegenError", "Found", "find_runnables"]

CodegenError = TargetError
"""A failure reported in one line (exit status 2): codegen's name for :class:`TargetError`."""


@attrs.frozen
class Found:
    """A runnable to export: the name its files take, and the value."""

    name: str
    runnable: Runnable[Any, Any]


def find_runnables(target: Target, module: types.ModuleType) -> list[Found]:
    """The named runnable, or every public module-level runnable sorted by name."""
    if target.name is not None:
        return [Found(target.name, resolve(target, module))]
    public = getattr(module, "__all__", None)
    names = list(public) if public is not None else [n for n in vars(module) if n[:1] != "_"]
    found = [
        Found(n, value)
        for n in sorted(names)
        if isinstance(value := getattr(module, n, None), Runnable)
    ]
    if not found:
        raise CodegenError(f"no lcel Runnable found at module level in {quoted(target.where)}")
    return found
