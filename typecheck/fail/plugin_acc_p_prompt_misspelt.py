from lcel.prompts import PromptTemplate

PromptTemplate.from_template("a joke about {topic}").invoke({"topc": "x"})  # E: [typeddict-item]
