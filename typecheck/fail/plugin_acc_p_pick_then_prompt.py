from lcel import RunnableParallel
from lcel.prompts import PromptTemplate


def j(s: str) -> str:
    return s


c = RunnableParallel(a=j, b=j).pick(["a"]) | PromptTemplate.from_template("{a} {b}")  # E: [operator]
