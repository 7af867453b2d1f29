from lcel import RunnableParallel, RunnablePassthrough
from lcel.prompts import PromptTemplate


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j).assign(b=lambda d: d["a"]) | PromptTemplate.from_template("{a} {c}")  # E: [operator]
