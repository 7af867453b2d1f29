from lcel import RunnableWithMessageHistory
from lcel.chat_history import InMemoryChatMessageHistory
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser


def get_history(session_id: str) -> InMemoryChatMessageHistory:
    return InMemoryChatMessageHistory()


def not_a_history(session_id: str) -> int:
    return 1


model = FakeListChatModel(responses=["hi"])
chat = RunnableWithMessageHistory(model, get_history)
chat.invoke(42)  # E: [arg-type]
text: str = chat.invoke("hello")  # E: [assignment]
RunnableWithMessageHistory(model, not_a_history)  # E: [arg-type]
keyed = RunnableWithMessageHistory(model | StrOutputParser(), get_history, history_messages_key="h")
keyed.invoke("not a dict")  # E: [arg-type]
