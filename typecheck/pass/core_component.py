"""A user component: subclass Component[In, Out] and implement _invoke."""

from typing import Any, reveal_type

import attrs

from lcel import Component, RunnableConfig, RunnableLambda


@attrs.frozen
class Shout(Component[str, str]):
    suffix: str = "!"

    def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return input.upper() + self.suffix


def to_len(s: str) -> int:
    return len(s)


pipeline = Shout() | RunnableLambda(to_len)
reveal_type(pipeline)  # R: lcel._runnable.Runnable[str, int]
reveal_type(Shout().invoke("hi"))  # R: str
