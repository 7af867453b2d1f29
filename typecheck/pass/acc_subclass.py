from typing import reveal_type

from lcel import RunnableParallel
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate


class MyModel(FakeListChatModel):
    pass


m = MyModel(responses=["x"])
c = ChatPromptTemplate.from_template("{q}") | m | StrOutputParser()
reveal_type(c.invoke({"q": "x"}))  # R: str
p = m | {"text": StrOutputParser(), "msg": lambda mm: mm.content}
reveal_type(p.invoke("x")["text"])  # R: str
p2 = RunnableParallel(a=m)
reveal_type(p2.invoke("x")["a"])  # R: lcel.messages.AIMessage
