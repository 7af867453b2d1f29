"""A user's chat model implements _generate and composes like the fakes."""

from typing import Any, reveal_type

import attrs

from lcel.messages import AIMessage, BaseMessage
from lcel.models import BaseChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate


@attrs.frozen
class Echo(BaseChatModel):
    prefix: str = ">"

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> AIMessage:
        return AIMessage(self.prefix + messages[-1].text)


prompt = ChatPromptTemplate.from_messages([("system", "be {mood}"), ("human", "{q}")])
chain = prompt | Echo().bind(stop=["\n"]) | StrOutputParser()
reveal_type(chain.invoke({"mood": "kind", "q": "hi"}))  # R: str
reveal_type(Echo().with_config(run_name="echo").invoke("hi"))  # R: lcel.messages.AIMessage
reveal_type(Echo().with_fallbacks([Echo(prefix="!")]).invoke("hi"))  # R: lcel.messages.AIMessage
