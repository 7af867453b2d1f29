"""A small, logic-less mustache renderer for prompt templates (``template_format="mustache"``).

The subset LangChain's prompts use, with its escaping: ``{{name}}`` (HTML-escaped: ``&``,
``<``, ``>``, ``"``, as LangChain does), ``{{{name}}}`` and ``{{& name}}`` (as is),
dotted names ``{{user.name}}`` / ``{{items.0}}``, ``{{.}}`` (the current item), sections
``{{#list}}…{{/list}}`` (once per item of a list, once with a dict as the new scope, once for
any other truthy value), inverted sections ``{{^x}}…{{/x}}``, comments ``{{! … }}`` and
delimiter changes ``{{=<% %>=}}``. A tag alone on its line takes the line with it.

Nothing in a template runs code: names are looked up only in dicts, lists and tuples (never
attributes), a function value is refused instead of called, and partials (``{{> name}}``)
are refused. A missing name renders as nothing, as in LangChain.

>>> render("Hi {{name}}! {{#items}}[{{.}}]{{/items}}{{^none}}-{{/none}}", {
...     "name": "<Ann>", "items": [1, 2], "none": []})
'Hi &lt;Ann&gt;! [1][2]-'
>>> template_variables("{{a}} {{#b}}{{c}}{{/b}} {{d.e}}")
[('a', True), ('b', False), ('d', False)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from lcel.errors import InputValidationError, shorten

__all__ = ["MustacheError", "parse", "render", "template_variables"]


class MustacheError(InputValidationError):
    """A mustache template is malformed, or asks for something the renderer refuses."""


@attrs.frozen
class _Text:
    text: str


@attrs.frozen
class _Var:
    name: str
    escape: bool


@attrs.frozen
class _Section:
    name: str
    inverted: bool
    body: tuple[_Node, ...]


_Node = _Text | _Var | _Section

_STANDALONE_KINDS = frozenset("#^/!=")


def _fail(template: str, message: str) -> MustacheError:
    return MustacheError(f"invalid mustache template {shorten(template, 80)!r}: {message}")


def _tokens(template: str) -> list[tuple[str, str]]:
    """``(kind, value)`` pairs: ``("text", s)`` or a tag kind (``"", "{", "&", "#", "^",
    "/", "!", ">", "="``) with its name; standalone tags have their line removed."""
    left, right = "{{", "}}"
    out: list[tuple[str, str]] = []
    pos = 0
    standalone = True  # the template's start counts as the end of a standalone line
    while True:
        start = template.find(left, pos)
        if start < 0:
            out.append(("text", template[pos:]))
            break
        kind = ""
        inner_start = start + len(left)
        closer = right
        if template.startswith("{", inner_start) and left == "{{":
            kind, closer, inner_start = "{", "}" + right, inner_start + 1
        end = template.find(closer, inner_start)
        if end < 0:
            raise _fail(template, f"tag opened at offset {start} is never closed with {closer!r}")
        inner = template[inner_start:end].strip()
        after = end + len(closer)
        if kind == "" and inner[:1] in ("&", "#", "^", "/", "!", ">", "="):
            kind, inner = inner[0], inner[1:].strip()
        if kind == "=":
            if not inner.endswith("="):
                raise _fail(template, f"a delimiter change must end with '=', got {inner!r}")
            parts = inner[:-1].split()
            if len(parts) != 2:
                raise _fail(template, f"a delimiter change needs two delimiters, got {inner!r}")
        text = template[pos:start]
        # A tag alone on its line (blanks before it since the line began, blanks after it
        # until the line ends) takes the line with it, read exactly as LangChain reads it:
        # the spaces before it and the rest of the line, newline included, go.
        padding = text.rsplit("\n", 1)[-1]
        could = ("\n" in text or standalone) and (padding.isspace() or not padding)
        rest_of_line = template[after:].split("\n", 1)[0]
        standalone = (
            could and kind in _STANDALONE_KINDS and (rest_of_line.isspace() or not rest_of_line)
        )
        if standalone:
            text = text.rstrip(" ")
            newline = template.find("\n", after)
            if newline >= 0:
                after = newline + 1
        out.append(("text", text))
        if kind == "=":
            left, right = inner[:-1].split()
        elif kind != "!":
            if not inner:
                raise _fail(template, f"empty tag at offset {start}")
            out.append((kind, inner))
        pos = after
    return [t for t in out if t != ("text", "")]


def parse(template: str) -> tuple[_Node, ...]:
    """The template as a tree of text, variables and sections; raises :class:`MustacheError`."""
    if not isinstance(template, str):
        raise MustacheError(f"a template must be a str, got {type(template).__name__}")
    stack: list[tuple[str, bool, list[_Node]]] = [("", False, [])]
    for kind, value in _tokens(template):
        body = stack[-1][2]
        if kind == "text":
            body.append(_Text(value))
        elif kind in ("", "{", "&"):
            body.append(_Var(value, escape=kind == ""))
        elif kind in ("#", "^"):
            stack.append((value, kind == "^", []))
        elif kind == "/":
            name, inverted, children = stack.pop()
            if len(stack) == 0 or name != value:
                opened = f"{{{{#{name}}}}}" if name else "no section"
                raise _fail(template, f"{{{{/{value}}}}} closes {opened}")
            stack[-1][2].append(_Section(name, inverted, tuple(children)))
        elif kind == ">":
            raise _fail(template, f"partials ({{{{> {value}}}}}) are not supported in prompts")
    if len(stack) != 1:
        raise _fail(template, f"section {{{{#{stack[-1][0]}}}}} is never closed")
    return tuple(stack[0][2])


def template_variables(template: str) -> list[tuple[str, bool]]:
    """The top-level names a template reads, in order: ``(name, plain)`` where ``plain``
    means it is only used as ``{{name}}`` (text), not as a section or a dotted path."""
    found: dict[str, bool] = {}
    for node in parse(template):
        if isinstance(node, _Text) or node.name == ".":
            continue
        root = node.name.split(".", 1)[0]
        plain = isinstance(node, _Var) and "." not in node.name
        found[root] = found.get(root, True) and plain
    return list(found.items())


_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_ESCAPE_RE = re.compile('[&<>"]')


def _escape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


_MISSING = object()


def _lookup(name: str, scopes: list[Any]) -> Any:  # Any: template data
    if name == ".":
        return scopes[-1]
    parts = name.split(".")
    for scope in reversed(scopes):
        value = scope
        for part in parts:
            if isinstance(value, Mapping):
                value = value.get(part, _MISSING)
            elif isinstance(value, list | tuple) and part.lstrip("-").isdigit():
                index = int(part)
                value = value[index] if -len(value) <= index < len(value) else _MISSING
            else:
                value = _MISSING
            if value is _MISSING:
                break
        if value is not _MISSING:
            return value
    return None


def _refuse_callable(name: str, value: object) -> None:
    if callable(value) and not isinstance(value, type):
        raise MustacheError(
            f"mustache value {name!r} is a function ({shorten(value, 60)}); templates do not "
            "run code: pass its result instead"
        )


def _text(value: object) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _render(nodes: Sequence[_Node], scopes: list[Any], out: list[str]) -> None:  # Any: data
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Var):
            value = _lookup(node.name, scopes)
            _refuse_callable(node.name, value)
            text = _text(value)
            out.append(_escape(text) if node.escape else text)
        else:
            value = _lookup(node.name, scopes)
            _refuse_callable(node.name, value)
            if node.inverted:
                if not value:
                    _render(node.body, scopes, out)
            elif isinstance(value, list | tuple):
                for item in value:
                    _refuse_callable(node.name, item)
                    _render(node.body, [*scopes, item], out)
            elif value:
                _render(node.body, [*scopes, value], out)


def render(template: str, data: Mapping[str, Any]) -> str:  # Any: template data
    """``template`` filled from ``data`` (see the module docstring)."""
    out: list[str] = []
    _render(parse(template), [dict(data)], out)
    return "".join(out)
