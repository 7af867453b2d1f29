"""The modules added for the features LangChain users port first (issue 16): each public
name is exported, documented, and the new Runnable members exist on every runnable."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = {
    "lcel.text_splitters": ["RecursiveCharacterTextSplitter", "CharacterTextSplitter"],
    "lcel.chat_history": [
        "BaseChatMessageHistory",
        "InMemoryChatMessageHistory",
        "SQLiteChatMessageHistory",
    ],
    "lcel.history": ["RunnableWithMessageHistory", "ConfigurableFieldSpec"],
    "lcel.caches": ["BaseCache", "InMemoryCache", "SQLiteCache", "set_llm_cache", "get_llm_cache"],
    "lcel.mustache": ["render", "template_variables", "MustacheError"],
}


@pytest.mark.parametrize(("module", "names"), MODULES.items())
def test_names_are_exported_and_documented(module: str, names: list[str]) -> None:
    mod = importlib.import_module(module)
    assert mod.__doc__
    exported = mod.__all__
    for name in names:
        assert name in exported, f"{module}.__all__ lacks {name}"
    for name in exported:
        assert not name.startswith("_")
        obj = getattr(mod, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{module}.{name} has no docstring"


@pytest.mark.parametrize("member", ["with_listeners", "as_tool", "get_prompts"])
def test_new_runnable_members(member: str) -> None:
    from lcel import Runnable, RunnableLambda

    assert inspect.getdoc(getattr(Runnable, member))
    assert callable(getattr(RunnableLambda(lambda x: x), member))


def test_history_runnable_is_exported_from_lcel() -> None:
    import lcel
    from lcel.history import RunnableWithMessageHistory

    assert lcel.RunnableWithMessageHistory is RunnableWithMessageHistory
    assert "RunnableWithMessageHistory" in lcel.__all__
