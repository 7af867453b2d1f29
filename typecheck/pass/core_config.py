"""A lambda taking (input, config); with_config keyword arguments are RunnableConfig keys."""

from typing import reveal_type

from lcel import RunnableConfig, RunnableLambda


def tagged(x: int, config: RunnableConfig) -> list[str]:
    return [str(x), *config.get("tags", [])]


r = RunnableLambda(tagged)
reveal_type(r)  # R: lcel._lambda.RunnableLambda[int, list[str]]
configured = r.with_config(tags=["a"], run_name="tagger", max_concurrency=2)
reveal_type(configured)  # R: lcel._wrappers.RunnableBinding[int, list[str]]
out = configured.invoke(1, {"tags": ["b"], "recursion_limit": 5})
reveal_type(out)  # R: list[str]


async def async_tagged(x: int, config: RunnableConfig) -> list[str]:
    return [str(x), *config.get("tags", [])]


reveal_type(RunnableLambda(async_tagged))  # R: lcel._lambda.RunnableLambda[int, list[str]]
untyped = RunnableLambda(lambda x: x)
reveal_type(untyped)  # R: lcel._lambda.RunnableLambda[Any, Any]
meta: dict[str, str] = {"user": "ann"}
r.with_config(metadata=meta, configurable={"k": 1})
