"""Plugin: a prompt's input is a TypedDict of its template variables."""



from typing import TypedDict, reveal_type

from lcel.messages import AIMessage, SystemMessage
from lcel.prompts import (
    ChatPromptTemplate,
    HumanMessagePromptTemplate,
    MessagesPlaceholder,
    PromptTemplate,
)

joke = PromptTemplate.from_template("tell me a joke about {topic}")
reveal_type(joke)  # R: lcel.prompts.PromptTemplate[TypedDict({'topic'=: str})]
joke.invoke({"topic": "bears"})

chat = ChatPromptTemplate.from_template("tell me a joke about {topic}")
reveal_type(chat)  # R: lcel.prompts.ChatPromptTemplate[TypedDict({'topic'=: str})]
chat.invoke({"topic": "bears"})


class Topic(TypedDict):
    topic: str
    audience: int


mine: Topic = {"topic": "bears", "audience": 3}
chat.invoke(mine)  # a user's own TypedDict with those keys (and more) fits

full = ChatPromptTemplate.from_messages(
    [
        ("system", "You are {name}"),
        SystemMessage(content="a fixed message, {not_a_variable}"),
        MessagesPlaceholder("history"),
        MessagesPlaceholder("scratchpad", optional=True),
        HumanMessagePromptTemplate.from_template("{question}"),
    ]
)
reveal_type(full)  # R: lcel.prompts.ChatPromptTemplate[TypedDict({'name'=: str, 'history'=: typing.Sequence[lcel.messages.BaseMessage], 'scratchpad'?=: typing.Sequence[lcel.messages.BaseMessage], 'question'=: str})]
full.invoke({"name": "Bob", "history": [AIMessage(content="hi")], "question": "why?"})
