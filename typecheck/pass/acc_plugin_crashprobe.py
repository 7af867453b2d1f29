from typing import Any, reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough
from lcel.messages import HumanMessage
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder, PromptTemplate


def f(s: str) -> int:
    return 1


d: dict[str, Any] = {"a": f}
p2 = RunnableParallel({**d, "x": f})
p3 = RunnableParallel({"a": f}, b=f)
pt = PromptTemplate.from_template(template="hello {name}")
pt.invoke({"name": "x"})
cm = ChatPromptTemplate.from_messages(messages=[("human", "{q}"), MessagesPlaceholder(variable_name="history")])
cm.invoke({"q": "x", "history": [HumanMessage(content="h")]})
empty = RunnableParallel()
seq = RunnableLambda(f) | {}
asg = RunnablePassthrough.assign()
pk = RunnableParallel(a=f).pick(keys=["a"])
cond = "a" if d else "b"
pk2 = RunnableParallel(a=f, b=f).pick(cond)
tmpl = "x {a}" if d else "y {b}"
pt2 = PromptTemplate.from_template(tmpl)
chained = RunnableParallel(a=f) | RunnableParallel(b=lambda dd: dd["a"])
reveal_type(chained.invoke("x")["b"])
