"""``lcel schema`` / ``python -m codegen TARGET... --out DIR [--check] [--stdout] [--verbose]``.

Writes ``DIR/<name>.input.schema.json`` and ``DIR/<name>.output.schema.json`` for every
runnable of the targets, and ``DIR/<module>.bundle.json`` per module. Everything is computed
before anything is written, and each file is replaced atomically, so an error leaves the
directory as it was.

Exit status: 0 done (or, with ``--check``, up to date); 1 ``--check`` found drift (a unified
diff is printed); 2 an error (one line on stderr, the traceback too with ``--verbose``).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from lcel._codegen.bundle import bundle_name, render_module
from lcel._codegen.targets import CodegenError, Found, find_runnables
from lcel._loader import Target, load_module, parse_target
from lcel.errors import shorten

__all__ = ["main", "generate"]

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2


def _parser(prog: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m codegen",
        description="Export the JSON Schema contracts (input, output, bundle) of lcel runnables.",
    )
    parser.add_argument(
        "targets",
        nargs="+",
        metavar="TARGET",
        help="package.module, package.module:name, path/to/file.py or path/to/file.py:name",
    )
    parser.add_argument("--out", metavar="DIR", help="directory the files go to")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 with a diff when the files on disk are out of date",
    )
    mode.add_argument(
        "--stdout",
        action="store_true",
        help="print one JSON object {file name: content} instead of writing",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="report each file; tracebacks on errors"
    )
    parser.add_argument(
        "--traceback", action="store_true", help="print the traceback of an error"
    )
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    """Run the command line; return the exit status (never raises ``SystemExit``)."""
    parser = _parser(prog)
    try:
        args = parser.parse_args(argv)
        if args.out is None and not args.stdout:
            parser.error("--out DIR is required (or --stdout)")
    except SystemExit as exc:  # argparse reports usage errors (status 2) and --help (0)
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        files, complete = _generate(args.targets)
        if args.stdout:
            _print_stdout(files, sys.stdout)
            return EXIT_OK
        out = Path(args.out)
        stale = _stale_files(out, files, complete)
        if args.check:
            return _check(out, files, stale, verbose=args.verbose)
        _write(out, files, stale, verbose=args.verbose)
        return EXIT_OK
    except CodegenError as exc:
        return _fail(str(exc), exc.cause or exc, verbose=args.verbose or args.traceback)
    except OSError as exc:  # an unreadable or unwritable --out
        return _fail(f"{type(exc).__name__}: {exc}", exc, verbose=args.verbose or args.traceback)
    except Exception as exc:  # a bug: still one line unless --verbose
        return _fail(
            f"internal error: {type(exc).__name__}: {shorten(str(exc), 300)}",
            exc,
            verbose=args.verbose or args.traceback,
        )


def generate(targets: Sequence[str]) -> dict[str, str]:
    """File name → text for every target (all computed before anything is written).

    Targets naming runnables of the same module share that module's bundle.
    """
    return _generate(targets)[0]


def _generate(targets: Sequence[str]) -> tuple[dict[str, str], set[str]]:
    """The files, and the bundles that cover their whole module (whose stale files may go)."""
    groups: dict[str, tuple[Target, list[Found]]] = {}
    partial: set[str] = set()
    for text in targets:
        target = parse_target(text)
        found = find_runnables(target, load_module(target))
        _, items = groups.setdefault(target.label, (target, []))
        if target.name is not None:
            partial.add(target.label)
        known = {f.name for f in items}
        items.extend(f for f in found if f.name not in known)
    files: dict[str, str] = {}
    owners: dict[str, str] = {}
    complete: set[str] = set()
    for label, (target, items) in groups.items():
        rendered = render_module(target, sorted(items, key=lambda f: f.name))
        for name, content in rendered.items():
            if name in files:
                raise CodegenError(
                    f"{label} and {owners[name]} both produce {name!r}; rename one runnable "
                    "or export the modules to different directories"
                )
            files[name] = content
            owners[name] = label
        if label not in partial:
            complete.add(bundle_name(target))
    return files, complete


def _print_stdout(files: dict[str, str], stream: TextIO) -> None:
    documents = {name: json.loads(text) for name, text in files.items()}
    stream.write(json.dumps(documents, sort_keys=True, indent=2, ensure_ascii=False) + "\n")


def _stale_files(out: Path, files: dict[str, str], bundles: set[str]) -> list[str]:
    """Schema files listed by the existing ``bundles`` (each covering a whole module) that
    the new output no longer has: their runnables are gone."""
    stale: list[str] = []
    for name in sorted(bundles):
        try:
            old = json.loads((out / name).read_text(encoding="utf-8"))
            entries = old.get("runnables", [])
            refs = [e[k]["$ref"] for e in entries for k in ("input_schema", "output_schema")]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            continue  # no bundle yet, or not ours: nothing to clean up
        stale.extend(
            r
            for r in refs
            if isinstance(r, str) and r not in files and Path(r).name == r and r not in stale
        )
    return sorted(stale)


def _check(out: Path, files: dict[str, str], stale: list[str], *, verbose: bool) -> int:
    drift = 0
    for name in sorted(files):
        path = out / name
        try:
            current = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current == files[name]:
            if verbose:
                print(f"codegen: up to date: {path}", file=sys.stderr)
            continue
        drift += 1
        before = [] if current is None else current.splitlines(keepends=True)
        sys.stdout.writelines(
            difflib.unified_diff(
                before,
                files[name].splitlines(keepends=True),
                fromfile="/dev/null" if current is None else _label("a", path),
                tofile=_label("b", path),
            )
        )
    for name in stale:
        path = out / name
        if not path.exists():
            continue
        drift += 1
        sys.stdout.writelines(
            difflib.unified_diff(
                path.read_text(encoding="utf-8").splitlines(keepends=True),
                [],
                fromfile=_label("a", path),
                tofile="/dev/null",
            )
        )
    if drift:
        print(
            f"codegen: {drift} file(s) in {out} differ from the code; run without --check "
            "to update them",
            file=sys.stderr,
        )
        return EXIT_DRIFT
    return EXIT_OK


def _label(side: str, path: Path) -> str:
    """A diff header: ``a/out/x.json`` for relative paths (git style), the path if absolute."""
    return path.as_posix() if path.is_absolute() else f"{side}/{path.as_posix()}"


def _write(out: Path, files: dict[str, str], stale: list[str], *, verbose: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(files):
        path = out / name
        try:
            if path.read_text(encoding="utf-8") == files[name]:
                continue  # unchanged: keep the file (and its mtime) as it is
        except FileNotFoundError:
            pass
        _atomic_write(path, files[name])
        if verbose:
            print(f"codegen: wrote {path}", file=sys.stderr)
    for name in stale:
        path = out / name
        if path.exists():
            path.unlink()
            if verbose:
                print(f"codegen: removed {path} (its runnable is gone)", file=sys.stderr)


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fail(message: str, cause: BaseException, *, verbose: bool) -> int:
    if verbose:
        traceback.print_exception(cause, file=sys.stderr)
    first_line = message.strip().splitlines()[0] if message.strip() else type(cause).__name__
    print(f"codegen: error: {first_line}", file=sys.stderr)
    return EXIT_ERROR
