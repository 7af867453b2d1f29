from lcel.prompts import PromptTemplate

prompt = PromptTemplate.from_template("{a} {b}")
prompt.invoke(["a", "b"])  # E: [arg-type]
prompt.invoke({"a": "x"}).messages  # E: [attr-defined]
