"""``RunnableBranch``: the first branch whose condition holds runs; else the default."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from lcel._runnable import Runnable, coerce_to_runnable
from lcel._types import InT, InT_contra, OutT_co
from lcel.errors import quoted

if TYPE_CHECKING:
    from lcel._graph import GraphBuilder

O1 = TypeVar("O1")
O2 = TypeVar("O2")
O3 = TypeVar("O3")
O4 = TypeVar("O4")

__all__ = ["RunnableBranch"]

_Cond = Runnable[InT, Any] | Callable[[InT], Any]


@attrs.frozen(init=False, repr=False)
class RunnableBranch(Runnable[InT_contra, OutT_co]):
    """``RunnableBranch((cond, runnable), ..., default)``.

    Conditions are runnables or callables returning a truthy value; they are tried in order.

    >>> from lcel import RunnableLambda
    >>> b = RunnableBranch((lambda x: x > 0, RunnableLambda(lambda x: "pos")),
    ...                    RunnableLambda(lambda x: "non-pos"))
    >>> b.invoke(3), b.invoke(-1)
    ('pos', 'non-pos')
    """

    branches: tuple[tuple[Runnable[Any, Any], Runnable[Any, Any]], ...]
    default: Runnable[Any, Any]

    @overload
    def __init__(
        self: RunnableBranch[InT, O1 | O2],
        b1: tuple[_Cond[InT], Runnable[InT, O1] | Callable[[InT], O1]],
        default: Runnable[InT, O2] | Callable[[InT], O2],
        /,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableBranch[InT, O1 | O2 | O3],
        b1: tuple[_Cond[InT], Runnable[InT, O1] | Callable[[InT], O1]],
        b2: tuple[_Cond[InT], Runnable[InT, O2] | Callable[[InT], O2]],
        default: Runnable[InT, O3] | Callable[[InT], O3],
        /,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableBranch[InT, O1 | O2 | O3 | O4],
        b1: tuple[_Cond[InT], Runnable[InT, O1] | Callable[[InT], O1]],
        b2: tuple[_Cond[InT], Runnable[InT, O2] | Callable[[InT], O2]],
        b3: tuple[_Cond[InT], Runnable[InT, O3] | Callable[[InT], O3]],
        default: Runnable[InT, O4] | Callable[[InT], O4],
        /,
    ) -> None: ...

    @overload
    def __init__(
        self: RunnableBranch[Any, Any], a1: Any, a2: Any, a3: Any, a4: Any, a5: Any, /, *args: Any
    ) -> None: ...  # more branches than the overloads above: types not tracked

    def __init__(self, *args: Any) -> None:
        if len(args) < 2:
            raise ValueError(
                "RunnableBranch needs at least one (condition, runnable) pair and a default"
            )
        *pairs, default = args
        if isinstance(default, tuple):
            raise TypeError(
                "the last argument of RunnableBranch is the default runnable, "
                f"not a (condition, runnable) pair: {quoted(default)}"
            )
        branches = []
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(
                    f"RunnableBranch argument {i} must be a (condition, runnable) pair, "
                    f"got {quoted(pair)}"
                )
            branches.append((coerce_to_runnable(pair[0]), coerce_to_runnable(pair[1])))
        self.__attrs_init__(tuple(branches), coerce_to_runnable(default))

    @property
    def input_type(self) -> Any:  # Any: a type form
        """What every branch (conditions included) accepts, merged."""
        from lcel._parallel import merge_input_types

        runnables = [r for pair in self.branches for r in pair] + [self.default]
        return merge_input_types(self.get_name("Input"), [r.input_type for r in runnables])

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The union of every branch's output type."""
        outs = [r.output_type for _, r in self.branches] + [self.default.output_type]
        if any(o is Any for o in outs):
            return Any
        union: Any = outs[0]
        for o in outs[1:]:
            union = union | o
        return union

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (*(r for pair in self.branches for r in pair), self.default)

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        from lcel._graph import condition_label

        conds: list[tuple[str | None, Runnable[Any, Any]]] = [
            (condition_label(cond, i), body) for i, (cond, body) in enumerate(self.branches)
        ]
        conds.append(("default", self.default))
        return graph.fan(self, conds, "branch", self.get_name())

    def __repr__(self) -> str:
        parts = [f"({c!r}, {r!r})" for c, r in self.branches] + [repr(self.default)]
        return "RunnableBranch(" + ", ".join(parts) + ")"
