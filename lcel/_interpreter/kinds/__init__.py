"""One module per node kind, each holding its sync and async handlers side by side and
registering them (``_dispatch.register``). Importing this package imports every module in
it, so a new kind is one new module here (plus its node class); see CONTRIBUTING.md.

A kind whose handlers import something heavy is left out here and loads on first use: its
node class names the module (``_kind_module``), as ``RunnableValidated`` does."""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["KIND_MODULES", "LAZY"]

LAZY = frozenset({"validation"})
"""Kind modules loaded on first use (``validation`` needs jsonschema)."""

KIND_MODULES = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    if not info.name.startswith("_") and info.name not in LAZY
)
"""The kind modules, imported (and so registered) in name order."""
