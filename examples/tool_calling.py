"""A tool-calling loop: the model asks for tools, the tools answer, the model concludes.

Runs against any OpenAI-protocol server (OpenAI, vLLM, llama.cpp, Ollama, LM Studio)::

    export OPENAI_API_KEY=sk-...                      # not needed by most local servers
    export OPENAI_BASE_URL=http://localhost:11434/v1  # omit for api.openai.com
    export OPENAI_MODEL=llama3.1                      # optional, default gpt-4o-mini
    python examples/tool_calling.py
"""

from __future__ import annotations

import os
from typing import Any

from lcel.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from lcel.openai import ChatOpenAI
from lcel.tools import Tool, tool


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


TOOLS: dict[str, Tool[Any, Any]] = {t.get_name(): t for t in (multiply, add)}
QUESTION = "What is 3 * 12? Also, what is 11 + 49?"


def main() -> None:
    model = ChatOpenAI(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"), temperature=0)
    with_tools = model.bind_tools(list(TOOLS.values()))
    messages: list[BaseMessage] = [
        SystemMessage("Use the tools for arithmetic."),
        HumanMessage(QUESTION),
    ]
    print("question:", QUESTION)
    answer = AIMessage("")
    for _turn in range(5):  # model -> tools -> model, until it answers without tools
        answer = with_tools.invoke(messages)
        messages.append(answer)
        if not answer.tool_calls:
            break
        for call in answer.tool_calls:
            result = TOOLS[call["name"]].invoke(call)  # a ToolMessage with the call's id
            print(f"tool call: {call['name']}({call['args']}) -> {result.content}")
            messages.append(result)
    print("answer:", answer.content)
    if answer.usage_metadata is not None:
        print("tokens:", answer.usage_metadata["total_tokens"])
    model.close()


if __name__ == "__main__":
    main()
