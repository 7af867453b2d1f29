"""Configurable fields and alternatives: resolution from ``config["configurable"]`` in every
mode, errors naming the field, specs, the config schema (LangChain's shape), graph, events."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Iterator
from typing import Any

import attrs
import pytest

from lcel import (
    Component,
    ConfigurableField,
    ConfigurableFieldMultiOption,
    ConfigurableFieldSingleOption,
    ConfigurableFieldSpec,
    RunnableConfig,
    RunnableLambda,
)
from lcel.configurable import (
    ConfigurationError,
    RunnableConfigurableAlternatives,
    RunnableConfigurableFields,
)
from lcel.models import FakeListChatModel, FakeListLLM
from lcel.parsers import JsonOutputParser, StrOutputParser
from lcel.prompts import PromptTemplate


@attrs.frozen
class Affix(Component[str, str]):
    """Wraps text in a prefix and a suffix; streams its output one piece at a time."""

    prefix: str = ">"
    suffix: str = ""
    times: int = 1

    def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
        return (self.prefix + input + self.suffix) * self.times

    def _stream(self, input: str, config: RunnableConfig, **kwargs: Any) -> Iterator[str]:
        for _ in range(self.times):
            yield self.prefix
            yield input
            yield self.suffix


def cfg(**values: object) -> RunnableConfig:
    return {"configurable": values}


AFFIX = Affix().configurable_fields(
    prefix=ConfigurableField(id="prefix", name="Prefix", description="goes first"),
    times=ConfigurableField(id="times"),
)


# -- fields: every mode ------------------------------------------------------------------------


def test_fields_default_and_configured_invoke() -> None:
    assert AFFIX.invoke("a") == ">a"
    assert AFFIX.invoke("a", cfg(prefix="#", times=2)) == "#a#a"
    assert AFFIX.invoke("a", cfg(unknown_id=3)) == ">a"  # unknown ids are ignored


def test_fields_batch_takes_each_inputs_config() -> None:
    out = AFFIX.batch(["a", "b", "c"], [cfg(prefix="1"), cfg(prefix="2"), {}])
    assert out == ["1a", "2b", ">c"]
    assert AFFIX.batch(["a", "b"], cfg(prefix="*")) == ["*a", "*b"]


def test_fields_async_modes() -> None:
    async def main() -> tuple[str, list[str], list[str]]:
        one = await AFFIX.ainvoke("a", cfg(prefix="!"))
        many = await AFFIX.abatch(["a", "b"], [cfg(prefix="1"), cfg(prefix="2")])
        chunks = [c async for c in AFFIX.astream("a", cfg(prefix="~", times=2))]
        return one, many, chunks

    one, many, chunks = asyncio.run(main())
    assert one == "!a"
    assert many == ["1a", "2b"]
    assert chunks == ["~", "a", "", "~", "a", ""]


def test_fields_stream_yields_the_resolved_runnables_chunks() -> None:
    assert list(AFFIX.stream("a", cfg(prefix="<", times=2))) == ["<", "a", "", "<", "a", ""]
    model = FakeListChatModel(responses=["ab"]).configurable_fields(
        responses=ConfigurableField(id="answers")
    )
    chunks = [c.content for c in model.stream("x", cfg(answers=["xyz"]))]
    assert chunks == ["x", "y", "z"]


def test_fields_transform_inside_a_streaming_chain() -> None:
    parser_first = RunnableLambda(lambda s: s) | AFFIX | StrOutputParser()
    assert "".join(parser_first.stream("q", cfg(prefix="@"))) == "@q"
    chunks = list(AFFIX.transform(iter(["a", "b"]), cfg(prefix="T")))
    assert "".join(chunks) == "Tab"

    async def main() -> list[str]:
        async def source() -> AsyncIterator[str]:
            yield "a"
            yield "b"

        return [c async for c in AFFIX.atransform(source(), cfg(prefix="A"))]

    assert "".join(asyncio.run(main())) == "Aab"


def test_fields_in_a_chain_and_bound_config() -> None:
    model = FakeListLLM(responses=["default"]).configurable_fields(
        responses=ConfigurableField(id="answers")
    )
    chain = PromptTemplate.from_template("say {w}") | model | StrOutputParser()
    assert chain.invoke({"w": "x"}) == "default"
    assert chain.invoke({"w": "x"}, cfg(answers=["configured"])) == "configured"
    bound = chain.with_config(configurable={"answers": ["bound"]})
    assert bound.invoke({"w": "x"}) == "bound"
    assert bound.invoke({"w": "x"}, cfg(other=1)) == "bound"  # other ids merge in


def test_fields_join_into_one_node_and_default_is_untouched() -> None:
    base = Affix()
    twice = base.configurable_fields(prefix=ConfigurableField(id="p")).configurable_fields(
        suffix=ConfigurableField(id="s")
    )
    assert type(twice) is RunnableConfigurableFields
    assert twice.default is base
    assert set(twice.fields) == {"prefix", "suffix"}
    assert twice.invoke("a", cfg(p="[", s="]")) == "[a]"
    assert base.invoke("a") == ">a"  # immutable: nothing was changed in place


def test_single_and_multi_option_fields() -> None:
    single = Affix().configurable_fields(
        prefix=ConfigurableFieldSingleOption(
            id="style", options={"quote": "> ", "bullet": "- "}, default="quote"
        )
    )
    assert single.invoke("a", cfg(style="bullet")) == "- a"

    @attrs.frozen
    class Join(Component[str, str]):
        parts: tuple[str, ...] = ("x",)

        def _invoke(self, input: str, config: RunnableConfig, **kwargs: Any) -> str:
            return input + "".join(self.parts)

    multi = Join().configurable_fields(
        parts=ConfigurableFieldMultiOption(
            id="parts", options={"one": "1", "two": "2"}, default=["one"]
        )
    )
    assert multi.invoke("n", cfg(parts=["two", "one"])) == "n21"


def test_prepare_resolves_every_level() -> None:
    inner = Affix().configurable_fields(prefix=ConfigurableField(id="p"))
    alt = inner.configurable_alternatives(ConfigurableField(id="which"), other=Affix(prefix="o"))
    runnable, config = alt.prepare(cfg(p="!"))
    assert runnable == Affix(prefix="!")
    assert config["configurable"] == {"p": "!"}
    assert alt.prepare(cfg(which="other"))[0] == Affix(prefix="o")


# -- errors --------------------------------------------------------------------------------


def test_a_value_of_the_wrong_type_is_an_error_naming_the_field() -> None:
    with pytest.raises(ConfigurationError) as info:
        AFFIX.invoke("a", cfg(times="two"))
    message = str(info.value)
    assert "config['configurable']['times']" in message
    assert "the times of Affix" in message
    assert "must be int, got str: 'two'" in message
    assert isinstance(info.value, ValueError)  # as LangChain's ValidationError


def test_a_value_refused_by_the_fields_converter_is_an_error_naming_the_field() -> None:
    model = FakeListChatModel(responses=["a"]).configurable_fields(
        responses=ConfigurableField(id="answers")
    )
    with pytest.raises(ConfigurationError, match=r"\['answers'\].*must be Iterable"):
        model.invoke("x", cfg(answers=3))
    with pytest.raises(ConfigurationError, match=r"is not valid: responses\[0\] must be a str"):
        model.invoke("x", cfg(answers=[3]))


def test_an_explicit_annotation_is_checked() -> None:
    loose = Affix().configurable_fields(
        prefix=ConfigurableField(id="p", annotation=str)
    )
    with pytest.raises(ConfigurationError, match="must be str, got int: 3"):
        loose.invoke("a", cfg(p=3))


def test_errors_are_raised_in_every_mode() -> None:
    bad = cfg(times=None)
    with pytest.raises(ConfigurationError):
        list(AFFIX.stream("a", bad))
    with pytest.raises(ConfigurationError):
        AFFIX.batch(["a"], bad)
    assert isinstance(AFFIX.batch(["a"], bad, return_exceptions=True)[0], ConfigurationError)

    async def main() -> None:
        with pytest.raises(ConfigurationError):
            await AFFIX.ainvoke("a", bad)
        with pytest.raises(ConfigurationError):
            _ = [c async for c in AFFIX.astream("a", bad)]

    asyncio.run(main())


def test_option_errors_name_the_choice() -> None:
    single = Affix().configurable_fields(
        prefix=ConfigurableFieldSingleOption(id="style", options={"q": "> "}, default="q")
    )
    with pytest.raises(ConfigurationError, match=r"\['style'\].*one of \['q'\], got 'x'"):
        single.invoke("a", cfg(style="x"))
    with pytest.raises(ConfigurationError, match="not one of the options"):
        ConfigurableFieldSingleOption(id="s", options={"q": 1}, default="nope")
    multi = ConfigurableFieldMultiOption(id="m", options={"a": 1}, default=["a"])
    node = Affix().configurable_fields(times=multi)
    with pytest.raises(ConfigurationError, match="must be a list of keys"):
        node.invoke("x", cfg(m="a"))
    with pytest.raises(ConfigurationError, match="unknown option 'b'"):
        node.invoke("x", cfg(m=["b"]))


def test_declaring_a_field_the_runnable_lacks_is_an_error_listing_its_fields() -> None:
    with pytest.raises(ConfigurationError, match=r"Affix has no field 'colour'.*prefix, suffix"):
        Affix().configurable_fields(colour=ConfigurableField(id="c"))
    with pytest.raises(ConfigurationError, match="takes a ConfigurableField"):
        Affix().configurable_fields(prefix="p")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="at least one"):
        Affix().configurable_fields()


def test_conflicting_ids_are_an_error() -> None:
    a = Affix().configurable_fields(prefix=ConfigurableField(id="x"))
    b = Affix().configurable_fields(times=ConfigurableField(id="x"))
    with pytest.raises(ConfigurationError, match="declares the configurable id 'x' twice"):
        _ = (a | b).config_specs
    assert [s.id for s in (a | a).config_specs] == ["x"]  # the same field twice is one


# -- alternatives --------------------------------------------------------------------------


PROMPT = PromptTemplate.from_template("joke about {topic}").configurable_alternatives(
    ConfigurableField(id="prompt", name="Prompt", description="which prompt"),
    default_key="joke",
    poem=PromptTemplate.from_template("poem about {topic}"),
)


def test_alternatives_choose_in_every_mode() -> None:
    x = {"topic": "owls"}
    assert PROMPT.invoke(x).to_string() == "joke about owls"
    assert PROMPT.invoke(x, cfg(prompt="poem")).to_string() == "poem about owls"
    assert PROMPT.invoke(x, cfg(prompt="joke")).to_string() == "joke about owls"
    both = PROMPT.batch([x, x], [cfg(prompt="poem"), {}])
    assert [p.to_string() for p in both] == ["poem about owls", "joke about owls"]
    assert [p.to_string() for p in PROMPT.stream(x, cfg(prompt="poem"))] == ["poem about owls"]

    async def main() -> str:
        return (await PROMPT.ainvoke(x, cfg(prompt="poem"))).to_string()

    assert asyncio.run(main()) == "poem about owls"


def test_swapping_a_model_in_a_chain() -> None:
    model = FakeListLLM(responses=["from a"]).configurable_alternatives(
        ConfigurableField(id="llm"), b=FakeListLLM(responses=["from b"])
    )
    chain = PROMPT | model | StrOutputParser()
    assert chain.invoke({"topic": "t"}) == "from a"
    assert chain.invoke({"topic": "t"}, cfg(llm="b")) == "from b"
    assert "".join(chain.stream({"topic": "t"}, cfg(llm="b"))) == "from b"


def test_an_alternative_may_be_made_when_chosen() -> None:
    made: list[str] = []

    def make() -> Affix:
        made.append("made")
        return Affix(prefix="lazy:")

    alt = Affix().configurable_alternatives(ConfigurableField(id="a"), lazy=make)
    assert alt.invoke("x") == ">x"
    assert made == []
    assert alt.invoke("x", cfg(a="lazy")) == "lazy:x"
    assert made == ["made"]
    broken = Affix().configurable_alternatives(ConfigurableField(id="a"), bad=lambda: 42)
    with pytest.raises(ConfigurationError, match="made a int, not a runnable"):
        broken.invoke("x", cfg(a="bad"))


def test_unknown_alternative_is_an_error_listing_the_keys() -> None:
    with pytest.raises(ConfigurationError) as info:
        PROMPT.invoke({"topic": "t"}, cfg(prompt="limerick"))
    assert str(info.value) == (
        "config['configurable']['prompt'] is 'limerick', not an alternative of PromptTemplate: "
        "expected one of 'poem', 'joke'"
    )


def test_alternatives_declaration_errors() -> None:
    with pytest.raises(ConfigurationError, match="names the default"):
        Affix().configurable_alternatives(ConfigurableField(id="a"), default=Affix())
    with pytest.raises(ConfigurationError, match="takes a ConfigurableField"):
        Affix().configurable_alternatives("a", b=Affix())  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="must be a runnable or a function"):
        Affix().configurable_alternatives(ConfigurableField(id="a"), b=3)  # type: ignore[arg-type]


def test_prefix_keys_namespace_each_alternatives_fields() -> None:
    shout = Affix(prefix="!").configurable_fields(prefix=ConfigurableField(id="p"))
    quiet = Affix(prefix=".").configurable_fields(prefix=ConfigurableField(id="p"))
    shared = Affix(prefix="=").configurable_fields(
        times=ConfigurableField(id="times", is_shared=True)
    )
    alt = shout.configurable_alternatives(
        ConfigurableField(id="tone"), prefix_keys=True, quiet=quiet, shared=shared
    )
    assert [s.id for s in alt.config_specs] == [
        "times", "tone", "tone==default/p", "tone==quiet/p",
    ]
    assert alt.invoke("a", cfg(**{"tone==default/p": "D", "tone==quiet/p": "Q"})) == "Da"
    chosen = cfg(tone="quiet", **{"tone==default/p": "D", "tone==quiet/p": "Q"})
    assert alt.invoke("a", chosen) == "Qa"
    assert alt.invoke("a", cfg(tone="shared", times=2)) == "=a=a"


# -- specs and the config schema (LangChain's shapes) --------------------------------------


def test_config_specs() -> None:
    specs = AFFIX.config_specs
    assert specs == [
        ConfigurableFieldSpec(
            id="prefix", annotation=str, name="Prefix", description="goes first", default=">"
        ),
        ConfigurableFieldSpec(id="times", annotation=int, default=1),
    ]
    assert RunnableLambda(lambda x: x).config_specs == []
    chain = RunnableLambda(lambda x: x) | {"a": AFFIX, "b": PROMPT}
    assert [s.id for s in chain.config_specs] == ["prefix", "prompt", "times"]
    assert [s.id for s in AFFIX.with_retry().bind().config_specs] == ["prefix", "times"]


def test_config_schema_of_fields_has_langchains_shape() -> None:
    assert AFFIX.config_schema().model_json_schema() == {
        "$defs": {
            "Configurable": {
                "properties": {
                    "prefix": {
                        "default": ">",
                        "description": "goes first",
                        "title": "Prefix",
                        "type": "string",
                    },
                    "times": {"default": 1, "title": "Times", "type": "integer"},
                },
                "title": "Configurable",
                "type": "object",
            }
        },
        "properties": {"configurable": {"$ref": "#/$defs/Configurable", "default": None}},
        "title": "RunnableConfigurableFieldsConfig",
        "type": "object",
    }


def test_config_schema_of_alternatives_in_a_sequence_has_langchains_shape() -> None:
    chain = PROMPT | FakeListLLM(responses=["a"])
    assert chain.get_config_jsonschema() == {
        "$defs": {
            "Configurable": {
                "properties": {
                    "prompt": {
                        "$ref": "#/$defs/Prompt",
                        "default": "joke",
                        "description": "which prompt",
                    }
                },
                "title": "Configurable",
                "type": "object",
            },
            "Prompt": {"enum": ["poem", "joke"], "title": "Prompt", "type": "string"},
        },
        "properties": {"configurable": {"$ref": "#/$defs/Configurable", "default": None}},
        "title": "RunnableSequenceConfig",
        "type": "object",
    }


def test_config_schema_of_options() -> None:
    node = Affix().configurable_fields(
        prefix=ConfigurableFieldSingleOption(
            id="r", options={"one": "1", "two": "2"}, default="one"
        ),
        suffix=ConfigurableFieldMultiOption(id="m", options={"x": "x"}, default=["x"]),
    )
    schema = node.get_config_jsonschema()
    assert schema["$defs"]["r"] == {"enum": ["one", "two"], "title": "r", "type": "string"}
    assert schema["$defs"]["m"] == {"enum": ["x"], "title": "m", "type": "string"}
    props = schema["$defs"]["Configurable"]["properties"]
    assert props["r"] == {"$ref": "#/$defs/r", "default": "one"}
    assert props["m"] == {
        "default": ["x"], "items": {"$ref": "#/$defs/m"}, "title": "M", "type": "array"
    }
    spec = next(s for s in node.config_specs if s.id == "r")
    assert isinstance(spec.annotation, type)
    assert issubclass(spec.annotation, enum.Enum)


def test_config_schema_without_fields_and_with_include() -> None:
    lam = RunnableLambda(lambda x: x)
    assert lam.get_config_jsonschema() == {
        "properties": {}, "title": "RunnableLambdaConfig", "type": "object"
    }
    schema = AFFIX.get_config_jsonschema(include=["tags", "recursion_limit"])
    assert list(schema["properties"]) == ["configurable", "tags", "recursion_limit"]
    assert schema["properties"]["tags"] == {
        "default": None, "items": {"type": "string"}, "title": "Tags", "type": "array"
    }
    with pytest.raises(ConfigurationError, match="cannot include 'colour'"):
        lam.get_config_jsonschema(include=["colour"])


def test_config_schema_validates_a_config() -> None:
    import jsonschema

    schema = PROMPT.get_config_jsonschema()
    jsonschema.validate({"configurable": {"prompt": "poem"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"configurable": {"prompt": "limerick"}}, schema)


# -- what it shows: name, types, schemas, graph, events ------------------------------------


def test_name_types_and_io_schemas_are_the_defaults() -> None:
    assert AFFIX.get_name() == "RunnableConfigurableFields"
    assert PROMPT.get_name() == "RunnableConfigurableAlternatives"
    assert type(PROMPT) is RunnableConfigurableAlternatives
    assert (AFFIX.input_type, AFFIX.output_type) == (str, str)
    assert PROMPT.input_schema["title"] == "PromptInput"
    assert AFFIX.output_schema["title"] == "AffixOutput"
    assert AFFIX.prefix == ">"  # the default's attributes reach through
    assert repr(AFFIX).startswith("RunnableConfigurableFields(Affix(prefix='>'")


def test_graph_draws_the_default() -> None:
    chain = PROMPT | FakeListLLM(responses=["a"]) | StrOutputParser()
    names = [n.name for n in chain.get_graph().nodes.values()]
    assert names == ["PromptInput", "PromptTemplate", "FakeListLLM", "StrOutputParser",
                     "StrOutputParserOutput"]
    inner = (Affix() | Affix(prefix="2")).configurable_alternatives(
        ConfigurableField(id="c"), other=Affix()
    )
    assert [n.name for n in inner.get_graph().nodes.values()][1:-1] == ["Affix", "Affix"]
    chosen = inner.get_graph({"configurable": {"c": "other"}})
    assert [n.name for n in chosen.nodes.values()][1:-1] == ["Affix"]


def test_events_name_the_resolved_runnable_as_langchain_does() -> None:
    chain = PROMPT | FakeListChatModel(responses=["hi"])

    async def main() -> list[tuple[str, str, list[str]]]:
        return [
            (e["event"], e["name"], e["tags"])
            async for e in chain.astream_events({"topic": "t"}, cfg(prompt="poem"))
        ]

    events = asyncio.run(main())
    assert events[:4] == [
        ("on_chain_start", "RunnableSequence", []),
        ("on_prompt_start", "PromptTemplate", ["seq:step:1"]),
        ("on_prompt_end", "PromptTemplate", ["seq:step:1"]),
        ("on_chat_model_start", "FakeListChatModel", ["seq:step:2"]),
    ]
    assert not any("Configurable" in name for _, name, _ in events)


def test_events_and_log_of_a_configured_field() -> None:
    model = FakeListChatModel(responses=["a"]).configurable_fields(
        responses=ConfigurableField(id="answers")
    )

    async def main() -> tuple[list[Any], Any]:
        events = [e async for e in model.astream_events("x", cfg(answers=["yo"]))]
        log = None
        async for state in model.astream_log("x", cfg(answers=["zz"]), diff=False):
            log = state
        return events, log

    events, log = asyncio.run(main())
    streamed = [e["data"]["chunk"].content for e in events if e["event"] == "on_chat_model_stream"]
    assert streamed == ["y", "o"]
    assert events[-1]["name"] == "FakeListChatModel"
    assert log is not None
    assert log.state["final_output"].content == "zz"


def test_callbacks_see_the_resolved_run() -> None:
    class Names:
        def __init__(self) -> None:
            self.started: list[str] = []

        def on_start(self, run: Any) -> None:
            self.started.append(run.name)

    names = Names()
    chain = RunnableLambda(lambda s: s) | AFFIX
    chain.invoke("a", {"callbacks": [names], "configurable": {"prefix": "#"}})
    assert names.started == ["RunnableSequence", "RunnableLambda", "Affix"]
    names.started.clear()
    list(chain.stream("a", {"callbacks": [names]}))
    assert names.started == ["RunnableSequence", "RunnableLambda", "Affix"]


def test_a_class_with_its_own_init_cannot_have_configurable_fields() -> None:
    with pytest.raises(ConfigurationError, match="RunnableLambda is built by its own __init__"):
        RunnableLambda(lambda x: x).configurable_fields(func=ConfigurableField(id="f"))


def test_history_and_configurable_fields_share_one_config_schema() -> None:
    from lcel.chat_history import InMemoryChatMessageHistory
    from lcel.history import RunnableWithMessageHistory

    store: dict[str, InMemoryChatMessageHistory] = {}

    def history(session_id: str) -> InMemoryChatMessageHistory:
        return store.setdefault(session_id, InMemoryChatMessageHistory())

    model = FakeListChatModel(responses=["a"]).configurable_fields(
        responses=ConfigurableField(id="answers")
    )
    chat = RunnableWithMessageHistory(model, history)
    assert [s.id for s in chat.config_specs] == ["answers", "session_id"]
    props = chat.get_config_jsonschema()["$defs"]["Configurable"]["properties"]
    assert props["session_id"] == {
        "description": "Unique identifier for a session.", "title": "Session ID", "type": "string"
    }  # required: no default shown
    answer = chat.invoke("hi", {"configurable": {"session_id": "s", "answers": ["yo"]}})
    assert answer.content == "yo"
    assert [m.content for m in store["s"].messages] == ["hi", "yo"]


# -- a traced run's output: its chunks combined as the *chosen* runnable's are -----------------

JSON_TEXT = '{"a": "xy"}'
JSON_FIRST = JsonOutputParser().configurable_alternatives(
    ConfigurableField(id="parser"), default_key="json", text=StrOutputParser()
)
TEXT_FIRST = StrOutputParser().configurable_alternatives(
    ConfigurableField(id="parser"), default_key="text", json=JsonOutputParser()
)
# (alternatives, the key choosing the other parser, what the chain then returns)
SWAPS = [
    pytest.param(JSON_FIRST, "text", JSON_TEXT, id="json-default-text-chosen"),
    pytest.param(TEXT_FIRST, "json", {"a": "xy"}, id="text-default-json-chosen"),
]


class Ends:
    """A callback handler keeping each ended run's name and output."""

    def __init__(self) -> None:
        self.outputs: dict[str, Any] = {}

    def on_end(self, run: Any) -> None:
        self.outputs[run.name] = run.output


