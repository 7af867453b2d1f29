from lcel import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.prompts import ChatPromptTemplate, PromptTemplate


def f(s: str) -> int:
    return 1


steps: dict[str, Runnable[str, int]] = {"a": RunnableLambda(f)}
p1 = RunnableParallel(steps)
o = p1.invoke("x")
v = o["anything"]
key = "a"
k2: str = "a"
pk = p1.pick(k2)
pk2 = RunnableParallel(a=f).pick(k2)
keys = ["a"]
pk3 = RunnableParallel(a=f).pick(keys)
t = "hello {name}"
tv: str = t
pt = PromptTemplate.from_template(tv)
pt.invoke({"name": "x"})
pt.invoke({"other": "x"})
ct = ChatPromptTemplate.from_template(tv)
ct.invoke({"zzz": 1})
msgs: list[tuple[str, str]] = [("human", "{q}")]
cm = ChatPromptTemplate.from_messages(msgs)
cm.invoke({"q": "x"})
def ident(s: str) -> str:
    return s


seq = RunnableLambda(ident) | steps
d = {"a": f}
seq2 = d | RunnableLambda(lambda x: x)
asg = RunnablePassthrough.assign(**steps)
asg2 = RunnableParallel(a=f).assign(**steps)
fs = f"{t}"
pt2 = PromptTemplate.from_template("x {a}" + t)
