"""codegen: exports JSON Schema contracts from lcel runnables (``python -m codegen``).

For each runnable of a module it writes ``<name>.input.schema.json`` and
``<name>.output.schema.json`` (JSON Schema draft 2020-12, from the runnable's types), and
per module a ``<module>.bundle.json`` listing the runnables, their schema files and the run
type of each node. ``--check`` turns it into a drift test for CI.

The implementation lives in ``lcel._codegen`` (``lcel schema`` runs it too, and ``lcel`` must
not import this package); these modules keep the ``codegen`` names.
"""

from codegen.cli import generate, main

__all__ = ["generate", "main"]
