from lcel import RunnableLambda


def shout(text: str) -> str:
    return text.upper()


as_tool = RunnableLambda(shout).as_tool(name="shout", description="Shouts")
number: int = as_tool.invoke("hi")  # E: [assignment]
RunnableLambda(shout).as_tool(name=3)  # E: [arg-type]
RunnableLambda(shout).as_tool(arg_types=["x"])  # E: [arg-type]
