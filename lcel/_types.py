"""Type variables and aliases shared by every module.

Type variables are named by role and variance: ``InT_contra`` is a runnable's input,
``OutT_co`` its output, ``OtherOutT`` the output of whatever it is composed with. Input and
output default to ``Any`` (PEP 696), so ``RunnableLambda(lambda x: x + 1)`` with nothing to
infer from is ``RunnableLambda[Any, Any]``, not an error asking for an annotation.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypeVar

__all__ = ["InT", "InT_contra", "KeyedOutput", "OtherInT", "OtherOutT", "OutT", "OutT_co", "T"]

InT_contra = TypeVar("InT_contra", contravariant=True, default=Any)
"""The input of a runnable: contravariant, a runnable of ``object`` accepts anything."""
OutT_co = TypeVar("OutT_co", covariant=True, default=Any)
"""The output of a runnable: covariant, a runnable of ``bool`` is a runnable of ``int``."""
InT = TypeVar("InT", default=Any)
"""An input type in an invariant position (constructors, factories)."""
OutT = TypeVar("OutT", default=Any)
"""An output type in an invariant position (constructors, factories)."""
OtherInT = TypeVar("OtherInT")
"""The input of the runnable on the other side of a composition."""
OtherOutT = TypeVar("OtherOutT")
"""The output of the runnable on the other side of a composition."""
T = TypeVar("T")
"""Any type."""

KeyedOutput = Any
"""The output of a parallel, an ``assign`` or a ``pick`` of several keys: a dict at run time.

``Any`` in plain typing (layer 1): keys cannot be typed without the mypy plugin, and a
``dict[str, Any]`` would be refused where a user's ``TypedDict`` is expected, a false error.
With the plugin (``lcel_mypy``) it is the precise ``TypedDict`` of the keys."""
