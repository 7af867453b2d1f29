"""Prompt templates and prompt values."""

from __future__ import annotations

import asyncio
import doctest
import typing
from typing import Any

import pytest

from lcel.errors import InputValidationError, MissingVariablesError
from lcel.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from lcel.prompts import (
    AIMessagePromptTemplate,
    ChatMessagePromptTemplate,
    ChatPromptTemplate,
    ChatPromptValue,
    HumanMessagePromptTemplate,
    MessagesPlaceholder,
    PromptTemplate,
    StringPromptValue,
    SystemMessagePromptTemplate,
    template_variables,
)

# -- prompt values -----------------------------------------------------------------------------


def test_string_prompt_value() -> None:
    value = StringPromptValue("hello")
    assert value.to_string() == "hello"
    assert value.to_messages() == [HumanMessage("hello")]
    assert value.type == "StringPromptValue"


def test_chat_prompt_value() -> None:
    value = ChatPromptValue([SystemMessage("s"), HumanMessage("h"), AIMessage("a")])
    assert value.messages == (SystemMessage("s"), HumanMessage("h"), AIMessage("a"))
    assert value.to_messages() == [SystemMessage("s"), HumanMessage("h"), AIMessage("a")]
    assert value.to_string() == "System: s\nHuman: h\nAI: a"
    assert hash(value) == hash(ChatPromptValue(list(value.messages)))


def test_chat_prompt_value_rejects_non_messages() -> None:
    with pytest.raises(InputValidationError, match=r"messages\[1\] must be a message"):
        ChatPromptValue([HumanMessage("a"), "b"])  # type: ignore[list-item]


# -- template parsing --------------------------------------------------------------------------


def test_template_variables() -> None:
    assert template_variables("{b} {a} {b}") == ("b", "a")
    assert template_variables("{{not}} {x}") == ("x",)
    assert template_variables("{value:>{width}} {value!r}") == ("value", "width")


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("{user.__class__.__name__}", "{user.__class__.__name__}"),
        ("hi {user[0]}", "{user[0]}"),
        ("{user.__init__.__globals__}", "{user.__init__.__globals__}"),
        ("{doc.page_content}", "{doc.page_content}"),
        ("{x:>{width.real}}", "{width.real}"),  # a lookup inside a format spec
        ("{x:{w[0]}}", "{w[0]}"),
        ("{ name }", "{ name }"),
    ],
)
def test_templates_with_lookups_are_refused_at_construction(template: str, field: str) -> None:
    from lcel.prompts import (
        ChatMessagePromptTemplate,
        HumanMessagePromptTemplate,
        SystemMessagePromptTemplate,
    )

    builders = [
        lambda: PromptTemplate.from_template(template),
        lambda: PromptTemplate(template),
        lambda: ChatPromptTemplate.from_template(template),
        lambda: ChatPromptTemplate.from_messages([("system", template)]),
        lambda: ChatPromptTemplate.from_messages([("human", "ok {a}"), ("ai", template)]),
        lambda: ChatPromptTemplate.from_messages([template]),
        lambda: HumanMessagePromptTemplate.from_template(template),
        lambda: SystemMessagePromptTemplate.from_template(template),
        lambda: ChatMessagePromptTemplate.from_template(template, role="critic"),
        lambda: ChatPromptTemplate.from_messages(
            [HumanMessagePromptTemplate(PromptTemplate(template))]
        ),
    ]
    for build in builders:
        with pytest.raises(InputValidationError, match="not a plain variable name") as info:
            build()
        assert field in str(info.value)


def test_plain_fields_and_brace_escapes_still_work() -> None:
    prompt = PromptTemplate.from_template("{{user.__class__}} {user} {{x[0]}} {n:>4}|")
    assert prompt.input_variables == ["n", "user"]
    assert prompt.format(user="ann", n=7) == "{user.__class__} ann {x[0]}    7|"
    chat = ChatPromptTemplate.from_messages([("system", "{{a.b}}"), ("human", "{q}")])
    assert chat.format_messages(q="hi")[0].content == "{a.b}"


@pytest.mark.parametrize("template", ["{}", "{0}", "a { b"])
def test_bad_templates_are_rejected(template: str) -> None:
    with pytest.raises(InputValidationError, match="invalid template"):
        PromptTemplate.from_template(template)


# -- PromptTemplate ----------------------------------------------------------------------------


def test_prompt_template_invoke() -> None:
    prompt = PromptTemplate.from_template("Tell me a {adjective} joke about {content}.")
    assert prompt.template == "Tell me a {adjective} joke about {content}."
    assert prompt.input_variables == ["adjective", "content"]
    value = prompt.invoke({"adjective": "funny", "content": "chickens"})
    assert value == StringPromptValue("Tell me a funny joke about chickens.")
    assert prompt.run_type == "prompt"
    assert prompt.blocking is False


