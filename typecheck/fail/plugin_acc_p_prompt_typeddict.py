from typing import TypedDict
from lcel.prompts import PromptTemplate


class Wrong(TypedDict):
    topc: str


w: Wrong = {"topc": "x"}
PromptTemplate.from_template("about {topic}").invoke(w)  # E: [arg-type]
