"""Configurable fields and alternatives: one chain, reconfigured per run by its config.

Run it (``python examples/configurable.py``) to see a prompt swapped and a model's answers
set from ``config["configurable"]``, per input in a batch, in events, in the config schema
(the contract a client reads), and the error a bad value gives. Or from the command line::

    lcel run examples/configurable.py:chain --input '{"topic": "owls"}'
"""

from __future__ import annotations

import asyncio
import json

from lcel import ConfigurableField, RunnableConfig
from lcel.configurable import ConfigurationError
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}").configurable_alternatives(
    ConfigurableField(id="prompt", description="what to write"),
    default_key="joke",
    poem=ChatPromptTemplate.from_template("write a two-line poem about {topic}"),
)
model = FakeListChatModel(
    responses=["Why did the owl stay in? It was a hoot."]
).configurable_fields(responses=ConfigurableField(id="answers", name="Scripted answers"))
chain = prompt | model | StrOutputParser()

POEM: RunnableConfig = {
    "configurable": {"prompt": "poem", "answers": ["Owls at night,\nsilent flight."]}
}


async def event_names() -> list[str]:
    return [
        f"{e['event']}:{e['name']}"
        async for e in chain.astream_events({"topic": "owls"}, POEM)
        if e["event"].endswith("_start")
    ]


def main() -> None:
    print("== default")
    print(chain.invoke({"topic": "owls"}))
    print("\n== configured")
    print(chain.invoke({"topic": "owls"}, POEM))
    print("\n== batch, one config per input")
    print(chain.batch([{"topic": "owls"}, {"topic": "cats"}], [{}, POEM]))
    print("\n== events name the resolved runnables")
    print(asyncio.run(event_names()))
    print("\n== config schema")
    print(json.dumps(chain.get_config_jsonschema()["$defs"]["Configurable"], indent=2))
    print("\n== a bad value")
    try:
        chain.invoke({"topic": "owls"}, {"configurable": {"prompt": "limerick"}})
    except ConfigurationError as error:
        print(f"ConfigurationError: {error}")


if __name__ == "__main__":
    main()
