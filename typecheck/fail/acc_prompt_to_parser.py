from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

x = ChatPromptTemplate.from_template("a {b}") | StrOutputParser()  # E: [operator]
