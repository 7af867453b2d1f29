from lcel.parsers import StrOutputParser
from lcel.prompts import PromptTemplate

x = PromptTemplate.from_template("a {b}") | StrOutputParser()  # E: [operator]
