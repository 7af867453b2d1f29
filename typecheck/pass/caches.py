"""Model caches: per model or global; a cached model keeps its types."""

from typing import reveal_type

from lcel.caches import BaseCache, InMemoryCache, SQLiteCache, get_llm_cache, set_llm_cache
from lcel.models import FakeListChatModel, FakeListLLM

memory = InMemoryCache(maxsize=100)
chat = FakeListChatModel(responses=["a"], cache=memory)
reveal_type(chat.invoke("hi"))  # R: lcel.messages.AIMessage
llm = FakeListLLM(responses=["a"], cache=False)
reveal_type(llm.invoke("hi"))  # R: str
set_llm_cache(SQLiteCache(":memory:"))
current: BaseCache | None = get_llm_cache()
hit = memory.lookup("prompt", "model")
reveal_type(hit)  # R: lcel.messages.AIMessage | str | None
