from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
chain = prompt | StrOutputParser()  # E: [operator]
