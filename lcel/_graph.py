"""The graph of a runnable: nodes and edges, drawn as a box diagram or as Mermaid text.

:func:`graph_of` walks a runnable value tree. The graph starts at an *input* node and ends
at an *output* node, both named by the runnable's schema titles (``"<Name>Input"`` /
``"<Name>Output"``); between them sequences chain, parallels fan out and back in, branches
fan out along edges labelled with their conditions, and wrappers (bindings, retries,
fallbacks, assign) expand to what they wrap. Every other runnable is one node.

>>> from lcel import RunnableLambda
>>> def add_one(x: int) -> int:
...     return x + 1
>>> g = graph_of(RunnableLambda(add_one) | {"a": RunnableLambda(add_one), "b": add_one})
>>> [n.name for n in g.nodes.values()]
['add_oneInput', 'add_one', 'RunnableParallel<a,b>Input', 'add_one', 'add_one', \
'RunnableParallel<a,b>Output']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from lcel._runnable import Runnable

__all__ = ["Edge", "Graph", "GraphBuilder", "Node", "condition_label", "graph_of"]

NodeKind = Literal["input", "output", "runnable", "fork", "join", "branch"]
"""``input``/``output``: the boundary nodes; ``fork``/``join``: where a parallel (or
fallbacks) fans out and back in; ``branch``: a ``RunnableBranch`` deciding; ``runnable``:
a step."""


@attrs.frozen
class Node:
    """One node: a step, a boundary, or a fan-out / fan-in point."""

    id: str
    name: str
    run_type: str | None
    """The step's run type (``chain``, ``prompt``, ``chat_model``…); None for boundaries."""
    kind: NodeKind = "runnable"
    input_title: str | None = None
    """The title of the step's input schema (``"<Name>Input"``)."""
    output_title: str | None = None
    """The title of the step's output schema (``"<Name>Output"``)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the node."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "run_type": self.run_type,
            "input_schema_title": self.input_title,
            "output_schema_title": self.output_title,
        }


@attrs.frozen
class Edge:
    """A directed edge; ``label`` names the condition of a conditional edge."""

    source: str
    target: str
    label: str | None = None

    @property
    def conditional(self) -> bool:
        """True when the edge is taken only under a condition (a branch, a fallback)."""
        return self.label is not None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the edge."""
        out: dict[str, Any] = {"source": self.source, "target": self.target}
        if self.label is not None:
            out["label"] = self.label
            out["conditional"] = True
        return out


@attrs.frozen
class Graph:
    """Nodes and edges of a runnable, from its input node to its output node.

    ``nodes`` maps node ids to nodes, in order, as LangChain's ``Graph.nodes`` does;
    ``node_list`` holds the same nodes as a tuple.
    """

    node_list: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def nodes(self) -> dict[str, Node]:
        """Node id → node, input node first, output node last."""
        return {n.id: n for n in self.node_list}

    def node(self, node_id: str) -> Node:
        """The node with id ``node_id``."""
        for n in self.node_list:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def first_node(self) -> Node:
        """The input node."""
        return next(n for n in self.node_list if n.kind == "input")

    def last_node(self) -> Node:
        """The output node."""
        return next(n for n in self.node_list if n.kind == "output")

    def successors(self, node_id: str) -> list[Node]:
        """The nodes ``node_id`` has an edge to, in edge order."""
        return [self.node(e.target) for e in self.edges if e.source == node_id]

    def predecessors(self, node_id: str) -> list[Node]:
        """The nodes with an edge to ``node_id``, in edge order."""
        return [self.node(e.source) for e in self.edges if e.target == node_id]

    def to_json(self) -> dict[str, Any]:
        """``{"nodes": [...], "edges": [...]}``, JSON-ready."""
        return {
            "nodes": [n.to_json() for n in self.node_list],
            "edges": [e.to_json() for e in self.edges],
        }

    def draw_mermaid(self) -> str:
        """Mermaid ``flowchart TD`` text (boundaries as stadiums, branches as rhombi)."""
        lines = ["flowchart TD"]
        for n in self.node_list:
            lines.append(f"    {_mermaid_id(n.id)}{_mermaid_shape(n)}")
        for e in self.edges:
            src, dst = _mermaid_id(e.source), _mermaid_id(e.target)
            if e.label is None:
                lines.append(f"    {src} --> {dst}")
            else:
                lines.append(f'    {src} -->|"{_mermaid_escape(e.label)}"| {dst}')
        lines.append("    classDef boundary fill:#eef,stroke:#99c")
        lines.append("    classDef junction fill:#f6f6f6,stroke:#bbb,stroke-dasharray: 3 3")
        boundary = [_mermaid_id(n.id) for n in self.node_list if n.kind in ("input", "output")]
        junction = [_mermaid_id(n.id) for n in self.node_list if n.kind in ("fork", "join")]
        if boundary:
            lines.append(f"    class {','.join(boundary)} boundary")
        if junction:
            lines.append(f"    class {','.join(junction)} junction")
        return "\n".join(lines) + "\n"

    def draw_ascii(self, *, charset: Literal["ascii", "unicode"] = "ascii") -> str:
        """A box diagram for the terminal: boxes named after the steps, arrows downwards,
        parallels fanning out and back in, branch conditions written on their edges.

        ``charset="unicode"`` draws with box-drawing characters instead of ``+-|``.
        """
        return _draw(self, charset)

    def print_ascii(self) -> None:
        """Print :meth:`draw_ascii`."""
        print(self.draw_ascii())


