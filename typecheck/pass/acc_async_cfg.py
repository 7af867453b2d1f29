from typing import reveal_type

from lcel import RunnableConfig, RunnableLambda, chain


async def af(x: int, config: RunnableConfig) -> str:
    return str(x)


reveal_type(RunnableLambda(af))  # R: lcel._lambda.RunnableLambda[int, str]
reveal_type(chain(af))  # R: lcel._lambda.RunnableLambda[int, str]
