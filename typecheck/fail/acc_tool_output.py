from lcel.tools import tool


@tool
def add(a: int, b: int = 2) -> int:
    """Add."""
    return a + b


x: str = add.invoke({"a": 1})  # E: [assignment]