# -- building ---------------------------------------------------------------------------------


def _titles(r: Runnable[Any, Any]) -> tuple[str, str]:
    try:
        inp = str(r.input_schema.get("title") or r.get_name("Input"))
    except Exception:
        inp = r.get_name("Input")
    try:
        out = str(r.output_schema.get("title") or r.get_name("Output"))
    except Exception:
        out = r.get_name("Output")
    return inp, out


class GraphBuilder:
    """Collects the nodes and edges of a graph while node kinds draw themselves."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []

    def add(
        self,
        name: str,
        run_type: str | None,
        kind: NodeKind,
        titles: tuple[str | None, str | None] = (None, None),
    ) -> str:
        node_id = str(len(self.nodes))
        self.nodes.append(Node(node_id, name, run_type, kind, titles[0], titles[1]))
        return node_id

    def link(self, source: str, target: str, label: str | None = None) -> None:
        self.edges.append(Edge(source, target, label))

    def leaf(self, r: Runnable[Any, Any], name: str | None = None) -> tuple[str, str]:
        run_type = str(getattr(r, "run_type", "chain"))
        node_id = self.add(name or r.get_name(), run_type, "runnable", _titles(r))
        return node_id, node_id

    def fan(
        self,
        r: Runnable[Any, Any],
        arms: Iterable[tuple[str | None, Runnable[Any, Any]]],
        fork_kind: NodeKind = "fork",
        fork_name: str | None = None,
    ) -> tuple[str, str]:
        titles = _titles(r)
        fork = self.add(fork_name or r.get_name("Input"), None, fork_kind, titles)
        exits = []
        for label, arm in arms:
            entry, exit_ = self.expand(arm)
            self.link(fork, entry, label)
            exits.append(exit_)
        join = self.add(r.get_name("Output"), None, "join", titles)
        for exit_ in exits:
            self.link(exit_, join)
        return fork, join

    def expand(self, r: Runnable[Any, Any]) -> tuple[str, str]:
        """Add ``r``'s nodes; return its (entry, exit) node ids. A node kind draws itself
        (``Runnable._draw``); one that does not is one node."""
        drawn = r._draw(self)
        return drawn if drawn is not None else self.leaf(r)

    def chain(self, steps: Iterable[Runnable[Any, Any]]) -> tuple[str, str]:
        """``steps`` one after another; their first entry and last exit."""
        it = iter(steps)
        entry, exit_ = self.expand(next(it))
        for step in it:
            nxt_entry, nxt_exit = self.expand(step)
            self.link(exit_, nxt_entry)
            exit_ = nxt_exit
        return entry, exit_

    @staticmethod
    def is_composite(r: Runnable[Any, Any]) -> bool:
        """Whether ``r`` draws as more than one node (a wrapper around it then shows its
        inside instead of one node under the wrapper's name)."""
        probe = GraphBuilder()
        return r._draw(probe) is not None and len(probe.nodes) > 1


def condition_label(cond: Runnable[Any, Any], index: int) -> str:
    name = cond.get_name()
    if name == "RunnableLambda":
        text = _lambda_text(getattr(cond, "func", None))
        if text is not None:
            return text
    if name in ("RunnableLambda", "RunnableSequence"):
        return f"condition {index + 1}"
    return name


_MAX_LABEL = 40


def _lambda_text(func: object) -> str | None:
    """The body of an anonymous ``lambda`` as written in its source file (``x > 0``)."""
    code = getattr(func, "__code__", None)
    if code is None or getattr(func, "__name__", None) != "<lambda>":
        return None
    import ast

    source, tree = _parsed(code.co_filename)
    if tree is None:
        return None
    spans = [
        (ln, c)
        for ln, _, c, end in code.co_positions()
        if ln is not None and c is not None and end is not None and end > c
    ]
    cols = [c for _, c in spans]
    lines = [ln for ln, _ in spans]
    if not cols or not lines:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Lambda) or node.lineno != code.co_firstlineno:
            continue
        body = node.body
        if body.lineno <= min(lines) and body.col_offset <= min(cols) < (body.end_col_offset or 0):
            text = ast.get_source_segment(source, body)
            if text is None:
                return None
            text = " ".join(text.split())
            return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 3] + "..."
    return None


