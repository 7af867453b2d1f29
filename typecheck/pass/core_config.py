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
