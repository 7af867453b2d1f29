"""Graphs of runnables: structure, box diagrams and Mermaid text (snapshots on the seed chain)."""

from __future__ import annotations

import json
import re

import pytest

from lcel import (
    Runnable,
    RunnableBranch,
    RunnableLambda,
    RunnableParallel,
    RunnablePassthrough,
)
from lcel._graph import Graph, graph_of
from lcel.embeddings import HashingEmbeddings
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate
from lcel.vectorstores import InMemoryVectorStore


def inc(x: int) -> int:
    return x + 1


def double(x: int) -> int:
    return x * 2


def is_positive(x: int) -> bool:
    return x > 0


def seed_chain() -> Runnable[str, str]:
    template = """Answer the question based only on the following context:
{context}

Question: {question}
"""
    prompt = ChatPromptTemplate.from_template(template)
    model = FakeListChatModel(responses=["Harrison worked at Kensho."])
    retriever = InMemoryVectorStore.from_texts(
        ["harrison worked at kensho"], embedding=HashingEmbeddings()
    ).as_retriever()
    return (
        {"context": retriever.with_config(run_name="Docs"), "question": RunnablePassthrough()}
        | prompt
        | model.with_config(run_name="my_llm")
        | StrOutputParser()
    )


SEED_ASCII = """\
 +-----------------------------------------+
 | RunnableParallel<context,question>Input |
 +--------------------+--------------------+
                      |
         +------------+----+
         v                 v
     +------+   +---------------------+
     | Docs |   | RunnablePassthrough |
     +---+--+   +----------+----------+
         |                 |
         +------------+----+
                      v
+------------------------------------------+
| RunnableParallel<context,question>Output |
+---------------------+--------------------+
                      |
                      |
                      v
           +--------------------+
           | ChatPromptTemplate |
           +----------+---------+
                      |
                      |
                      v
                 +--------+
                 | my_llm |
                 +----+---+
                      |
                      |
                      v
             +-----------------+
             | StrOutputParser |
             +--------+--------+
                      |
                      |
                      v
          +-----------------------+
          | StrOutputParserOutput |
          +-----------------------+
"""

SEED_UNICODE = """\
 ┌─────────────────────────────────────────┐
 │ RunnableParallel<context,question>Input │
 └────────────────────┬────────────────────┘
                      │
         ┌────────────┴────┐
         ▼                 ▼
     ┌──────┐   ┌─────────────────────┐
     │ Docs │   │ RunnablePassthrough │
     └───┬──┘   └──────────┬──────────┘
         │                 │
         └────────────┬────┘
                      ▼
┌──────────────────────────────────────────┐
│ RunnableParallel<context,question>Output │
└─────────────────────┬────────────────────┘
                      │
                      │
                      ▼
           ┌────────────────────┐
           │ ChatPromptTemplate │
           └──────────┬─────────┘
                      │
                      │
                      ▼
                 ┌────────┐
                 │ my_llm │
                 └────┬───┘
                      │
                      │
                      ▼
             ┌─────────────────┐
             │ StrOutputParser │
             └────────┬────────┘
                      │
                      │
                      ▼
          ┌───────────────────────┐
          │ StrOutputParserOutput │
          └───────────────────────┘
"""

SEED_MERMAID = """\
flowchart TD
    n0(["RunnableParallel#60;context,question#62;Input"])
    n1["Docs"]
    n2["RunnablePassthrough"]
    n3[["RunnableParallel#60;context,question#62;Output"]]
    n4["ChatPromptTemplate"]
    n5["my_llm"]
    n6["StrOutputParser"]
    n7(["StrOutputParserOutput"])
    n0 --> n1
    n0 --> n2
    n1 --> n3
    n2 --> n3
    n3 --> n4
    n4 --> n5
    n5 --> n6
    n6 --> n7
    classDef boundary fill:#eef,stroke:#99c
    classDef junction fill:#f6f6f6,stroke:#bbb,stroke-dasharray: 3 3
    class n0,n7 boundary
    class n3 junction
"""


def names(g: Graph) -> list[str]:
    return [n.name for n in g.nodes.values()]


def edge_names(g: Graph) -> list[tuple[str, str, str | None]]:
    return [(g.node(e.source).name, g.node(e.target).name, e.label) for e in g.edges]


