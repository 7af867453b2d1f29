"""The public surface: every name API.md lists imports from where it says, is documented,
and no private name leaks through ``__all__``."""

from __future__ import annotations

import importlib
import inspect

import pytest

API = {
    "lcel": [
        "Runnable", "RunnableLambda", "RunnableGenerator", "RunnableSequence",
        "RunnableParallel", "RunnablePassthrough", "RunnableBranch", "RunnableConfig", "chain",
    ],
    "lcel.messages": [
        "BaseMessage", "HumanMessage", "AIMessage", "AIMessageChunk", "SystemMessage",
        "ToolMessage", "FunctionMessage", "ChatMessage",
    ],
    "lcel.prompts": [
        "PromptTemplate", "ChatPromptTemplate", "MessagesPlaceholder", "PromptValue",
        "StringPromptValue", "ChatPromptValue",
    ],
    "lcel.models": ["BaseChatModel", "BaseLLM", "FakeListChatModel", "FakeListLLM"],
    "lcel.parsers": [
        "StrOutputParser", "JsonOutputParser", "CommaSeparatedListOutputParser",
        "OutputParserError",
    ],
    "lcel.documents": ["Document"],
    "lcel.embeddings": ["HashingEmbeddings"],
    "lcel.vectorstores": ["InMemoryVectorStore"],
    "lcel.tools": ["tool", "Tool"],
    "lcel.tracing": ["RunLog", "RunLogPatch"],
    "lcel.errors": ["LcelError", "InputValidationError", "RecursionLimitError"],
    "lcel.configurable": [
        "ConfigurableField", "ConfigurableFieldSingleOption", "ConfigurableFieldMultiOption",
        "ConfigurableFieldSpec", "RunnableConfigurableFields", "RunnableConfigurableAlternatives",
        "ConfigurationError",
    ],
}

RUNNABLE_MEMBERS = [
    "invoke", "ainvoke", "batch", "abatch", "batch_as_completed", "abatch_as_completed",
    "try_invoke", "try_batch", "atry_invoke", "atry_batch", "stream", "astream", "transform",
    "atransform", "astream_log", "astream_events", "input_type", "output_type", "input_schema",
    "output_schema", "get_graph", "name", "get_name", "with_config", "with_types", "with_retry",
    "with_fallbacks", "bind", "map", "pick", "assign", "pipe", "__or__", "__ror__",
    "configurable_fields", "configurable_alternatives", "config_specs", "config_schema",
    "get_config_jsonschema",
]


@pytest.mark.parametrize(("module", "names"), API.items())
def test_api_names_import_and_are_documented(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    assert mod.__doc__, f"{module} has no docstring"
    for name in names:
        obj = getattr(mod, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{module}.{name} has no docstring"


@pytest.mark.parametrize("module", list(API))
def test_all_lists_only_public_documented_names(module: str) -> None:
    mod = importlib.import_module(module)
    exported = getattr(mod, "__all__", None)
    assert exported is not None, f"{module} has no __all__"
    for name in exported:
        assert not name.startswith("_"), f"{module}.__all__ leaks {name}"
        assert hasattr(mod, name), f"{module}.__all__ names missing {name}"
    for name in API[module]:
        assert name in exported, f"{module}.__all__ lacks {name}"


@pytest.mark.parametrize("member", RUNNABLE_MEMBERS)
def test_runnable_interface_is_complete_and_documented(member: str) -> None:
    from lcel import Runnable

    attr = inspect.getattr_static(Runnable, member)
    assert attr is not None
    doc = inspect.getdoc(getattr(Runnable, member))
    assert doc, f"Runnable.{member} has no docstring"


def test_errors_form_one_hierarchy() -> None:
    from lcel.errors import InputValidationError, LcelError, RecursionLimitError
    from lcel.parsers import OutputParserError

    for error in (InputValidationError, RecursionLimitError, OutputParserError):
        assert issubclass(error, LcelError)
    assert issubclass(InputValidationError, ValueError)
    assert issubclass(RecursionLimitError, RecursionError)


def test_configurable_names_import_from_lcel_as_from_langchain_core_runnables() -> None:
    import lcel
    import lcel.configurable

    for name in (
        "ConfigurableField", "ConfigurableFieldSingleOption", "ConfigurableFieldMultiOption",
        "ConfigurableFieldSpec",
    ):
        assert name in lcel.__all__
        assert getattr(lcel, name) is getattr(lcel.configurable, name)
