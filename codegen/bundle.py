"""The artefacts codegen writes (see :mod:`lcel._codegen.bundle`)."""

from lcel._codegen.bundle import (
    BUNDLE_VERSION,
    SCHEMA_DIALECT,
    bundle_name,
    graph_nodes,
    iter_nodes,
    render,
    render_module,
    schema_names,
)

__all__ = [
    "BUNDLE_VERSION",
    "SCHEMA_DIALECT",
    "bundle_name",
    "graph_nodes",
    "iter_nodes",
    "render",
    "render_module",
    "schema_names",
]
