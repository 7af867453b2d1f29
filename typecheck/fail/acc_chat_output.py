from lcel.models import FakeListChatModel
from lcel.prompts import ChatPromptTemplate

x: str = (ChatPromptTemplate.from_template("a {b}") | FakeListChatModel(responses=["x"])).invoke({"b": "c"})  # E: [assignment]
