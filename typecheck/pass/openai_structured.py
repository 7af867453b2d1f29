"""with_structured_output is typed by its schema: an attrs class, a TypedDict or a dict."""

from typing import Any, TypedDict, reveal_type

import attrs

from lcel.messages import AIMessage
from lcel.models import FakeListChatModel
from lcel.openai import ChatOpenAI
from lcel.tools import tool


@attrs.frozen
class Person:
    name: str
    age: int


class Movie(TypedDict):
    title: str
    year: int


@tool
def multiply(a: int, b: int) -> int:
    """Multiply."""
    return a * b


model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-x", base_url="http://127.0.0.1:1/v1")
person = model.with_structured_output(Person).invoke("Ada is 36")
reveal_type(person)  # R: openai_structured.Person
print(person.name.upper(), person.age + 1)
movie = model.with_structured_output(Movie, method="function_calling").invoke("x")
reveal_type(movie)  # R: TypedDict(openai_structured.Movie, {'title': str, 'year': int})
data = model.with_structured_output({"title": "t", "type": "object"}).invoke("x")
reveal_type(data)  # R: dict[str, Any]
raw = FakeListChatModel(responses=["{}"]).with_structured_output(Person, include_raw=True)
out = raw.invoke("x")
parsed: Person | None = out["parsed"]
error: BaseException | None = out["parsing_error"]
message = model.bind_tools([multiply, Person, Movie], tool_choice="auto").invoke("x")
reveal_type(message)  # R: lcel.messages.AIMessage
calls: list[Any] = message.tool_calls
answer: AIMessage = model.invoke("hi")
