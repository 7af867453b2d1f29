"""Plugin: ``partial(b=...)`` takes the filled variable out of the prompt's input."""

from typing import reveal_type

from lcel.prompts import ChatPromptTemplate, PromptTemplate

prompt = PromptTemplate.from_template("{a} {b}").partial(b="x")
reveal_type(prompt)  # R: lcel.prompts.PromptTemplate[TypedDict({'a'=: str})]
prompt.invoke({"a": "1"})
chat = ChatPromptTemplate.from_template("{topic} in {style}").partial(style="haiku")
chat.invoke({"topic": "bears"})