def _parse_chain(parsers: Any) -> Any:
    return FakeListLLM(responses=[JSON_TEXT]) | parsers


@pytest.mark.parametrize(("parsers", "key", "expected"), SWAPS)
def test_events_record_the_chosen_alternatives_combined_output(
    parsers: Any, key: str, expected: Any
) -> None:
    chain = _parse_chain(parsers)

    async def main() -> list[Any]:
        return [e async for e in chain.astream_events("x", cfg(parser=key))]

    events = asyncio.run(main())
    end = events[-1]
    assert (end["event"], end["name"]) == ("on_chain_end", "RunnableSequence")
    assert end["data"]["output"] == expected
    chunks = [e["data"]["chunk"] for e in events
              if e["event"] == "on_chain_stream" and e["name"] == "RunnableSequence"]
    assert len(chunks) > 1  # really streamed, so the chunks had to be combined
    parser_end = [e for e in events if e["event"] == "on_parser_end"]
    assert [e["data"]["output"] for e in parser_end] == [expected]
    assert chain.invoke("x", cfg(parser=key)) == expected


@pytest.mark.parametrize(("parsers", "key", "expected"), SWAPS)
def test_log_final_output_is_the_chosen_alternatives_combined_output(
    parsers: Any, key: str, expected: Any
) -> None:
    chain = _parse_chain(parsers)

    async def main() -> list[Any]:
        return [s async for s in chain.astream_log("x", cfg(parser=key), diff=False)]

    state = asyncio.run(main())[-1]
    assert state.state["final_output"] == expected
    parser_logs = [v for k, v in state.state["logs"].items() if "Parser" in k]
    assert [entry["final_output"] for entry in parser_logs] == [expected]