_PARSED: dict[str, tuple[str, Any]] = {}


def _parsed(filename: str) -> tuple[str, Any]:  # Any: an ast.Module, or None
    if filename not in _PARSED:
        import ast
        import linecache

        source = "".join(linecache.getlines(filename))
        try:
            tree: Any = ast.parse(source) if source else None
        except SyntaxError:
            tree = None
        _PARSED[filename] = (source, tree)
    return _PARSED[filename]


def graph_of(runnable: Runnable[Any, Any]) -> Graph:
    """The graph of ``runnable``: an input node, its own nodes, an output node."""
    b = GraphBuilder()
    in_title, out_title = _titles(runnable)
    first = b.add(in_title, None, "input", (in_title, in_title))
    entry, exit_ = b.expand(runnable)
    last = b.add(out_title, None, "output", (out_title, out_title))
    b.link(first, entry)
    b.link(exit_, last)
    nodes, edges = b.nodes, b.edges
    # A fan-out right after the input node (a fan-in right before the output node) is the
    # same point: merge it into the boundary node.
    kinds = {n.id: n.kind for n in nodes}
    if kinds[entry] == "fork":
        edges = [
            Edge(first, e.target, e.label) if e.source == entry else e
            for e in edges
            if not (e.source == first and e.target == entry)
        ]
        nodes = [n for n in nodes if n.id != entry]
    if kinds[exit_] == "join":
        edges = [
            Edge(e.source, last, e.label) if e.target == exit_ else e
            for e in edges
            if not (e.source == exit_ and e.target == last)
        ]
        nodes = [n for n in nodes if n.id != exit_]
    # Renumber so ids run 0..n-1 in order.
    new_ids = {n.id: str(i) for i, n in enumerate(nodes)}
    edges = sorted(edges, key=lambda e: int(new_ids[e.source]))  # stable: branch order kept
    return Graph(
        tuple(attrs.evolve(n, id=new_ids[n.id]) for n in nodes),
        tuple(Edge(new_ids[e.source], new_ids[e.target], e.label) for e in edges),
    )


# -- Mermaid ----------------------------------------------------------------------------------


def _mermaid_id(node_id: str) -> str:
    return f"n{node_id}"


def _mermaid_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch.isalnum() or ch in " _-.,:;/()[]+*=!?'":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def _mermaid_shape(n: Node) -> str:
    label = _mermaid_escape(n.name)
    if n.kind in ("input", "output"):
        return f'(["{label}"])'
    if n.kind == "branch":
        return f'{{"{label}"}}'
    if n.kind in ("fork", "join"):
        return f'[["{label}"]]'
    return f'["{label}"]'


# -- box diagram ------------------------------------------------------------------------------

_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8

_UNICODE = {
    _UP: "│",
    _DOWN: "│",
    _UP | _DOWN: "│",
    _LEFT: "─",
    _RIGHT: "─",
    _LEFT | _RIGHT: "─",
    _DOWN | _RIGHT: "┌",
    _DOWN | _LEFT: "┐",
    _UP | _RIGHT: "└",
    _UP | _LEFT: "┘",
    _UP | _DOWN | _RIGHT: "├",
    _UP | _DOWN | _LEFT: "┤",
    _DOWN | _LEFT | _RIGHT: "┬",
    _UP | _LEFT | _RIGHT: "┴",
    _UP | _DOWN | _LEFT | _RIGHT: "┼",
}
_ASCII = {
    _UP: "|",
    _DOWN: "|",
    _UP | _DOWN: "|",
    _LEFT: "-",
    _RIGHT: "-",
    _LEFT | _RIGHT: "-",
}

_GAP = 3


