from lcel import RunnableParallel, RunnablePassthrough


def count(s: str) -> int:
    return len(s)


par = RunnableParallel(n=count)
added = par | RunnablePassthrough.assign(total=lambda d: d["n"] + 1)
added.invoke("x")["totl"]  # E: [typeddict-item]
labelled = par.assign(label=lambda d: str(d["n"]))
labelled.invoke("x")["lable"]  # E: [typeddict-item]
