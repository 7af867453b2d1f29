from lcel.tools import tool


@tool("my_add")
def add(a: int, b: int) -> int:
    """Add."""
    return a + b


add.invoke({"a": 1, "c": 2})  # E: [typeddict-item]
