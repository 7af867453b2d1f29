"""The smallest real chain: lambdas, a parallel, a passthrough, in every mode."""

from __future__ import annotations

import asyncio

from lcel import RunnableLambda, RunnablePassthrough


def add_one(x: int) -> int:
    return x + 1


def main() -> None:
    chain = RunnableLambda(add_one) | {"double": lambda x: x * 2, "same": RunnablePassthrough()}
    print("invoke:", chain.invoke(1))
    print("batch:", chain.batch([1, 2, 3], {"max_concurrency": 2}))
    print("stream:", list(chain.stream(5)))
    print("ainvoke:", asyncio.run(chain.ainvoke(10)))


if __name__ == "__main__":
    main()
