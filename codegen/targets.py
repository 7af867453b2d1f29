"""Targets: parsed and imported by :mod:`lcel._loader` (shared with the ``lcel`` command);
what to export from them by :mod:`lcel._codegen.targets`."""

from lcel._codegen.targets import CodegenError, Found, find_runnables
from lcel._loader import Target, load_module, parse_target

__all__ = ["CodegenError", "Found", "Target", "find_runnables", "load_module", "parse_target"]