def test_seed_chain_nodes_and_edges() -> None:
    g = graph_of(seed_chain())
    assert names(g) == [
        "RunnableParallel<context,question>Input",
        "Docs",
        "RunnablePassthrough",
        "RunnableParallel<context,question>Output",
        "ChatPromptTemplate",
        "my_llm",
        "StrOutputParser",
        "StrOutputParserOutput",
    ]
    assert [n.run_type for n in g.nodes.values()] == [
        None,
        "retriever",
        "chain",
        None,
        "prompt",
        "chat_model",
        "parser",
        None,
    ]
    assert [n.kind for n in g.nodes.values()] == [
        "input",
        "runnable",
        "runnable",
        "join",
        "runnable",
        "runnable",
        "runnable",
        "output",
    ]
    prompt = g.node_list[4]
    assert (prompt.input_title, prompt.output_title) == ("PromptInput", "ChatPromptTemplateOutput")
    assert g.node_list[5].input_title == "my_llmInput"
    assert edge_names(g) == [
        ("RunnableParallel<context,question>Input", "Docs", None),
        ("RunnableParallel<context,question>Input", "RunnablePassthrough", None),
        ("Docs", "RunnableParallel<context,question>Output", None),
        ("RunnablePassthrough", "RunnableParallel<context,question>Output", None),
        ("RunnableParallel<context,question>Output", "ChatPromptTemplate", None),
        ("ChatPromptTemplate", "my_llm", None),
        ("my_llm", "StrOutputParser", None),
        ("StrOutputParser", "StrOutputParserOutput", None),
    ]
    assert g.first_node().name == seed_chain().input_schema["title"]
    assert g.last_node().name == seed_chain().output_schema["title"]


def test_seed_chain_ascii_snapshot() -> None:
    assert graph_of(seed_chain()).draw_ascii() == SEED_ASCII


def test_seed_chain_unicode_snapshot() -> None:
    assert graph_of(seed_chain()).draw_ascii(charset="unicode") == SEED_UNICODE


def test_seed_chain_mermaid_snapshot() -> None:
    assert graph_of(seed_chain()).draw_mermaid() == SEED_MERMAID


def test_get_graph_method_delegates() -> None:
    chain = seed_chain()
    assert chain.get_graph() == graph_of(chain)


def test_to_json_round_trips_through_json() -> None:
    data = graph_of(seed_chain()).to_json()
    assert json.loads(json.dumps(data)) == data
    assert {n["id"] for n in data["nodes"]} == {str(i) for i in range(8)}
    assert data["nodes"][1] == {
        "id": "1",
        "name": "Docs",
        "kind": "runnable",
        "run_type": "retriever",
        "input_schema_title": "DocsInput",
        "output_schema_title": "DocsOutput",
    }
    assert data["edges"][0] == {"source": "0", "target": "1"}


def test_ascii_is_pure_ascii_and_has_every_name() -> None:
    g = graph_of(seed_chain())
    text = g.draw_ascii()
    assert text.isascii()
    for n in g.nodes.values():
        assert f"| {n.name} |" in text


def test_leaf_is_one_node_between_input_and_output() -> None:
    g = graph_of(RunnableLambda(inc))
    assert names(g) == ["incInput", "inc", "incOutput"]
    assert [n.kind for n in g.nodes.values()] == ["input", "runnable", "output"]
    assert edge_names(g) == [("incInput", "inc", None), ("inc", "incOutput", None)]
    assert graph_of(RunnableLambda(inc)).draw_ascii() == (
        "+----------+\n"
        "| incInput |\n"
        "+-----+----+\n"
        "      |\n"
        "      |\n"
        "      v\n"
        "   +-----+\n"
        "   | inc |\n"
        "   +--+--+\n"
        "      |\n"
        "      |\n"
        "      v\n"
        "+-----------+\n"
        "| incOutput |\n"
        "+-----------+\n"
    )


def test_sequence_chains() -> None:
    g = graph_of(RunnableLambda(inc) | double | inc)
    assert names(g)[1:-1] == ["inc", "double", "inc"]
    assert len(g.edges) == 4
    for a, b in zip(g.node_list, g.node_list[1:], strict=False):
        assert [s.id for s in g.successors(a.id)] == [b.id]


def test_parallel_in_the_middle_forks_and_joins() -> None:
    g = graph_of(RunnableLambda(inc) | RunnableParallel(a=double, b=inc) | double)
    assert names(g) == [
        "incInput",
        "inc",
        "RunnableParallel<a,b>Input",
        "double",
        "inc",
        "RunnableParallel<a,b>Output",
        "double",
        "doubleOutput",
    ]
    fork = g.node_list[2]
    assert fork.kind == "fork"
    assert [n.name for n in g.successors(fork.id)] == ["double", "inc"]
    join = g.node_list[5]
    assert join.kind == "join"
    assert [n.name for n in g.predecessors(join.id)] == ["double", "inc"]


