"""The seed page's event reference table (LangChain's documented shapes). API.md only says
`data: input on start`; the seed documents the *shape* of that input for models/retrievers."""
import pytest
from conftest import acollect, run

from lcel import RunnableLambda, RunnablePassthrough
from lcel.documents import Document
from lcel.embeddings import HashingEmbeddings
from lcel.messages import HumanMessage, SystemMessage
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.tools import tool
from lcel.vectorstores import InMemoryVectorStore


def _chain():
    vs = InMemoryVectorStore.from_texts(["harrison worked at kensho"], embedding=HashingEmbeddings())
    return ({"context": vs.as_retriever().with_config(run_name="Docs"), "question": RunnablePassthrough()}
            | ChatPromptTemplate.from_messages([("system", "You are Cat Agent 007"), ("human", "{question} {context}")])
            | FakeListChatModel(responses=["hello"]).with_config(run_name="my_llm") | StrOutputParser())

@pytest.mark.parametrize("version", ["v1", "v2"])
def test_retriever_start_input_is_query_dict(version):
    evs = run(acollect(_chain().astream_events("hello", version=version, include_names=["Docs"])))
    start = next(e for e in evs if e["event"] == "on_retriever_start")
    assert start["data"]["input"] == {"query": "hello"}

@pytest.mark.parametrize("version", ["v1", "v2"])
def test_chat_model_start_input_is_messages(version):
    evs = run(acollect(_chain().astream_events("hello", version=version, include_names=["my_llm"])))
    start = next(e for e in evs if e["event"] == "on_chat_model_start")
    msgs = start["data"]["input"]["messages"]
    assert isinstance(msgs[0][0], SystemMessage) and isinstance(msgs[0][1], HumanMessage)

def test_table_format_docs_and_tool_and_prompt():
    def format_docs(docs):
        """Format the docs."""
        return ", ".join([doc.page_content for doc in docs])
    fd = RunnableLambda(format_docs)
    evs = run(acollect(fd.astream_events([Document(page_content="hello world!"), Document(page_content="goodbye world!")])))
    assert [(e["event"], e["name"]) for e in evs] == [("on_chain_start", "format_docs"), ("on_chain_stream", "format_docs"), ("on_chain_end", "format_docs")]
    assert evs[1]["data"]["chunk"] == "hello world!, goodbye world!"
    @tool
    def some_tool(x: int, y: str) -> dict:
        """Some_tool."""
        return {"x": x, "y": y}
    evs = run(acollect(some_tool.astream_events({"x": 1, "y": "2"})))
    assert evs[0]["data"]["input"] == {"x": 1, "y": "2"} and evs[-1]["data"]["output"] == {"x": 1, "y": "2"}
    template = ChatPromptTemplate.from_messages([("system", "You are Cat Agent 007"), ("human", "{question}")]).with_config({"run_name": "my_template", "tags": ["my_template"]})
    evs = run(acollect(template.astream_events({"question": "hello"})))
    assert evs[0]["event"] == "on_prompt_start" and evs[0]["name"] == "my_template"
    assert evs[-1]["data"]["input"] == {"question": "hello"}

def test_graph_nodes_langchain_style():
    g = (ChatPromptTemplate.from_template("{t}") | FakeListChatModel(responses=["x"])).get_graph()
    assert g.first_node().name == "PromptInput"
    assert g.last_node().name == "FakeListChatModelOutput"
    # LangChain: Graph.nodes is a dict id -> Node
    assert isinstance(g.nodes, dict)
