from lcel.prompts import ChatPromptTemplate

ChatPromptTemplate.from_template("{a} {b}").invoke({"a": "x"})  # E: [typeddict-item]
