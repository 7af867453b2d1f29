import attrs

from lcel.models import FakeListChatModel
from lcel.parsers import AttrsOutputParser, CommaSeparatedListOutputParser


@attrs.frozen
class Joke:
    setup: str


class NotAttrs:
    pass


items: str = CommaSeparatedListOutputParser().invoke("a, b")  # E: [assignment]
joke: int = (FakeListChatModel(responses=["{}"]) | AttrsOutputParser(Joke)).invoke("x")  # E: [assignment]
AttrsOutputParser(NotAttrs)  # E: [type-var]
CommaSeparatedListOutputParser().invoke(3)  # E: [arg-type]
