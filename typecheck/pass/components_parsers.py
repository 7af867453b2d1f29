"""Parsers read a model's message or an LLM's text; AttrsOutputParser's output is its class."""

from typing import reveal_type

import attrs

from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import AttrsOutputParser, JsonOutputParser, StrOutputParser


@attrs.frozen
class Joke:
    setup: str
    punchline: str


model = FakeListChatModel(responses=['{"setup": "a", "punchline": "b"}'])
parser = AttrsOutputParser(Joke)
reveal_type(parser)  # R: lcel.parsers.AttrsOutputParser[components_parsers.Joke]
reveal_type((model | parser).invoke("joke"))  # R: components_parsers.Joke
reveal_type((FakeListLLM(responses=["{}"]) | JsonOutputParser()).invoke("x"))  # R: Any
reveal_type(StrOutputParser().invoke(model.invoke("hi")))  # R: str
reveal_type(parser.parse('{"setup": "a", "punchline": "b"}').punchline)  # R: str
