from lcel.caches import InMemoryCache, set_llm_cache
from lcel.models import FakeListChatModel

FakeListChatModel(responses=["a"], cache="yes")  # E: [arg-type]
InMemoryCache(maxsize="3")  # E: [arg-type]
InMemoryCache().update("p", "m", 3)  # E: [arg-type]
set_llm_cache(True)  # E: [arg-type]