@pytest.mark.parametrize(("parsers", "key", "expected"), SWAPS)
def test_callbacks_get_the_chosen_alternatives_combined_output(
    parsers: Any, key: str, expected: Any
) -> None:
    chain = _parse_chain(parsers)
    ends = Ends()
    assert list(chain.stream("x", {"callbacks": [ends], "configurable": {"parser": key}}))
    assert ends.outputs["RunnableSequence"] == expected

    async def main() -> Ends:
        aends = Ends()
        config: RunnableConfig = {"callbacks": [aends], "configurable": {"parser": key}}
        assert [c async for c in chain.astream("x", config)]
        return aends

    assert asyncio.run(main()).outputs["RunnableSequence"] == expected


@pytest.mark.parametrize(("parsers", "key", "expected"), SWAPS)
def test_a_choice_bound_inside_the_chain_decides_the_combination(
    parsers: Any, key: str, expected: Any
) -> None:
    # The choice comes from a binding below the traced run, not from the run's own config;
    # a choice nested in an alternative (with prefix_keys) is followed too.
    ends = Ends()
    bound = _parse_chain(parsers.with_config(configurable={"parser": key}))
    assert list(bound.stream("x", {"callbacks": [ends]}))
    assert ends.outputs["RunnableSequence"] == expected
    outer = RunnableLambda(lambda s: s).configurable_alternatives(
        ConfigurableField(id="outer"), prefix_keys=True, parse=_parse_chain(parsers)
    )
    ends = Ends()
    config: RunnableConfig = {
        "callbacks": [ends], "configurable": {"outer": "parse", "outer==parse/parser": key}
    }
    assert list(outer.stream("x", config))
    assert ends.outputs["RunnableSequence"] == expected


def test_a_choice_that_cannot_resolve_leaves_the_combination_to_the_default() -> None:
    # The unknown key fails the alternatives (its error reported by the fallback's run), the
    # fallback streams; deciding how the sequence's chunks combine must not raise again.
    chain = _parse_chain(TEXT_FIRST.with_fallbacks([StrOutputParser()]))
    ends = Ends()
    config: RunnableConfig = {"callbacks": [ends], "configurable": {"parser": "nope"}}
    assert "".join(chain.stream("x", config)) == JSON_TEXT
    assert ends.outputs["RunnableSequence"] == JSON_TEXT
    with pytest.raises(ConfigurationError, match="'nope', not an alternative"):
        TEXT_FIRST.invoke("x", cfg(parser="nope"))
