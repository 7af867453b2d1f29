"""``lcel serve``: put runnables from a module or file on HTTP with uvicorn.

``TARGET`` is ``module:name`` or ``path/to/file.py:name`` naming a runnable (served at
``--path``, default ``/name``) or a mapping of paths to runnables (``routes = {"/joke":
chain, ...}``); a bare ``module`` or ``file.py`` serves its ``routes`` mapping. Several
targets may be given.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import socket
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lcel._runnable import Runnable

__all__ = ["load_routes", "serve"]


class ServeError(Exception):
    """A usage error of ``lcel serve`` (the CLI prints it and exits with status 2)."""


def _import(module_part: str) -> Any:  # Any: a module
    if module_part.endswith(".py") or "/" in module_part or os.sep in module_part:
        path = Path(module_part)
        if not path.is_file():
            raise ServeError(f"no such file: {module_part}")
        folder = str(path.resolve().parent)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        name = "_lcel_serve_" + "".join(c if c.isalnum() else "_" for c in path.stem)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ServeError(f"cannot load {module_part} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as error:
            del sys.modules[name]
            raise ServeError(f"running {module_part} failed: {type(error).__name__}: {error}") \
                from error
        return module
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_part)
    except Exception as error:
        raise ServeError(f"cannot import {module_part!r}: {type(error).__name__}: {error}") \
            from error


def load_routes(targets: Sequence[str], path: str | None = None) -> dict[str, Runnable[Any, Any]]:
    """Path → runnable for the ``TARGET`` arguments (see the module docstring)."""
    if path is not None and len(targets) != 1:
        raise ServeError("--path names the route of one TARGET; with several, each is served "
                         "at /NAME (or use a routes mapping)")
    routes: dict[str, Runnable[Any, Any]] = {}
    for target in targets:
        module_part, _, attr_path = (
            target.rpartition(":") if ":" in target else (target, "", "routes")
        )
        if not module_part or not attr_path:
            raise ServeError(f"target {target!r} must look like package.module:name, "
                             "path/to/file.py:name, or a module with a `routes` mapping")
        obj: Any = _import(module_part)
        for part in attr_path.split("."):
            if not hasattr(obj, part):
                raise ServeError(f"{module_part!r} has no attribute {attr_path!r}")
            obj = getattr(obj, part)
        if isinstance(obj, Runnable):
            found = {path if path is not None else "/" + attr_path.split(".")[-1]: obj}
        elif isinstance(obj, Mapping):
            if path is not None:
                raise ServeError(f"--path cannot rename the routes of the mapping {target}")
            found = dict(obj)
            for key, value in found.items():
                if not isinstance(key, str) or not isinstance(value, Runnable):
                    raise ServeError(f"{target} must map paths ('/name') to runnables; "
                                     f"{key!r} maps to a {type(value).__name__}")
        else:
            raise ServeError(f"{target} is a {type(obj).__name__}, not a Runnable or a mapping "
                             "of paths to runnables")
        for key in found:
            if key in routes:
                raise ServeError(f"two targets want the path {key!r}")
        routes.update(found)
    return routes


def serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; ``args`` from ``lcel serve``'s parser."""
    import uvicorn

    from lcel.server._app import create_app

    routes = load_routes(args.targets, args.path)
    try:
        app = create_app(routes, cors_origins=args.cors_origin or ())
    except (TypeError, ValueError) as error:
        raise ServeError(str(error)) from error
    try:
        sock = socket.create_server((args.host, args.port))
    except OSError as error:
        raise ServeError(f"cannot listen on {args.host}:{args.port}: {error}") from error
    host, port = sock.getsockname()[:2]
    base = f"http://{host}:{port}"
    lines = [f"lcel: serving on {base}"]
    lines += [f"  {base}{p}/invoke   playground: {base}{p}/playground/" for p in routes]
    print("\n".join(lines), flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level=args.log_level, lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
