"""Plugin: ``assign`` keeps the input's keys and adds typed ones."""



from typing import reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


def count(s: str) -> int:
    return len(s)


def upper(s: str) -> str:
    return s.upper()


par = RunnableParallel(text=upper, n=count)

# the classmethod, composed after a keyed output: lambdas see that output
totals = par | RunnablePassthrough.assign(total=lambda d: d["n"] + 1)
reveal_type(totals)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.AssignOutput, {'text': str, 'n': int, 'total': int})]
out = totals.invoke("abc")
reveal_type(out["total"])  # R: int
reveal_type(out["text"])  # R: str

# the classmethod after a dict literal
from_dict = {"n": count} | RunnablePassthrough.assign(double=lambda d: d["n"] * 2)
reveal_type(from_dict)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.AssignOutput, {'n': int, 'double': int})]

# the instance method
labelled = par.assign(label=lambda d: d["text"].lower(), size=RunnableLambda(lambda d: 3))
reveal_type(labelled)  # R: lcel._runnable.Runnable[str, TypedDict(lcel._keyed.AssignOutput, {'text': str, 'n': int, 'label': str, 'size': int})]
relabelled = labelled.assign(n=lambda d: str(d["n"]))
reveal_type(relabelled.invoke("x")["n"])  # R: str

# the classmethod on its own: the input's keys are not known yet
alone = RunnablePassthrough.assign(total=count)
reveal_type(alone)  # R: lcel._passthrough.RunnableAssign[typing.Mapping[str, Any], Any]
reveal_type(par | alone)  # R: lcel._runnable.Runnable[str, Any]