def test_escaped_braces_and_non_str_values() -> None:
    prompt = PromptTemplate.from_template('{{"k": {n}}} {items}')
    assert prompt.invoke({"n": 3, "items": [1, 2]}).text == '{"k": 3} [1, 2]'


def test_missing_variable_names_missing_and_received_keys() -> None:
    prompt = PromptTemplate.from_template("{topic} and {style}")
    with pytest.raises(MissingVariablesError) as info:
        prompt.invoke({"topc": "bears", "style": "x"})
    error = info.value
    assert isinstance(error, KeyError)
    assert isinstance(error, ValueError)
    assert isinstance(error, InputValidationError)
    assert error.missing == ["topic"]
    assert error.received == ["style", "topc"]
    assert str(error) == (
        "Input to PromptTemplate is missing variables ['topic']. "
        "Expected: ['style', 'topic'] Received: ['style', 'topc']"
    )


def test_single_variable_prompt_accepts_a_bare_value() -> None:
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    assert prompt.invoke("bears") == prompt.invoke({"topic": "bears"})  # type: ignore[arg-type]


def test_non_dict_input_is_rejected() -> None:
    prompt = PromptTemplate.from_template("{a}{b}")
    with pytest.raises(InputValidationError, match=r"must be a dict with the keys \['a', 'b'\]"
                       r", got int: 5"):
        prompt.invoke(5)  # type: ignore[arg-type]


def test_extra_keys_are_ignored() -> None:
    prompt = PromptTemplate.from_template("{a}")
    assert prompt.invoke({"a": 1, "b": 2}).text == "1"


def test_partial_values_and_callables() -> None:
    calls: list[int] = []

    def today() -> str:
        calls.append(1)
        return "Monday"

    prompt = PromptTemplate.from_template("{greeting}, it is {day}. {question}")
    partial = prompt.partial(greeting="Hi", day=today)
    assert partial.input_variables == ["question"]
    assert prompt.input_variables == ["day", "greeting", "question"]
    assert partial.invoke({"question": "?"}).text == "Hi, it is Monday. ?"
    assert partial.invoke("!").text == "Hi, it is Monday. !"  # type: ignore[arg-type]
    assert len(calls) == 2
    # values given at run time win over partials
    assert partial.invoke({"question": "?", "day": "Friday"}).text == "Hi, it is Friday. ?"


def test_templates_are_values() -> None:
    a = PromptTemplate.from_template("{x}")
    assert a == PromptTemplate.from_template("{x}")
    assert hash(a) == hash(PromptTemplate.from_template("{x}"))
    assert a != PromptTemplate.from_template("{y}")
    assert a.partial(x=1) != a


def test_prompt_types() -> None:
    prompt = PromptTemplate.from_template("{topic} {n}")
    input_type = prompt.input_type
    assert input_type.__name__ == "PromptInput"
    assert typing.get_type_hints(input_type) == {"topic": str, "n": str}
    assert input_type.__required_keys__ == frozenset({"topic", "n"})
    assert prompt.output_type is StringPromptValue
    assert prompt.get_name() == "PromptTemplate"
    assert prompt._schema_title_stem() == "Prompt"


def test_prompt_batch_stream_and_async() -> None:
    prompt = PromptTemplate.from_template("hi {name}")
    assert prompt.batch([{"name": "a"}, {"name": "b"}]) == [
        StringPromptValue("hi a"),
        StringPromptValue("hi b"),
    ]
    assert list(prompt.stream({"name": "a"})) == [StringPromptValue("hi a")]

    async def main() -> list[Any]:
        return [
            await prompt.ainvoke({"name": "c"}),
            *(await prompt.abatch([{"name": "d"}])),
            *[x async for x in prompt.astream({"name": "e"})],
        ]

    assert [v.text for v in asyncio.run(main())] == ["hi c", "hi d", "hi e"]


# -- ChatPromptTemplate ------------------------------------------------------------------------


def test_chat_from_template() -> None:
    prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
    assert prompt.input_variables == ["topic"]
    assert prompt.invoke({"topic": "bears"}) == ChatPromptValue(
        [HumanMessage("tell me a joke about bears")]
    )
    assert prompt.get_name() == "ChatPromptTemplate"
    assert prompt.output_type is ChatPromptValue


