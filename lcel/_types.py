"""Type variables and aliases shared by every module.

Type variables are named by role and variance: ``InT_contra`` is a runnable's input,
``OutT_co`` its output, ``OtherOutT`` the output of whatever it is composed with.
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["InT", "InT_contra", "OtherInT", "OtherOutT", "OutT", "OutT_co", "T"]

InT_contra = TypeVar("InT_contra", contravariant=True)
"""The input of a runnable: contravariant, a runnable of ``object`` accepts anything."""
OutT_co = TypeVar("OutT_co", covariant=True)
"""The output of a runnable: covariant, a runnable of ``bool`` is a runnable of ``int``."""
InT = TypeVar("InT")
"""An input type in an invariant position (constructors, factories)."""
OutT = TypeVar("OutT")
"""An output type in an invariant position (constructors, factories)."""
OtherInT = TypeVar("OtherInT")
"""The input of the runnable on the other side of a composition."""
OtherOutT = TypeVar("OtherOutT")
"""The output of the runnable on the other side of a composition."""
T = TypeVar("T")
"""Any type."""
