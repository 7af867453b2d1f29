from lcel import RunnablePassthrough
from lcel.prompts import PromptTemplate

c = {"a": RunnablePassthrough()} | PromptTemplate.from_template("{a} {b}")  # E: [operator]