def test_chat_from_messages_with_every_kind_of_entry() -> None:
    prompt = ChatPromptTemplate.from_messages([
        ("system", "You are {name}"),
        SystemMessage("fixed {not_a_variable}"),
        MessagesPlaceholder("history"),
        HumanMessagePromptTemplate.from_template("{question}"),
        AIMessagePromptTemplate.from_template("ai {question}"),
        SystemMessagePromptTemplate.from_template("sys"),
        ChatMessagePromptTemplate.from_template("{question}!", role="wizard"),
        ("user", "u"),
        ("assistant", "a"),
        "plain {question}",
    ])
    assert prompt.input_variables == ["history", "name", "question"]
    value = prompt.invoke(
        {"name": "Cat Agent 007", "history": [("human", "h"), AIMessage("x")], "question": "q"}
    )
    assert value.to_string() == "\n".join([
        "System: You are Cat Agent 007",
        "System: fixed {not_a_variable}",
        "Human: h",
        "AI: x",
        "Human: q",
        "AI: ai q",
        "System: sys",
        "wizard: q!",
        "Human: u",
        "AI: a",
        "Human: plain q",
    ])


def test_placeholder_positional_and_optional() -> None:
    assert MessagesPlaceholder("h") == MessagesPlaceholder(variable_name="h", optional=False)
    prompt = ChatPromptTemplate.from_messages([
        MessagesPlaceholder("history", optional=True),
        ("human", "{q}"),
    ])
    assert prompt.input_variables == ["q"]
    assert prompt.optional_variables == ["history"]
    assert prompt.invoke({"q": "x"}).to_messages() == [HumanMessage("x")]
    hints = typing.get_type_hints(prompt.input_type)
    assert hints == {"history": list[BaseMessage], "q": str}
    assert prompt.input_type.__required_keys__ == frozenset({"q"})
    assert prompt.input_type.__optional_keys__ == frozenset({"history"})


def test_placeholder_role_tuple_is_optional() -> None:
    prompt = ChatPromptTemplate.from_messages([("placeholder", "{history}"), ("human", "{q}")])
    assert prompt.optional_variables == ["history"]
    with pytest.raises(InputValidationError, match="must be '\\{variable\\}'"):
        ChatPromptTemplate.from_messages([("placeholder", "history {x}")])


def test_required_placeholder_is_checked() -> None:
    prompt = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
    with pytest.raises(MissingVariablesError, match=r"missing variables \['history'\]"):
        prompt.invoke({"q": "x"})
    with pytest.raises(InputValidationError, match="'history' of MessagesPlaceholder must be a "
                       "list of messages, got str"):
        prompt.invoke({"q": "x", "history": "oops"})
    with pytest.raises(InputValidationError, match="message 0"):
        prompt.invoke({"q": "x", "history": [42]})


def test_chat_prompt_rejects_bad_entries() -> None:
    with pytest.raises(InputValidationError, match="unknown role 'robot'"):
        ChatPromptTemplate.from_messages([("robot", "x")])
    with pytest.raises(InputValidationError, match=r"message 0: expected a message.*got int"):
        ChatPromptTemplate.from_messages([42])  # type: ignore[list-item]
    with pytest.raises(InputValidationError, match="wrap it in a list"):
        ChatPromptTemplate.from_messages("just a string")


def test_chat_prompt_partial() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "be {mood}"), ("human", "{q}")])
    partial = prompt.partial(mood="nice")
    assert partial.input_variables == ["q"]
    assert partial.invoke("hi").to_string() == "System: be nice\nHuman: hi"  # type: ignore[arg-type]
    assert set(typing.get_type_hints(partial.input_type)) == {"q"}


def test_chat_prompts_add() -> None:
    system = ChatPromptTemplate.from_messages([("system", "be {mood}")])
    both = system + ChatPromptTemplate.from_template("{q}")
    assert both.input_variables == ["mood", "q"]
    # RUF005 mistakes the prompt for a sequence
    assert (system + ("human", "{q}")) == both  # noqa: RUF005
    assert (system + [("human", "{q}"), AIMessage("ok")]).invoke(  # noqa: RUF005
        {"mood": "kind", "q": "hi"}
    ).to_messages() == [SystemMessage("be kind"), HumanMessage("hi"), AIMessage("ok")]


def test_chat_prompt_format_messages() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "s"), ("human", "{q}")])
    assert prompt.format_messages(q="x") == [SystemMessage("s"), HumanMessage("x")]
    assert prompt.format(q="x") == "System: s\nHuman: x"


def test_chat_prompt_with_documents_in_a_variable() -> None:
    prompt = ChatPromptTemplate.from_template("Context: {context}\nQuestion: {question}")
    value = prompt.invoke({"context": ["doc a", "doc b"], "question": "why?"})
    assert value.to_messages()[0].content == "Context: ['doc a', 'doc b']\nQuestion: why?"


def test_docstring_examples() -> None:
    import lcel.prompts

    result = doctest.testmod(lcel.prompts, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
