from typing import Any, reveal_type

from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate


async def main() -> None:
    c = ChatPromptTemplate.from_template("{q}") | FakeListChatModel(responses=["x"])
    async for ev in c.astream_events({"q": "x"}, version="v2", include_types=["chat_model"]):
        if ev["event"] == "on_chat_model_stream":
            chunk: Any = ev["data"]["chunk"]
        parents = ev["parent_ids"]
        md: dict[str, Any] = ev["metadata"]
    async for ch in c.astream({"q": "x"}):
        reveal_type(ch)  # R: lcel.messages.AIMessage
