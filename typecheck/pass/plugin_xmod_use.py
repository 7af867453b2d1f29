"""Plugin, cross-module: read the keys of a parallel defined in another module."""

from typing import reveal_type

from plugin_xmod_def import analysis

out = analysis.invoke("abc")
reveal_type(out["n"])  # R: int
reveal_type(out["text"])  # R: str
reveal_type(analysis.pick("n"))  # R: lcel._runnable.Runnable[str, int]
