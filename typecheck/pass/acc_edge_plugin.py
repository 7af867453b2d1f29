from typing import TypeVar, reveal_type

from lcel import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.messages import HumanMessage
from lcel.prompts import ChatPromptTemplate, HumanMessagePromptTemplate, PromptTemplate


def j(s: str) -> str:
    return s


def n(s: str) -> int:
    return 1


p = RunnableParallel({"my key": j, "class": n})
reveal_type(p.invoke("x")["my key"])  # R: str
nested = RunnableLambda(j) | {"outer": {"inner": n}, "x": j}
reveal_type(nested.invoke("x")["outer"]["inner"])  # R: int
wc = RunnableParallel(a=j, b=n).with_config(run_name="p").with_retry()
reveal_type(wc.invoke("x")["b"])  # R: int
pk = RunnableParallel(a=j, b=n).pick([])
fmt = PromptTemplate.from_template("{x:>10} {y!r}")
fmt.invoke({"x": "1", "y": "2"})
attr = PromptTemplate.from_template("{x}")
ph = ChatPromptTemplate.from_messages([("placeholder", "{history}"), ("human", "{q}")])
ph.invoke({"q": "x", "history": [HumanMessage(content="a")]})
hm = ChatPromptTemplate.from_messages([HumanMessagePromptTemplate.from_template("{q}"), ("ai", "{a}")])
hm.invoke({"q": "1", "a": "2"})
ml = ChatPromptTemplate.from_messages([("human", "{q}")])
ml2 = ChatPromptTemplate.from_messages([("system", "s"), ("user", "{q}"), ("assistant", "{a}")])
ml2.invoke({"q": "1", "a": "2"})

T = TypeVar("T")
U = TypeVar("U")


def compose(a: Runnable[T, str], b: Runnable[str, U]) -> Runnable[T, U]:
    return a | b


reveal_type(compose(RunnableLambda(j), RunnableLambda(n)))  # R: lcel._runnable.Runnable[str, int]
as_dict = RunnableLambda(j) | {"a": j, "b": n}
as2 = as_dict | RunnablePassthrough.assign(c=lambda d: d["b"] * 2)
reveal_type(as2.invoke("x")["c"])  # R: int
pk2 = as2.pick(["a", "c"])
reveal_type(pk2.invoke("x")["c"])  # R: int
pk3 = as2.pick("a")
reveal_type(pk3.invoke("x"))  # R: str
