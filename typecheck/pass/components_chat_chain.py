"""prompt | chat model | StrOutputParser: the seed's joke chain, typed end to end."""

from typing import reveal_type

from lcel.messages import AIMessage, AIMessageChunk
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
model = FakeListChatModel(responses=["Why don't bears wear shoes?"])

message_chain = prompt | model
reveal_type(message_chain.invoke({"topic": "bears"}))  # R: lcel.messages.AIMessage
reveal_type(message_chain.batch([{"topic": "bears"}]))  # R: list[lcel.messages.AIMessage]

text_chain = prompt | model | StrOutputParser()
reveal_type(text_chain.invoke({"topic": "bears"}))  # R: str
for piece in text_chain.stream({"topic": "bears"}):
    reveal_type(piece)  # R: str

# a model's own stream yields chunks, which add up with +
total = AIMessageChunk("")
for chunk in model.stream("hi"):
    total = total + chunk
reveal_type(total)  # R: lcel.messages.AIMessageChunk
reveal_type(total.to_message())  # R: lcel.messages.AIMessage
answer: AIMessage = model.invoke([("system", "be brief"), ("human", "hi")])
