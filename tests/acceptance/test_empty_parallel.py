import asyncio

import pytest

from lcel import RunnableLambda, RunnableParallel

pytestmark = pytest.mark.timeout(10)

def test_empty_parallel_invoke():
    assert RunnableParallel().invoke(1) == {}

def test_empty_parallel_ainvoke():
    assert asyncio.run(RunnableParallel().ainvoke(1)) == {}

def test_empty_dict_in_composition():
    assert (RunnableLambda(len) | {}).invoke([1]) == {}

def test_empty_parallel_stream():
    assert list(RunnableParallel().stream(1)) in ([], [{}])
