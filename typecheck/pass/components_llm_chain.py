"""A text prompt into an LLM into a list parser; an LLM also reads messages."""

from typing import reveal_type

from lcel.messages import HumanMessage, SystemMessage
from lcel.models import FakeListLLM
from lcel.parsers import CommaSeparatedListOutputParser, StrOutputParser
from lcel.prompts import PromptTemplate, StringPromptValue

prompt = PromptTemplate.from_template("List five {subject}.")
llm = FakeListLLM(responses=["red, green, blue"])

colours = prompt | llm | CommaSeparatedListOutputParser()
reveal_type(colours.invoke({"subject": "colours"}))  # R: list[str]
for item in colours.stream({"subject": "colours"}):
    reveal_type(item)  # R: list[str]

reveal_type(llm.invoke("plain text"))  # R: str
reveal_type(llm.invoke([SystemMessage("s"), HumanMessage("h")]))  # R: str
reveal_type(llm.invoke(StringPromptValue("p")))  # R: str
reveal_type((llm | StrOutputParser()).invoke("x"))  # R: str
for text in llm.stream("x"):
    reveal_type(text)  # R: str
