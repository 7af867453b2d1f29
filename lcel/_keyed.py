"""Named fallbacks for the keyed output types the ``lcel_mypy`` plugin builds.

The plugin (``lcel_mypy.py`` at the repository root) types the output of a parallel, a dict
of steps, ``assign`` and ``pick`` as a ``TypedDict`` whose fallback is one of these empty
classes. They exist so that mypy reports an unknown key as ``[typeddict-item]`` naming the
runnable kind, and so that the types mypy caches refer to classes in a real module. Nothing
uses them at run time.
"""

from __future__ import annotations

from typing import TypedDict

__all__ = ["AssignOutput", "ParallelOutput", "PickOutput"]


class ParallelOutput(TypedDict):
    """The output of ``RunnableParallel(...)`` or of a dict of steps in a composition."""


class AssignOutput(TypedDict):
    """The output of ``assign(...)``: the input's keys plus the assigned ones."""


class PickOutput(TypedDict):
    """The output of ``pick([...])``: the picked keys."""
