"""Serve any runnable over HTTP with LangServe's wire protocol, and call one from afar.

>>> from lcel import RunnableLambda
>>> from lcel.server import add_routes, create_app
>>> app = create_app()
>>> add_routes(app, RunnableLambda(str.upper), path="/shout")

``create_app`` gives a Starlette app; ``add_routes`` puts a runnable's endpoints under a
path (``/shout/invoke``, ``/shout/stream``, ``/shout/playground/``…); ``RemoteRunnable``
is the runnable that calls them. Needs the ``server`` extra: ``pip install lcel[server]``.
"""

from __future__ import annotations

import importlib.util

_NEEDED = {
    "starlette": "starlette", "uvicorn": "uvicorn", "httpx": "httpx", "httpx_sse": "httpx-sse"
}
_missing = [dist for module, dist in _NEEDED.items() if importlib.util.find_spec(module) is None]
if _missing:
    raise ImportError(
        f"lcel.server needs the `server` extra, which is not installed (missing: "
        f"{', '.join(_missing)}): pip install lcel[server]"
    )

from lcel.server._app import ENDPOINTS, add_routes, create_app  # noqa: E402
from lcel.server._limits import DEFAULT_MAX_BATCH, DEFAULT_MAX_BODY_BYTES  # noqa: E402
from lcel.server._remote import RemoteRunnable, RemoteRunnableError  # noqa: E402

__all__ = [
    "create_app",
    "add_routes",
    "RemoteRunnable",
    "RemoteRunnableError",
    "ENDPOINTS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_BATCH",
]
