"""``python -m codegen TARGET... --out DIR [--check] [--stdout] [--verbose]``: the same
command as ``lcel schema`` (see :mod:`lcel._codegen.command`)."""

from lcel._codegen.command import EXIT_DRIFT, EXIT_ERROR, EXIT_OK, generate, main

__all__ = ["EXIT_DRIFT", "EXIT_ERROR", "EXIT_OK", "generate", "main"]
