"""Targets: what ``python -m codegen`` is asked to export, and finding their runnables.

A target is ``package.module``, ``package.module:name``, ``path/to/file.py`` or
``path/to/file.py:name``. Without a name, every public module-level runnable is exported
(the names in ``__all__`` when the module defines it).
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

__all__ = ["CodegenError", "Found", "Target", "find_runnables", "load_module", "parse_target"]


class CodegenError(Exception):
    """A failure to report in one line (exit status 2); ``cause`` is kept for ``--verbose``."""

    def __init__(self, message: str, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@attrs.frozen
class Target:
    """One parsed target: a module (dotted name) or a file, and optionally one name in it."""

    text: str
    module: str | None
    path: Path | None
    name: str | None

    @property
    def stem(self) -> str:
        """The module's short name, used for the bundle file: ``pkg.jokes`` → ``jokes``."""
        if self.path is not None:
            return self.path.stem
        assert self.module is not None  # one of module / path is always set
        return self.module.rpartition(".")[2]

    @property
    def label(self) -> str:
        """How the bundle names the module: the dotted name, or the file's path relative to
        its project root (the nearest folder holding ``pyproject.toml``; just the file name
        outside any project), so the bundle depends on neither the machine nor the working
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


@attrs.frozen
class Found:
    """A runnable to export: the name its files take, and the value."""

    name: str
    runnable: Any  # Any: an lcel Runnable (checked by find_runnables)


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def parse_target(text: str) -> Target:
    """Parse a target string; raise :class:`CodegenError` for a malformed one."""
    ref, sep, name = text.strip().rpartition(":")
    if not sep:
        ref, name = name, ""
    elif not _dotted(name):
        raise CodegenError(
            f"bad target {text!r}: expected a name after ':' (e.g. pkg.module:chain)"
        )
    if ref.endswith(".py"):
        return Target(text, None, Path(ref), name or None)
    if not _dotted(ref):
        raise CodegenError(
            f"bad target {text!r}: expected package.module[:name] or path/to/file.py[:name]"
        )
    return Target(text, ref, None, name or None)


@contextmanager
def _on_sys_path(directory: str) -> Iterator[None]:
    added = directory not in sys.path
    if added:
        sys.path.insert(0, directory)
    try:
        yield
    finally:
        if added and directory in sys.path:
            sys.path.remove(directory)


def load_module(target: Target) -> types.ModuleType:
    """Import the target's module (a file is executed afresh on every call)."""
    if target.path is None:
        assert target.module is not None
        with _on_sys_path(os.getcwd()):
            try:
                return importlib.import_module(target.module)
            except (Exception, SystemExit) as exc:  # SystemExit: a module that exits
                raise CodegenError(
                    f"cannot import {target.module!r}: {type(exc).__name__}: {exc}", cause=exc
                ) from exc
    path = target.path
    if not path.is_file():
        raise CodegenError(f"cannot import {str(path)!r}: no such file")
    existing = _imported_from(path)
    if existing is not None and not getattr(existing, _MARK, False):
        return existing  # the program already imported it: use that module, as import would
    name = existing.__name__ if existing is not None else _free_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CodegenError(f"cannot import {str(path)!r}: not a Python module")
    module = importlib.util.module_from_spec(spec)
    setattr(module, _MARK, True)  # loaded by codegen: executed afresh on the next call
    previous = sys.modules.get(name)
    sys.modules[name] = module  # so its classes' string annotations resolve
    with _on_sys_path(str(path.resolve().parent)):
        try:
            spec.loader.exec_module(module)
        except (Exception, SystemExit) as exc:  # SystemExit: a module that exits
            if previous is None:
                del sys.modules[name]
            else:
                sys.modules[name] = previous
            raise CodegenError(
                f"cannot import {str(path)!r}: {type(exc).__name__}: {exc}", cause=exc
            ) from exc
    return module


_MARK = "__codegen_loaded__"


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
    return f"_codegen_target_.{stem}"


def find_runnables(target: Target, module: types.ModuleType) -> list[Found]:
    """The named runnable, or every public module-level runnable sorted by name."""
    from lcel import Runnable

    where = target.module or str(target.path)
    if target.name is not None:
        value: Any = module
        for part in target.name.split("."):
            try:
                value = getattr(value, part)
            except AttributeError as exc:
                raise CodegenError(f"{where!r} has no name {target.name!r}", cause=exc) from exc
        if not isinstance(value, Runnable):
            raise CodegenError(
                f"{where}:{target.name} is a {type(value).__name__}, not an lcel Runnable"
            )
        return [Found(target.name, value)]
    public = getattr(module, "__all__", None)
    names = list(public) if public is not None else [n for n in vars(module) if n[:1] != "_"]
    found = [
        Found(n, getattr(module, n))
        for n in sorted(names)
        if isinstance(getattr(module, n, None), Runnable)
    ]
    if not found:
        raise CodegenError(f"no lcel Runnable found at module level in {where!r}")
    return found
