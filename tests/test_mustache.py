"""Mustache prompt templates: the renderer (LangChain's outputs), variables, prompts, refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcel.errors import InputValidationError, MissingVariablesError
from lcel.messages import AIMessage, HumanMessage, SystemMessage
from lcel.models import FakeListChatModel
from lcel.mustache import MustacheError, render, template_variables
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate, PromptTemplate

# (template, data, what LangChain's mustache renders) — the expectations were produced by
# langchain-core 1.5.0's renderer.
CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "{{x}} {{{x}}} {{&x}}",
        {"x": '<a & "b">'},
        '&lt;a &amp; &quot;b&quot;&gt; <a & "b"> <a & "b">',
    ),
    (
        "{{#items}}[{{name}}]{{/items}}{{^none}}empty{{/none}}",
        {"items": [{"name": "n1"}, {"name": "n2"}], "none": []},
        "[n1][n2]empty",
    ),
    ("{{p.q}} {{p.r.0}}", {"p": {"q": 5, "r": [7]}}, "5 7"),
    ("{{#a}}{{.}},{{/a}}", {"a": [1, 2]}, "1,2,"),
    ("{{#a}}{{b}}{{/a}}", {"a": {"b": "in"}, "b": "out"}, "in"),
    ("{{#a}}{{b}}{{/a}}", {"a": {"c": "in"}, "b": "out"}, "out"),
    ("{{=<% %>=}}<% x %> {{x}}", {"x": 1}, "1 {{x}}"),
    ("a\n{{#s}}\nline {{x}}\n{{/s}}\nb", {"s": True, "x": 1}, "a\nline 1\nb"),
    ("a\n  {{#s}}  \nline\n  {{/s}}\nb\n", {"s": [1, 2]}, "a\nline\nline\nb\n"),
    ("{{! comment }}x\n{{!c}}\ny", {}, "x\ny"),
    ("{{x}}", {"x": 0}, "0"),
    ("{{x}}", {"x": False}, "False"),
    ("{{x}}", {"x": None}, ""),
    ("{{#x}}y{{/x}}", {"x": 0}, ""),
    ("{{^x}}y{{/x}}", {"x": 0}, "y"),
    ("{{missing}}!", {}, "!"),
    ("{{a.b.c}}", {"a": {"b": {"c": "deep"}}}, "deep"),
    (
        "{{#list}}{{#inner}}{{.}}{{/inner}};{{/list}}",
        {"list": [{"inner": [1, 2]}, {"inner": []}]},
        "12;;",
    ),
    ("x {{#s}}\n{{/s}} y", {"s": True}, "x \n y"),
    # standalone lines, LangChain's way: spaces before the tag go, a tab stays
    ("\t{{! c }}\n\n{{d.k}} \n  ", {"d": {"k": "K"}}, "\t\nK \n  "),
    ("  {{#s}}\n{{/s}}\n", {"s": True}, ""),
    (" {{! c }}  ", {}, "  "),
    (" {{#l}}\n\n {{/l}}", {"l": [1, "b"]}, "\n\n"),
    ("\t{{^n}}\n{{d.k}} {{/n}}a", {"d": {"k": "K"}}, "\tK a"),
]


@pytest.mark.parametrize(("template", "data", "expected"), CASES)
def test_renders_as_langchain(template: str, data: dict[str, Any], expected: str) -> None:
    assert render(template, data) == expected


def test_dot_in_a_true_section_is_the_value_not_the_whole_input() -> None:
    # LangChain renders the enclosing scope (the whole input dict) here; lcel renders the
    # value, so a prompt never receives the caller's entire input by accident.
    assert render("{{#s}}{{.}}{{/s}}", {"s": True, "secret": "x"}) == "True"


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=50))
def test_text_without_tags_is_unchanged(text: str) -> None:
    assert render(text, {}) == text


@given(st.text(max_size=30))
def test_escaping_round_trips_with_html_unescape(value: str) -> None:
    import html

    assert html.unescape(render("{{v}}", {"v": value})) == value
    assert render("{{{v}}}", {"v": value}) == value


def test_variables_for_the_schema() -> None:
    assert template_variables("{{a}} {{#b}}{{c}}{{/b}} {{d.e}} {{^f}}{{/f}} {{{g}}} {{.}}") == [
        ("a", True),
        ("b", False),
        ("d", False),
        ("f", False),
        ("g", True),
    ]


def test_no_logic_runs() -> None:
    class Secret:
        password = "hunter2"

        def __str__(self) -> str:
            return "Secret()"

    # attributes are never read, only dict keys and list indexes
    assert render("{{s.password}}", {"s": Secret()}) == ""
    assert render("{{s.__class__}}", {"s": {}}) == ""
    with pytest.raises(MustacheError, match="is a function"):
        render("{{#f}}x{{/f}}", {"f": lambda text, r: "ran"})
    with pytest.raises(MustacheError, match="is a function"):
        render("{{f}}", {"f": print})
    with pytest.raises(MustacheError, match="partials"):
        render("{{> other}}", {})


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{x}", "never closed"),
        ("{{#a}}x", r"section \{\{#a\}\} is never closed"),
        ("{{#a}}x{{/b}}", r"\{\{/b\}\} closes \{\{#a\}\}"),
        ("{{/a}}", r"\{\{/a\}\} closes no section"),
        ("{{}}", "empty tag"),
        ("{{=<%=}}", "needs two delimiters"),
    ],
)
def test_malformed_templates(template: str, message: str) -> None:
    with pytest.raises(MustacheError, match=message):
        render(template, {})


def test_prompt_template_mustache_every_mode() -> None:
    prompt = PromptTemplate.from_template(
        "Tell me about {{topic}}{{#facts}}\n- {{.}}{{/facts}}", template_format="mustache"
    )
    assert prompt.template_format == "mustache"
    assert prompt.input_variables == ["facts", "topic"]
    schema = prompt.input_schema
    assert schema["properties"]["topic"] == {"title": "Topic", "type": "string"}
    assert schema["required"] == ["topic", "facts"]
    value = {"topic": "bears", "facts": ["big", "furry"]}
    assert prompt.invoke(value).to_string() == "Tell me about bears\n- big\n- furry"
    assert prompt.format(topic="a {b}", facts=[]) == "Tell me about a {b}"  # braces stay text
    assert [p.to_string() for p in prompt.batch([value, {"topic": "x", "facts": []}])] == [
        "Tell me about bears\n- big\n- furry",
        "Tell me about x",
    ]
    assert [p.to_string() for p in prompt.stream(value)] == ["Tell me about bears\n- big\n- furry"]
    assert asyncio.run(prompt.ainvoke(value)).to_string() == "Tell me about bears\n- big\n- furry"
    with pytest.raises(MissingVariablesError, match="facts"):
        prompt.invoke({"topic": "bears"})
    assert prompt.partial(facts=[]).invoke({"topic": "t"}).to_string() == "Tell me about t"


def test_chat_prompt_mustache_in_a_chain() -> None:
    prompt = ChatPromptTemplate.from_messages(
        [
            ("system", "You are {{persona.name}}"),
            ("placeholder", "{{history}}"),
            ("human", "{{question}}"),
        ],
        template_format="mustache",
    )
    assert prompt.input_variables == ["persona", "question"]
    assert prompt.optional_variables == ["history"]
    messages = prompt.invoke(
        {"persona": {"name": "Cat"}, "question": "hi?", "history": [("ai", "earlier")]}
    ).to_messages()
    assert messages == [SystemMessage("You are Cat"), AIMessage("earlier"), HumanMessage("hi?")]
    chain = prompt | FakeListChatModel(responses=["meow"]) | StrOutputParser()
    assert chain.invoke({"persona": {"name": "Cat"}, "question": "?"}) == "meow"
    single = ChatPromptTemplate.from_template("{{a}} {b}", template_format="mustache")
    assert single.invoke({"a": 1}).to_messages() == [HumanMessage("1 {b}")]


def test_jinja2_and_unknown_formats_are_refused() -> None:
    with pytest.raises(InputValidationError, match="jinja2 templates can run code"):
        PromptTemplate.from_template("{{ x }}", template_format="jinja2")  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match="jinja2"):
        ChatPromptTemplate.from_messages([("human", "{{x}}")], template_format="jinja2")  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match="must be 'f-string' or 'mustache'"):
        PromptTemplate("x", template_format="fstring")  # type: ignore[arg-type]
    with pytest.raises(InputValidationError, match="placeholder"):
        ChatPromptTemplate.from_messages(
            [("placeholder", "{{a}} {{b}}")], template_format="mustache"
        )
    with pytest.raises(MustacheError, match="never closed"):
        PromptTemplate.from_template("{{#a}}", template_format="mustache")
