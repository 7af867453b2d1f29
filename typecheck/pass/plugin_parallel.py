"""Plugin: ``RunnableParallel(...)`` outputs a TypedDict of its branch outputs."""



from typing import reveal_type

from lcel import RunnableLambda, RunnableParallel, RunnablePassthrough


def tell_joke(topic: str) -> str:
    return f"a joke about {topic}"


def count(topic: str) -> int:
    return len(topic)


async def score(topic: str) -> float:
    return 1.0


joke_chain = RunnableLambda(tell_joke)
par = RunnableParallel(joke=joke_chain, n=count)
reveal_type(par)  # R: lcel._parallel.RunnableParallel[str, TypedDict(lcel._keyed.ParallelOutput, {'joke': str, 'n': int})]
out = par.invoke("bears")
reveal_type(out["joke"])  # R: str
reveal_type(out["n"])  # R: int
n: int = out["n"]
text: str = out["joke"]

# the mapping form, a passthrough (typed as the parallel's input), a lambda, an async function
par2 = RunnableParallel({"joke": joke_chain, "orig": RunnablePassthrough(), "size": lambda s: 3})
reveal_type(par2)  # R: lcel._parallel.RunnableParallel[str, TypedDict(lcel._keyed.ParallelOutput, {'joke': str, 'orig': str, 'size': int})]
reveal_type(RunnableParallel(s=score))  # R: lcel._parallel.RunnableParallel[str, TypedDict(lcel._keyed.ParallelOutput, {'s': float})]

# nested parallels and nested dicts are keyed too
nested = RunnableParallel(outer=par, inner={"n": count})
reveal_type(nested.invoke("x")["outer"]["joke"])  # R: str
reveal_type(nested.invoke("x")["inner"]["n"])  # R: int

# the keyed output feeds the next step
summary = par | (lambda d: f"{d['joke']} ({d['n']})")
reveal_type(summary)  # R: lcel._runnable.Runnable[str, str]
