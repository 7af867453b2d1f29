from lcel import RunnableConfig, RunnableLambda


async def f(s: str, config: RunnableConfig) -> int:
    return 1


RunnableLambda(f).invoke(1)  # E: [arg-type]
