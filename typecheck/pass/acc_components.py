from typing import reveal_type

from lcel import Runnable
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import CommaSeparatedListOutputParser, JsonOutputParser, StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate
from lcel.vectorstores import InMemoryVectorStore

model = FakeListChatModel(responses=["a", "b"])
llm = FakeListLLM(responses=["x"])
prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
c1 = prompt | model | StrOutputParser()
reveal_type(c1.invoke({"topic": "bears"}))  # R: str
reveal_type(model.invoke("hi"))  # R: lcel.messages.AIMessage
reveal_type(model.invoke([HumanMessage(content="hi")]))  # R: lcel.messages.AIMessage
reveal_type(model.invoke([SystemMessage(content="s"), HumanMessage(content="hi")]))  # R: lcel.messages.AIMessage
reveal_type(llm.invoke("hi"))  # R: str
for ch in model.stream("hi"):
    reveal_type(ch)  # R: lcel.messages.AIMessageChunk
    both = ch + ch
for s in llm.stream("hi"):
    reveal_type(s)  # R: str
c2 = prompt | llm | StrOutputParser()
reveal_type(c2.invoke({"topic": "x"}))  # R: str
c3 = prompt | llm
reveal_type(c3.invoke({"topic": "x"}))  # R: str
c4 = prompt | model
reveal_type(c4.invoke({"topic": "x"}))  # R: lcel.messages.AIMessage
c5 = model | StrOutputParser()
reveal_type(c5)
p2 = PromptTemplate.from_template("Q: {q}")
c6 = p2 | llm | CommaSeparatedListOutputParser()
reveal_type(c6.invoke({"q": "x"}))  # R: list[str]
c7 = p2 | model | JsonOutputParser()
reveal_type(c7.invoke({"q": "x"}))  # R: Any
reveal_type(prompt.invoke({"topic": "x"}))  # R: lcel.prompts.ChatPromptValue
reveal_type(p2.invoke({"q": "x"}))  # R: lcel.prompts.StringPromptValue
msgs: list[BaseMessage] = prompt.invoke({"topic": "x"}).to_messages()
txt: str = p2.invoke({"q": "x"}).to_string()
reveal_type(StrOutputParser().invoke(AIMessage(content="x")))  # R: str
reveal_type(StrOutputParser().invoke("x"))  # R: str
reveal_type(CommaSeparatedListOutputParser().invoke("a, b"))  # R: list[str]
for part in CommaSeparatedListOutputParser().stream("a, b"):
    reveal_type(part)  # R: list[str]

vs = InMemoryVectorStore.from_texts(["a", "b"], embedding=HashingEmbeddings())
retriever = vs.as_retriever(k=2)
reveal_type(retriever.invoke("q"))  # R: list[lcel.documents.Document]
rq: Runnable[str, list[Document]] = retriever


def format_docs(docs: list[Document]) -> str:
    return "\n".join(d.page_content for d in docs)


fd = retriever | format_docs
reveal_type(fd)  # R: lcel._runnable.Runnable[str, str]
# string input straight into model, model into function
fn_after = model | (lambda m: m.content)
mw: Runnable[str, AIMessage] = model
