"""Messages, coercion and serde keep precise types."""

from typing import reveal_type

from lcel.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
    convert_to_messages,
)
from lcel.serde import from_jsonable, to_jsonable

reveal_type(HumanMessage("hi"))  # R: lcel.messages.HumanMessage
content = HumanMessage(content="hi").content
reveal_type(content)  # R: str | list[str | dict[str, Any]]
reveal_type(AIMessage("x").text)  # R: str
reveal_type(AIMessageChunk("a") + AIMessageChunk("b"))  # R: lcel.messages.AIMessageChunk
calls = AIMessage("x", tool_calls=[{"name": "f", "args": {}, "id": "1"}]).tool_calls
reveal_type(calls[0]["args"])  # R: dict[str, Any]
reveal_type(calls[0]["id"])  # R: str | None
reveal_type(ToolMessage("42", tool_call_id="c1").tool_call_id)  # R: str
reveal_type(convert_to_messages([("human", "hi"), "there"]))  # R: list[lcel.messages.BaseMessage]
data = to_jsonable([HumanMessage("hi")])
reveal_type(from_jsonable(data, list[BaseMessage]))  # R: list[lcel.messages.BaseMessage]
reveal_type(from_jsonable({"type": "ai", "content": "x"}, AIMessage))  # R: lcel.messages.AIMessage
