from typing import TypedDict, reveal_type

from lcel import RunnableParallel, RunnablePassthrough
from lcel.messages import AIMessage, HumanMessage
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder, PromptTemplate

p = PromptTemplate.from_template("{a} and {b}")
p.invoke({"a": "x", "b": "y"})
cp = ChatPromptTemplate.from_messages([("system", "be {style}"), ("human", "{q}"), MessagesPlaceholder("history")])
cp.invoke({"style": "brief", "q": "hi", "history": [HumanMessage(content="a"), AIMessage(content="b")]})
cp2 = ChatPromptTemplate.from_messages([("human", "{q}"), MessagesPlaceholder("history", optional=True)])
cp2.invoke({"q": "hi"})


class Mine(TypedDict):
    a: str
    b: str
    extra: int


m: Mine = {"a": "1", "b": "2", "extra": 3}
p.invoke(m)
no_vars = PromptTemplate.from_template("no variables here")
no_vars.invoke({})
esc = PromptTemplate.from_template("literal {{braces}} and {x}")
esc.invoke({"x": "1"})
chain = {"a": RunnablePassthrough(), "b": lambda s: s} | p | FakeListChatModel(responses=["x"]) | StrOutputParser()
reveal_type(chain)  # R: lcel._runnable.Runnable[Any, str]
par = RunnableParallel(a=lambda s: "x", b=lambda s: "y")


def to_a(s: str) -> str:
    return s


chain2 = RunnableParallel(a=to_a, b=to_a) | p
reveal_type(chain2.invoke("q"))  # R: lcel.prompts.StringPromptValue
tmpl = ChatPromptTemplate.from_template("""multi
line {topic}
""")
tmpl.invoke({"topic": "x"})
