"""Mustache prompt templates type like f-string ones (a dict of variables in)."""

from typing import reveal_type

from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate, StringPromptValue

prompt = PromptTemplate.from_template("about {{topic}}", template_format="mustache")
value: StringPromptValue = prompt.invoke({"topic": "bears"})
chat = ChatPromptTemplate.from_messages(
    [("system", "You are {{name}}"), ("human", "{{q}}")], template_format="mustache"
)
chain = chat | FakeListChatModel(responses=["hi"]) | StrOutputParser()
reveal_type(chain.invoke({"name": "Cat", "q": "?"}))  # R: str
