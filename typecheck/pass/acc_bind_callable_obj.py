from typing import reveal_type

from lcel import RunnableLambda
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate


class Counter:
    def __call__(self, s: str) -> int:
        return len(s)


def kw(s: str, *, n: int = 1) -> str:
    return s * n


prompt = ChatPromptTemplate.from_template("{q}")
c = prompt | FakeListChatModel(responses=["x"]).bind(stop=["\n"]) | StrOutputParser()
reveal_type(c.invoke({"q": "x"}))  # R: str
c2 = RunnableLambda(kw).bind(n=2) | Counter()
reveal_type(c2)  # R: lcel._runnable.Runnable[str, int]
c3 = prompt | FakeListLLM(responses=["x"]).with_retry() | StrOutputParser()
reveal_type(c3.invoke({"q": "x"}))  # R: str
c4 = (prompt | FakeListChatModel(responses=["x"])).with_fallbacks([prompt | FakeListChatModel(responses=["y"])])
reveal_type(c4.invoke({"q": "x"}))  # R: lcel.messages.AIMessage