def test_branch_shows_conditions() -> None:
    branch = RunnableBranch(
        (is_positive, RunnableLambda(double) | inc),
        (lambda x: x == 0, RunnableLambda(inc)),
        RunnableLambda(double),
    )
    g = graph_of(RunnableLambda(inc) | branch)
    decide = next(n for n in g.nodes.values() if n.kind == "branch")
    assert decide.name == "RunnableBranch"
    out = [(e.label, g.node(e.target).name) for e in g.edges if e.source == decide.id]
    assert out == [("is_positive", "double"), ("x == 0", "inc"), ("default", "double")]
    assert all(e.conditional for e in g.edges if e.source == decide.id)
    text = g.draw_ascii()
    for label in ("is_positive", "x == 0", "default"):
        assert label in text
    mermaid = g.draw_mermaid()
    assert '-->|"is_positive"|' in mermaid
    assert '{"RunnableBranch"}' in mermaid
    assert '-->|"x == 0"|' in mermaid


def test_condition_labels_fall_back_to_their_position() -> None:
    conds = [RunnableLambda(is_positive) | (lambda b: not b), RunnableLambda(lambda x: x < 0)]
    branch = RunnableBranch((conds[0], inc), (conds[1], double), inc)
    g = graph_of(branch)
    labels = [e.label for e in g.edges if e.label is not None]
    assert labels == ["condition 1", "x < 0", "default"]


def test_bindings_retries_and_fallbacks_expand() -> None:
    inner = RunnableLambda(inc) | double
    g = graph_of(inner.with_config(run_name="outer").with_retry())
    assert names(g)[1:-1] == ["inc", "double"]
    g = graph_of(RunnableLambda(inc).with_config(run_name="named") | double)
    assert names(g)[1] == "named"
    g = graph_of(RunnableLambda(inc).bind() | RunnableLambda(double).with_retry())
    assert names(g)[1:-1] == ["inc", "double"]
    g = graph_of(RunnableLambda(inc).with_fallbacks([RunnableLambda(double)]) | inc)
    fork = g.node_list[0]
    labels = [(e.label, g.node(e.target).name) for e in g.edges if e.source == fork.id]
    assert labels == [("try", "inc"), ("fallback 1", "double")]


def test_assign_expands_with_a_passthrough_branch() -> None:
    g = graph_of(RunnableLambda(inc) | {"x": inc} | RunnablePassthrough.assign(y=double))
    fork = next(n for n in g.nodes.values() if n.name == "RunnableAssign<y>Input")
    assert [n.name for n in g.successors(fork.id)] == ["double", "RunnablePassthrough"]


def test_uneven_branches_keep_lines_straight() -> None:
    g = graph_of(RunnableParallel(long=RunnableLambda(inc) | double | inc, short=double))
    text = g.draw_ascii()
    lines = text.splitlines()
    # every line is drawn within the canvas, and no box is broken
    assert all(line == line.rstrip() for line in lines)
    assert text.count("| inc |") == 2
    assert text.count("| double |") == 2
    assert names(g)[0] == "RunnableParallel<long,short>Input"
    assert names(g)[-1] == "RunnableParallel<long,short>Output"


MERMAID_LINE = re.compile(
    r'^    (n\d+(\(\["[^"]*"\]\)|\["[^"]*"\]|\[\["[^"]*"\]\]|\{"[^"]*"\})'
    r'|n\d+ -->(\|"[^"]*"\|)? n\d+'
    r"|classDef \w+ [^;]+"
    r"|class [n\d,]+ \w+)$"
)


@pytest.mark.parametrize(
    "runnable",
    [
        seed_chain(),
        RunnableLambda(inc) | RunnableBranch((is_positive, inc), double) | {"a": inc, "b": double},
        RunnableLambda(inc).with_fallbacks([RunnableLambda(double)]),
    ],
)
def test_mermaid_is_well_formed(runnable: Runnable[object, object]) -> None:
    text = graph_of(runnable).draw_mermaid()
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines[1:]:
        assert MERMAID_LINE.match(line), line
    assert "<" not in text
    assert ">" not in text.replace("-->", "")
