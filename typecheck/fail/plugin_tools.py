from lcel.tools import tool


@tool
def mul(a: int, b: int = 2) -> int:
    """Multiply."""
    return a * b


mul.invoke({"a": "x"})  # E: [typeddict-item]
mul.invoke({"aa": 1})  # E: [typeddict-item]
