"""``lcel serve``: put runnables from a module or file on HTTP with uvicorn.

``TARGET`` is ``module:name`` or ``path/to/file.py:name`` naming a runnable (served at
``--path``, default ``/name``) or a mapping of paths to runnables (``routes = {"/joke":
chain, ...}``); a bare ``module`` or ``file.py`` serves its ``routes`` mapping. Several
targets may be given.
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from lcel._loader import TargetError, load_module, lookup, parse_target
from lcel._runnable import Runnable

__all__ = ["load_routes", "serve"]


class ServeError(Exception):
    """A usage error of ``lcel serve`` (the CLI prints it and exits with status 2)."""


def load_routes(targets: Sequence[str], path: str | None = None) -> dict[str, Runnable[Any, Any]]:
    """Path → runnable for the ``TARGET`` arguments (see the module docstring), loaded with
    the loader every ``lcel`` command shares."""
    if path is not None and len(targets) != 1:
        raise ServeError("--path names the route of one TARGET; with several, each is served "
                         "at /NAME (or use a routes mapping)")
    routes: dict[str, Runnable[Any, Any]] = {}
    for text in targets:
        try:
            target = parse_target(text)
            name = target.name or "routes"
            obj = lookup(target, load_module(target, keep_path=True), name)
        except TargetError as error:
            raise ServeError(str(error)) from error
        if isinstance(obj, Runnable):
            found = {path if path is not None else "/" + name.split(".")[-1]: obj}
        elif isinstance(obj, Mapping):
            if path is not None:
                raise ServeError(f"--path cannot rename the routes of the mapping {text}")
            found = dict(obj)
            for key, value in found.items():
                if not isinstance(key, str) or not isinstance(value, Runnable):
                    raise ServeError(f"{text} must map paths ('/name') to runnables; "
                                     f"{key!r} maps to a {type(value).__name__}")
        else:
            raise ServeError(f"{text} is a {type(obj).__name__}, not a Runnable or a mapping "
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
    # A server that started only stops on a signal (uvicorn may or may not re-raise it as
    # KeyboardInterrupt): answer the CLI's "interrupted" status either way, not 0.
    return 130 if server.started else 1
