from typing import reveal_type

from returns.result import Result

from lcel import RunnableConfig, RunnableLambda


def f(s: str) -> int:
    return len(s)


r = RunnableLambda(f)
reveal_type(r.batch(["a"]))  # R: list[int]
reveal_type(r.batch(["a"], return_exceptions=False))  # R: list[int]
reveal_type(r.batch(["a"], return_exceptions=True))  # R: list[int | Exception]
flag: bool = True
reveal_type(r.batch(["a"], return_exceptions=flag))  # R: list[int | Exception]
reveal_type(r.batch(["a", "b"], [{"tags": ["x"]}, {"tags": ["y"]}]))  # R: list[int]
reveal_type(r.batch(["a"], {"max_concurrency": 2}))  # R: list[int]
cfg: RunnableConfig = {"max_concurrency": 2}
r.batch(("a", "b"), cfg)
for idx, out in r.batch_as_completed(["a"]):
    reveal_type(idx)  # R: int
    reveal_type(out)  # R: int
for idx2, out2 in r.batch_as_completed(["a"], return_exceptions=True):
    reveal_type(out2)  # R: int | Exception
res = r.try_invoke("a")
reveal_type(res)  # R: returns.result.Result[int, Exception]
res2: Result[int, Exception] = res
reveal_type(r.try_batch(["a"]))  # R: list[returns.result.Result[int, Exception]]
reveal_type(r.invoke("a", {"run_name": "x", "tags": ["a"], "metadata": {"k": 1}, "recursion_limit": 3}))  # R: int


async def main() -> None:
    reveal_type(await r.abatch(["a"]))  # R: list[int]
    reveal_type(await r.abatch(["a"], return_exceptions=True))  # R: list[int | Exception]
    reveal_type(await r.atry_invoke("a"))  # R: returns.result.Result[int, Exception]
    reveal_type(await r.atry_batch(["a"]))  # R: list[returns.result.Result[int, Exception]]
    async for i, o in r.abatch_as_completed(["a"]):
        reveal_type(o)  # R: int
