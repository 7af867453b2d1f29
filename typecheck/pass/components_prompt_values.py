"""Prompt values convert both ways; parallels of prompt | model chains give dicts."""

from typing import reveal_type

from lcel import RunnableParallel
from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate, ChatPromptValue, PromptValue, StringPromptValue

value = ChatPromptTemplate.from_template("tell me a joke about {topic}").invoke({"topic": "x"})
reveal_type(value)  # R: lcel.prompts.ChatPromptValue
reveal_type(value.messages)  # R: tuple[lcel.messages.BaseMessage, ...]
reveal_type(value.to_messages())  # R: list[lcel.messages.BaseMessage]
reveal_type(StringPromptValue("t").to_string())  # R: str
generic: PromptValue = ChatPromptValue([])

model = FakeListChatModel(responses=["ha"])
chain1 = ChatPromptTemplate.from_template("tell me a joke about {topic}") | model
chain2 = ChatPromptTemplate.from_template("write a short (2 line) poem about {topic}") | model
combined = RunnableParallel(joke=chain1, poem=chain2)
out = combined.invoke({"topic": "bears"})