@attrs.define
class _Pos:
    node: str  # node id, or "" for a dummy (a long edge passing through a layer)
    width: int
    slot: int
    x: int = 0  # centre column


@attrs.define
class _Canvas:
    lines: dict[tuple[int, int], int] = attrs.field(factory=dict)
    text: dict[tuple[int, int], str] = attrs.field(factory=dict)

    def mark(self, row: int, col: int, dirs: int) -> None:
        self.lines[(row, col)] = self.lines.get((row, col), 0) | dirs

    def vline(self, col: int, top: int, bottom: int) -> None:
        for r in range(top, bottom):
            self.mark(r, col, _DOWN)
            self.mark(r + 1, col, _UP)

    def hline(self, row: int, left: int, right: int) -> None:
        for c in range(left, right):
            self.mark(row, c, _RIGHT)
            self.mark(row, c + 1, _LEFT)

    def put(self, row: int, col: int, s: str) -> None:
        for i, ch in enumerate(s):
            self.text[(row, col + i)] = ch

    def render(self, charset: str) -> str:
        cells = set(self.lines) | set(self.text)
        if not cells:
            return ""
        height = max(r for r, _ in cells) + 1
        width = max(c for _, c in cells) + 1
        table = _UNICODE if charset == "unicode" else _ASCII
        rows = []
        for r in range(height):
            chars = []
            for c in range(width):
                if (r, c) in self.text:
                    chars.append(self.text[(r, c)])
                elif (r, c) in self.lines:
                    chars.append(table.get(self.lines[(r, c)], "+"))
                else:
                    chars.append(" ")
            rows.append("".join(chars).rstrip())
        return "\n".join(rows)


def _layers(graph: Graph) -> tuple[list[list[str]], list[tuple[str, str, str | None]]]:
    """Longest-path layering, with dummy nodes ("~<n>") splitting edges longer than one."""
    order = [n.id for n in graph.node_list]
    preds: dict[str, list[str]] = {n: [] for n in order}
    for e in graph.edges:
        preds[e.target].append(e.source)
    layer: dict[str, int] = {}

    def depth(n: str, seen: frozenset[str] = frozenset()) -> int:
        if n in layer:
            return layer[n]
        if n in seen:  # a cycle cannot come from a runnable tree; guard anyway
            return 0
        d = max((depth(p, seen | {n}) + 1 for p in preds[n]), default=0)
        layer[n] = d
        return d

    for n in order:
        depth(n)
    edges: list[tuple[str, str, str | None]] = []
    dummies = 0
    for e in graph.edges:
        src, span = e.source, layer[e.target] - layer[e.source]
        label = e.label
        for k in range(1, span):
            dummy = f"~{dummies}"
            dummies += 1
            layer[dummy] = layer[e.source] + k
            edges.append((src, dummy, label))
            src, label = dummy, None
        edges.append((src, e.target, label))
    n_layers = max(layer.values()) + 1
    layers: list[list[str]] = [[] for _ in range(n_layers)]
    for n in order:
        layers[layer[n]].append(n)
    for d in sorted((k for k in layer if k.startswith("~")), key=lambda k: int(k[1:])):
        layers[layer[d]].append(d)
    # Order each layer by the mean position of its predecessors (stable: creation order).
    position: dict[str, float] = {n: float(i) for i, n in enumerate(layers[0])}
    for li in range(1, n_layers):

        def bary(n: str) -> float:
            ps = [position[s] for s, t, _ in edges if t == n and s in position]
            return sum(ps) / len(ps) if ps else 0.0

        keyed = sorted(enumerate(layers[li]), key=lambda p: (bary(p[1]), p[0]))
        layers[li] = [n for _, n in keyed]
        for i, n in enumerate(layers[li]):
            position[n] = float(i)
    return layers, edges


