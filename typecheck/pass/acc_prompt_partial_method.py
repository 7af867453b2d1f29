from lcel.prompts import PromptTemplate

p = PromptTemplate.from_template("{a} {b}").partial(b="x")
p.invoke({"a": "1"})
