from lcel.tools import tool


@tool
def shout(text: str) -> str:
    """Shout."""
    return text


shout.invoke(3)  # E: [arg-type]