def _draw(graph: Graph, charset: str) -> str:
    if not graph.node_list:
        return ""
    layers, edges = _layers(graph)
    names = {n.id: n.name for n in graph.node_list}
    in_label: dict[str, int] = {}
    for _, t, label in edges:
        if label:
            in_label[t] = max(in_label.get(t, 0), len(label))
    pos: dict[str, _Pos] = {}
    widths = []
    for nodes in layers:
        total = 0
        for n in nodes:
            w = 1 if n.startswith("~") else len(names[n]) + 4
            slot = max(w, in_label.get(n, 0))
            pos[n] = _Pos(n, w, slot)
            total += slot
        widths.append(total + _GAP * (len(nodes) - 1))
    canvas_w = max(widths)
    mid = canvas_w // 2
    preds: dict[str, list[str]] = {}
    outdeg: dict[str, int] = {}
    for s, t, _ in edges:
        preds.setdefault(t, []).append(s)
        outdeg[s] = outdeg.get(s, 0) + 1
    for nodes, total in zip(layers, widths, strict=True):
        x = (canvas_w - total) // 2
        right = -_GAP  # right edge of the previous slot in this layer
        for n in nodes:
            p = pos[n]
            p.x = x + p.slot // 2
            x += p.slot + _GAP
            ps = preds.get(n, [])
            if len(nodes) == 1:
                p.x = mid
            if len(ps) == 1 and outdeg.get(ps[0], 0) == 1:
                p.x = pos[ps[0]].x  # keep a chain straight
            p.x = max(p.x, right + _GAP + p.slot // 2)
            right = p.x - p.slot // 2 + p.slot
    cv = _Canvas()
    row = 0
    unicode = charset == "unicode"
    arrow = "▼" if unicode else "v"
    for li, nodes in enumerate(layers):
        for n in nodes:
            if n.startswith("~"):
                cv.vline(pos[n].x, row - 1, row + 3)
            else:
                _box(cv, row, pos[n], names[n], outdeg.get(n, 0) > 0, unicode)
        row += 3
        if li == len(layers) - 1:
            break
        band = [(s, t, label) for s, t, label in edges if s in nodes]
        row = _draw_band(cv, band, pos, row, arrow)
    return cv.render(charset) + "\n"


def _box(cv: _Canvas, row: int, p: _Pos, name: str, has_out: bool, unicode: bool) -> None:
    left = p.x - p.width // 2
    h, v = ("─", "│") if unicode else ("-", "|")
    tl, tr, bl, br = ("┌", "┐", "└", "┘") if unicode else ("+", "+", "+", "+")
    cv.put(row, left, tl + h * (p.width - 2) + tr)
    cv.put(row + 1, left, f"{v} {name} {v}")
    bottom = bl + h * (p.width - 2) + br
    if has_out:
        mid = p.x - left
        bottom = bottom[:mid] + ("┬" if unicode else "+") + bottom[mid + 1 :]
    cv.put(row + 2, left, bottom)


def _draw_band(
    cv: _Canvas,
    band: list[tuple[str, str, str | None]],
    pos: dict[str, _Pos],
    row: int,
    arrow: str,
) -> int:
    """Draw the edges between two layers starting at ``row``; return the next free row."""
    out_count: dict[str, int] = {}
    for s, _, _ in band:
        out_count[s] = out_count.get(s, 0) + 1
    # Group edges that may share a horizontal track: a fan-out by source, else by target.
    groups: dict[tuple[str, str], list[tuple[str, str, str | None]]] = {}
    for s, t, label in band:
        key = ("s", s) if out_count[s] > 1 else ("t", t)
        groups.setdefault(key, []).append((s, t, label))
    tracks: list[list[tuple[int, int]]] = []
    placed: list[tuple[int, list[tuple[str, str, str | None]], int, int]] = []
    for group in groups.values():
        ends = [pos[s].x for s, _, _ in group] + [pos[t].x for _, t, _ in group]
        lo, hi = min(ends), max(ends)
        if lo == hi:
            placed.append((-1, group, lo, hi))
            continue
        for ti, used in enumerate(tracks):
            if all(hi < a - 1 or lo > b + 1 for a, b in used):
                used.append((lo, hi))
                placed.append((ti, group, lo, hi))
                break
        else:
            tracks.append([(lo, hi)])
            placed.append((len(tracks) - 1, group, lo, hi))
    n_tracks = max(len(tracks), 1)
    has_labels = any(label for _, _, label in band)
    stub = row
    label_row = stub + 1 + n_tracks
    arrow_row = label_row + (1 if has_labels else 0)
    for ti, group, lo, hi in placed:
        track = stub + 1 + max(ti, 0)
        if ti >= 0:
            cv.hline(track, lo, hi)
        for s, t, label in group:
            xs, xt = pos[s].x, pos[t].x
            cv.mark(stub, xs, _UP)
            cv.vline(xs, stub, track)
            cv.vline(xt, track, arrow_row)
            if t.startswith("~"):
                cv.mark(arrow_row, xt, _DOWN)
            else:
                cv.put(arrow_row, xt, arrow)
            if label:
                cv.put(label_row, xt - len(label) // 2, label)
    return arrow_row + 1
