from lcel import RunnableParallel
from lcel.prompts import PromptTemplate


def j(s: str) -> str:
    return s


c = RunnableParallel(topc=j) | PromptTemplate.from_template("a {topic}")  # E: [operator]
