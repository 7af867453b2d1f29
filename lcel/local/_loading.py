"""The ``local`` extra: finding its packages and files, and loading each model once.

Models are frozen values (comparable, hashable, picklable); what they load — a ``Llama``
handle, an ONNX session — lives here, in a per-process cache keyed by the file and the
load settings, so equal models share one handle and a copy sent to another process loads
its own there.
"""

from __future__ import annotations

import atexit
import importlib
import importlib.machinery
import importlib.util
import os
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from lcel.errors import LcelError, shorten

__all__ = [
    "BUILD_HINT",
    "MissingExtraError",
    "cached",
    "check_file",
    "check_installed",
    "packaged_file",
    "require",
]

BUILD_HINT = (
    "pip install 'lcel[local]'  (llama-cpp-python compiles from source; on a small machine "
    'set CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" first: about 5 minutes on 2 cores)'
)
"""What to run when the extra is missing: the install command and the build note."""

_T = TypeVar("_T")


class MissingExtraError(LcelError, ImportError):
    """A local model needs a package of the ``local`` extra that is not installed."""


def _missing(what: str, packages: list[str]) -> MissingExtraError:
    names = ", ".join(repr(p) for p in packages)
    verb = "is" if len(packages) == 1 else "are"
    return MissingExtraError(
        f"{what} needs the 'local' extra, and {names} {verb} not installed: {BUILD_HINT}"
    )


def require(module: str, *, package: str, needed_by: str) -> ModuleType:
    """Import ``module`` (from the PyPI ``package``) or raise :class:`MissingExtraError`."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name is not None and error.name != module:
            raise  # the package is there but broken: its own error says why
        raise _missing(needed_by, [package]) from None


def check_installed(modules: dict[str, str], *, needed_by: str) -> None:
    """Raise one :class:`MissingExtraError` naming every package of ``modules`` (module
    name to PyPI name) that is not installed. Nothing is imported: the check stays cheap."""
    missing = [package for module, package in modules.items() if _find(module) is None]
    if missing:
        raise _missing(needed_by, missing)


def _find(module: str) -> importlib.machinery.ModuleSpec | None:
    try:
        return importlib.util.find_spec(module)
    except ValueError:  # a module in sys.modules without a spec: it is there
        return importlib.machinery.ModuleSpec(module, None)


def packaged_file(module: str, relative: str, *, package: str, needed_by: str) -> Path:
    """The file ``relative`` inside the installed package ``module``, found without
    importing the package (some data packages import heavy SDKs in their ``__init__``)."""
    spec = _find(module)
    if spec is None or not spec.submodule_search_locations:
        raise _missing(needed_by, [package])
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / relative
        if candidate.is_file():
            return candidate
    raise LcelError(
        f"{needed_by}: the installed package {package!r} has no {relative!r}; "
        f"reinstall it: pip install --force-reinstall {package}"
    )


def check_file(owner: str, field: str, value: object) -> str:
    """``value`` as a path string to an existing file, or a clear error."""
    if not isinstance(value, str | os.PathLike):
        raise TypeError(f"{owner} {field} must be a path (str or PathLike), got {shorten(value)}")
    path = os.fspath(value)
    if not isinstance(path, str) or not os.path.isfile(path):
        raise FileNotFoundError(f"{owner} {field}: no such file {shorten(str(path))!r}")
    return path


_lock = threading.Lock()
_cache: dict[tuple[int, Hashable], object] = {}


@atexit.register
def _close_all() -> None:
    """Close what was loaded while the interpreter is whole: left to the garbage collector
    at shutdown, a llama.cpp handle frees itself after its module is torn down and prints
    a traceback."""
    with _lock:
        loaded = list(_cache.values())
        _cache.clear()
    for value in loaded:
        close: Callable[[], object] | None = getattr(value, "close", None)
        if close is not None:
            close()


def cached(key: Hashable, load: Callable[[], _T]) -> _T:
    """``load()``'s result, computed once per process for ``key``.

    One lock serialises loads: two threads asking for the same model load it once. The
    process id is part of the key, so a forked child loads its own handle.
    """
    full = (os.getpid(), key)
    with _lock:
        if full not in _cache:
            _cache[full] = load()
        return _cache[full]  # type: ignore[return-value]  # load() for this key made it
