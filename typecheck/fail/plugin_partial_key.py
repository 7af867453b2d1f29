from lcel.prompts import PromptTemplate

prompt = PromptTemplate.from_template("{a} {b}").partial(b="x")
prompt.invoke({"b": "1"})  # E: [typeddict-item]
