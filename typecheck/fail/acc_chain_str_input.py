from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

c = ChatPromptTemplate.from_template("{q}") | FakeListChatModel(responses=["x"]) | StrOutputParser()
c.invoke("just a string")  # E: [arg-type]
