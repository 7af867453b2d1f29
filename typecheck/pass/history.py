"""RunnableWithMessageHistory keeps the wrapped runnable's output type (and its input type,
unless a history key makes the input a dict the caller fills without that key)."""

from typing import reveal_type

from lcel import RunnableWithMessageHistory
from lcel.chat_history import BaseChatMessageHistory, InMemoryChatMessageHistory
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder

store: dict[str, InMemoryChatMessageHistory] = {}


def get_history(session_id: str) -> BaseChatMessageHistory:
    return store.setdefault(session_id, InMemoryChatMessageHistory())


model = FakeListChatModel(responses=["hi"])
chat = RunnableWithMessageHistory(model, get_history)
reveal_type(chat.invoke("hello", {"configurable": {"session_id": "s"}}))  # R: lcel.messages.AIMessage
for chunk in chat.stream([("human", "hello")]):
    reveal_type(chunk)  # R: lcel.messages.AIMessage

prompt = ChatPromptTemplate.from_messages(
    [("system", "good at {ability}"), MessagesPlaceholder("history"), ("human", "{question}")]
)
keyed = RunnableWithMessageHistory(
    prompt | model | StrOutputParser(),
    get_history,
    input_messages_key="question",
    history_messages_key="history",
)
reveal_type(keyed.invoke({"ability": "math", "question": "why?"}))  # R: str
then_upper = keyed | str.upper
reveal_type(then_upper)  # R: lcel._runnable.Runnable[typing.Mapping[str, Any], str]
