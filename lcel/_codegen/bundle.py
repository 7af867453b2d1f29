"""The artefacts: one input and one output schema file per runnable, and one bundle per module.

Every file is rendered deterministically (sorted keys, two-space indent, trailing newline), so
running codegen again on unchanged code changes nothing, and ``--check`` can diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from lcel._codegen.targets import CodegenError, Found
from lcel._loader import Target
from lcel._runnable import Runnable
from lcel.errors import shorten

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

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The ``$schema`` written at the top of every schema file."""

BUNDLE_VERSION = 1
"""The format of bundle files; bumped on an incompatible change."""


def render(data: Any) -> str:  # Any: JSON data
    """The canonical text of a JSON file: sorted keys, indent 2, trailing newline."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def schema_names(name: str) -> tuple[str, str]:
    """The input and output schema file names of the runnable called ``name``."""
    return f"{name}.input.schema.json", f"{name}.output.schema.json"


def bundle_name(target: Target) -> str:
    """The bundle file name of a target's module."""
    return f"{target.stem}.bundle.json"


def render_module(target: Target, found: list[Found]) -> dict[str, str]:
    """File name → text for the runnables ``found`` in one module, and its bundle."""
    files: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for item in found:
        input_file, output_file = schema_names(item.name)
        input_schema = _schema(target, item, "input")
        output_schema = _schema(target, item, "output")
        files[input_file] = render({"$schema": SCHEMA_DIALECT, **input_schema})
        files[output_file] = render({"$schema": SCHEMA_DIALECT, **output_schema})
        entries.append(
            {
                "name": item.name,
                "run_name": item.runnable.get_name(),
                "input_schema": {"$ref": input_file, "title": input_schema.get("title")},
                "output_schema": {"$ref": output_file, "title": output_schema.get("title")},
                "nodes": graph_nodes(item.runnable),
            }
        )
    files[bundle_name(target)] = render(
        {"bundle_version": BUNDLE_VERSION, "module": target.label, "runnables": entries}
    )
    return files


def _schema(target: Target, item: Found, which: str) -> dict[str, Any]:
    try:
        runnable = item.runnable
        return dict(runnable.input_schema if which == "input" else runnable.output_schema)
    except Exception as exc:
        raise CodegenError(
            f"{target.where}:{item.name}: cannot derive the {which} schema: "
            f"{shorten(str(exc), 300)}",
            cause=exc,
        ) from exc


# -- the nodes of a runnable --------------------------------------------------------------------


def graph_nodes(runnable: Any) -> list[dict[str, str]]:  # Any: an lcel Runnable
    """``{"id", "name", "run_type"}`` for each runnable in ``runnable``'s tree, depth first;
    ids are paths such as ``$.steps[1]`` (stable across runs, unlike graph node ids)."""
    return [
        {"id": path, "name": node.get_name(), "run_type": _run_type(node)}
        for path, node in iter_nodes(runnable)
    ]


def _run_type(node: Any) -> str:  # Any: an lcel Runnable
    return str(getattr(node, "run_type", "chain"))


def iter_nodes(runnable: Any, path: str = "$") -> Iterator[tuple[str, Any]]:  # Any: runnables
    """Every runnable in the tree rooted at ``runnable``, depth first, with its path.

    Children are the runnables held by the node's attrs fields, directly or inside tuples,
    lists and dicts (a sequence's steps, a parallel's branches, a binding's bound…).
    """
    yield from _walk(runnable, path, set())


def _walk(node: Any, path: str, active: set[int]) -> Iterator[tuple[str, Any]]:  # Any: runnables
    if id(node) in active:  # a cycle (not possible with frozen values, but cheap to guard)
        return
    yield path, node
    if not attrs.has(type(node)):
        return
    active.add(id(node))
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name, None)
        for sub_path, child in _runnables_in(value, f"{path}.{field.name.lstrip('_')}"):
            if isinstance(child, Runnable):
                yield from _walk(child, sub_path, active)
    active.discard(id(node))


def _runnables_in(value: Any, path: str) -> Iterator[tuple[str, Any]]:  # Any: field values
    if isinstance(value, Runnable):
        yield path, value
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                # a (key, step) pair, as a parallel keeps its branches: path by key
                yield from _runnables_in(item[1], f"{path}[{json.dumps(item[0])}]")
            else:
                yield from _runnables_in(item, f"{path}[{i}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _runnables_in(item, f"{path}[{json.dumps(str(key))}]")
