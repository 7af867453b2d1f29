# ruff: noqa: E501  (revealed types are compared whole)
from lcel import RunnableLambda
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder, PromptTemplate


def upper(s: str) -> str:
    return s.upper()


joke = PromptTemplate.from_template("tell me a joke about {topic}")
joke.invoke({"topci": "bears"})  # E: [typeddict-item]
joke.invoke({})  # E: [typeddict-item]
chat = ChatPromptTemplate.from_messages([("system", "You are {name}"), MessagesPlaceholder("history")])
chat.invoke({"name": "Bob", "history": "not messages"})  # E: [typeddict-item]
fed = {"name": RunnableLambda(upper)} | chat  # E: [operator]
