"""Targets: the one loader for ``package.module:name`` and ``path/to/file.py:name``.

``lcel run``/``batch``/``graph`` and ``lcel schema`` (``python -m codegen``) name runnables
the same way, so they parse, import and report the same way: every failure is a
:class:`TargetError` with a one-line message. ``name`` may be dotted (``module:obj.attr``);
codegen also takes a target without ``:name`` (every runnable of the module).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from lcel._runnable import Runnable
from lcel.errors import LcelError, quoted, shorten

__all__ = [
    "TargetError",
    "Target",
    "parse_target",
    "load_module",
    "lookup",
    "resolve",
    "load_runnable",
    "project_root",
]


class TargetError(LcelError):
    """A target that cannot be parsed, imported, found or exported: reported as one line
    (exit status 2); ``cause`` is kept for ``--traceback``/``--verbose``."""

    def __init__(self, message: str, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@attrs.frozen
class Target:
    """One parsed target: a module (dotted name) or a file, and optionally a name in it."""

    text: str
    module: str | None
    path: Path | None
    name: str | None

    @property
    def where(self) -> str:
        """The module part as the user wrote it."""
        return self.module if self.module is not None else str(self.path)

    @property
    def stem(self) -> str:
        """The module's short name: ``pkg.jokes`` → ``jokes``, ``dir/jokes.py`` → ``jokes``."""
        if self.path is not None:
            return self.path.stem
        assert self.module is not None  # one of module / path is always set
        return self.module.rpartition(".")[2]

    @property
    def label(self) -> str:
        """How a bundle names the module: the dotted name, or the file's path relative to
        its project root (the nearest folder holding ``pyproject.toml``; just the file name
        outside any project), so it depends on neither the machine nor the working
        directory."""
        if self.path is None:
            assert self.module is not None
            return self.module
        path = Path(os.path.abspath(self.path))
        root = project_root(path)
        return path.name if root is None else path.relative_to(root).as_posix()


def project_root(path: Path) -> Path | None:
    """The nearest folder above ``path`` holding a ``pyproject.toml``, if any."""
    for folder in path.parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def _is_path(ref: str) -> bool:
    return ref.endswith(".py") or "/" in ref or os.sep in ref


def parse_target(text: str, *, need_name: bool = False) -> Target:
    """Parse a target; raise :class:`TargetError` for a malformed one."""
    shape = (
        "package.module:name or path/to/file.py:name"
        if need_name
        else "package.module[:name] or path/to/file.py[:name]"
    )
    ref, sep, name = text.strip().rpartition(":")
    if not sep:
        ref, name = name, ""
    if (sep or need_name) and not _dotted(name):
        raise TargetError(f"bad target {quoted(text)}: must look like {shape}")
    if ref and _is_path(ref):
        return Target(text, None, Path(ref), name or None)
    if not _dotted(ref):
        raise TargetError(f"bad target {quoted(text)}: must look like {shape}")
    return Target(text, ref, None, name or None)


@contextmanager
def _on_sys_path(*directories: str, keep: bool) -> Iterator[None]:
    added = [d for d in dict.fromkeys(directories) if d not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        if not keep:
            for directory in added:
                if directory in sys.path:
                    sys.path.remove(directory)


def _failure(exc: BaseException) -> str:
    text = " ".join(str(exc)[:2000].split())
    return f"{type(exc).__name__}: {shorten(text, 300)}" if text else type(exc).__name__


def load_module(target: Target, *, keep_path: bool = False) -> types.ModuleType:
    """Import the target's module. A file is executed afresh on every call, unless the
    program already imported it (then that module is used, as ``import`` would).

    The working directory and the project root above it (for a module, so it is found
    from any folder of the project) or the file's folder (so it can import its neighbours)
    are on ``sys.path`` while it loads, and after when ``keep_path``.
    """
    if target.path is None:
        assert target.module is not None
        cwd = Path.cwd()
        root = project_root(cwd / "_")
        with _on_sys_path(str(cwd), *([str(root)] if root else []), keep=keep_path):
            try:
                return importlib.import_module(target.module)
            except (Exception, SystemExit) as exc:  # SystemExit: a module that exits
                raise TargetError(
                    f"cannot import {quoted(target.module)}: {_failure(exc)}", cause=exc
                ) from exc
    path = target.path
    if not path.is_file():
        raise TargetError(f"cannot import {quoted(str(path))}: no such file")
    existing = _imported_from(path)
    if existing is not None and not getattr(existing, _MARK, False):
        return existing
    name = existing.__name__ if existing is not None else _free_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"cannot import {quoted(str(path))}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    setattr(module, _MARK, True)  # loaded here: executed afresh on the next call
    previous = sys.modules.get(name)
    sys.modules[name] = module  # so its classes' string annotations resolve
    with _on_sys_path(str(path.resolve().parent), keep=keep_path):
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # SystemExit: a module that exits
            if previous is None:
                del sys.modules[name]
            else:
                sys.modules[name] = previous
            raise TargetError(
                f"cannot import {quoted(str(path))}: {_failure(exc)}", cause=exc
            ) from exc
    return module


_MARK = "__lcel_loaded__"


def _imported_from(path: Path) -> types.ModuleType | None:
    """The module in ``sys.modules`` loaded from ``path``, if any."""
    resolved = path.resolve()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.endswith(path.name) and Path(file).resolve() == resolved:
            return module
    return None


def _free_name(path: Path) -> str:
    """The stem as module name, unless another module has it (then a private alias)."""
    stem = path.stem if path.stem.isidentifier() else "_".join(path.stem.split())
    if stem not in sys.modules:
        return stem
    return f"_lcel_target_.{stem}"


def lookup(target: Target, module: types.ModuleType, name: str | None = None) -> object:
    """What the dotted ``name`` (the target's own by default) reaches in ``module``: for
    commands that take more than runnables (e.g. a mapping of routes)."""
    name = name if name is not None else target.name
    assert name is not None  # a target without a name names the module itself
    value: object = module
    for part in name.split("."):
        try:
            value = getattr(value, part)
        except AttributeError as exc:
            raise TargetError(
                f"{quoted(target.where)} has no attribute {quoted(name)}", cause=exc
            ) from None
    return value


def resolve(target: Target, module: types.ModuleType) -> Runnable[Any, Any]:
    """The runnable ``target.name`` names in ``module``."""
    value = lookup(target, module)
    if not isinstance(value, Runnable):
        raise TargetError(
            f"{target.where}:{target.name} is a {type(value).__name__}, not an lcel Runnable "
            "(compose one with `|`, or wrap a function in RunnableLambda)"
        )
    return value


def load_runnable(text: str, *, keep_path: bool = False) -> Runnable[Any, Any]:
    """Parse, import and resolve a ``module:name`` or ``file.py:name`` target."""
    target = parse_target(text, need_name=True)
    return resolve(target, load_module(target, keep_path=keep_path))
