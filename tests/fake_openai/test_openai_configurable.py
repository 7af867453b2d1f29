"""A configurable ChatOpenAI over real HTTP: the configured fields reach the request, and an
API key set through the config never shows in a schema or an error."""

from __future__ import annotations

import json

import pytest
from fake_openai_server import FakeOpenAI

from lcel import ConfigurableField
from lcel.configurable import ConfigurationError
from lcel.openai import ChatOpenAI


def test_temperature_and_model_are_set_per_run(fake_openai: FakeOpenAI) -> None:
    model = ChatOpenAI(
        model="gpt-fake", base_url=fake_openai.base_url, api_key="sk-test", temperature=0.1
    ).configurable_fields(
        temperature=ConfigurableField(id="temperature", name="LLM temperature"),
        model=ConfigurableField(id="model_name"),
    )
    fake_openai.reply("one")
    fake_openai.reply("two")
    model.invoke("hi")
    model.invoke("hi", {"configurable": {"temperature": 0.9, "model_name": "gpt-other"}})
    first, second = (r["json"] for r in fake_openai.requests[-2:])
    assert (first["temperature"], first["model"]) == (0.1, "gpt-fake")
    assert (second["temperature"], second["model"]) == (0.9, "gpt-other")
    props = model.get_config_jsonschema()["$defs"]["Configurable"]["properties"]
    assert props["temperature"] == {
        "anyOf": [{"type": "number"}, {"type": "null"}],
        "default": 0.1,
        "title": "LLM temperature",
    }
    with pytest.raises(ConfigurationError, match=r"must be float \| None, got str: 'hot'"):
        model.invoke("hi", {"configurable": {"temperature": "hot"}})


def test_a_configured_api_key_is_used_and_never_shown(fake_openai: FakeOpenAI) -> None:
    model = ChatOpenAI(
        model="gpt-fake", base_url=fake_openai.base_url, api_key="sk-default-secret"
    ).configurable_fields(api_key=ConfigurableField(id="api_key"))
    fake_openai.reply("ok")
    model.invoke("hi", {"configurable": {"api_key": "sk-run-secret"}})
    assert fake_openai.requests[-1]["headers"]["authorization"] == "Bearer sk-run-secret"
    shown = json.dumps(model.get_config_jsonschema()) + repr(model) + repr(model.config_specs)
    assert "sk-default-secret" not in shown
    with pytest.raises(ConfigurationError) as info:
        model.invoke("hi", {"configurable": {"api_key": ["sk-in-a-list"]}})
    assert "sk-in-a-list" not in str(info.value)
    assert "api_key" in str(info.value)
