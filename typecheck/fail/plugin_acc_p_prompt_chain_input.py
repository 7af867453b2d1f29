from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

c = ChatPromptTemplate.from_template("about {topic}") | FakeListChatModel(responses=["x"]) | StrOutputParser()
c.invoke({"topik": "x"})  # E: [typeddict-item]
