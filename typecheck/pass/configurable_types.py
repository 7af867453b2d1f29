"""Configurable fields and alternatives keep the wrapped runnable's types."""

from typing import reveal_type

import attrs

from lcel import (
    Component,
    ConfigurableField,
    ConfigurableFieldSingleOption,
    RunnableConfig,
    RunnableLambda,
)
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser


def inc(x: int) -> int:
    return x + 1


@attrs.frozen
class Add(Component[int, int]):
    k: int = 1

    def _invoke(self, input: int, config: RunnableConfig, **kwargs: object) -> int:
        return input + self.k


fields = Add().configurable_fields(k=ConfigurableField(id="k"))
reveal_type(fields)  # R: lcel._configurable.RunnableConfigurableFields[int, int]
reveal_type(fields.invoke(1))  # R: int
reveal_type(fields | inc)  # R: lcel._runnable.Runnable[int, int]
r = RunnableLambda(inc)
alt = r.configurable_alternatives(ConfigurableField(id="a"), twice=RunnableLambda(inc) | inc)
reveal_type(alt)  # R: lcel._configurable.RunnableConfigurableAlternatives[int, int]
reveal_type(alt.batch([1, 2]))  # R: list[int]
lazy = r.configurable_alternatives(ConfigurableField(id="a"), made=lambda: RunnableLambda(inc))
reveal_type(lazy)  # R: lcel._configurable.RunnableConfigurableAlternatives[int, int]

llm = FakeListLLM(responses=["a"]).configurable_fields(
    responses=ConfigurableFieldSingleOption(id="r", options={"a": ["a"]}, default="a")
)
chain = llm | StrOutputParser()
reveal_type(chain.invoke("x"))  # R: str
chat = FakeListChatModel(responses=["a"]).configurable_alternatives(
    ConfigurableField(id="model"), default_key="fake", other=FakeListChatModel(responses=["b"])
)
reveal_type(chat.invoke("x").content)  # R: str | list[str | dict[str, Any]]
reveal_type(chain.config_specs)  # R: list[lcel._config_fields.ConfigurableFieldSpec]
reveal_type(chain.get_config_jsonschema())  # R: dict[str, Any]
