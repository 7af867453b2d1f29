from typing import reveal_type

from lcel import Runnable, RunnableLambda, RunnablePassthrough, chain
from lcel.messages import AIMessage


def to_int(s: str) -> int:
    return len(s)


def to_float(n: int) -> float:
    return n / 2


async def ato_str(x: float) -> str:
    return str(x)


a = RunnableLambda(to_int)
reveal_type(a)  # R: lcel._lambda.RunnableLambda[str, int]
b = RunnableLambda(to_float)
ab = a | b
reveal_type(ab)  # R: lcel._runnable.Runnable[str, float]
reveal_type(ab.invoke("x"))  # R: float
ac = a | to_float
reveal_type(ac)  # R: lcel._runnable.Runnable[str, float]
aa = a | to_float | ato_str
reveal_type(aa)  # R: lcel._runnable.Runnable[str, str]
lam = a | (lambda n: n * 2.5)
reveal_type(lam)  # R: lcel._runnable.Runnable[str, float]
lam2 = a | (lambda n: str(n).upper())
reveal_type(lam2)  # R: lcel._runnable.Runnable[str, str]
rr = to_int | b
reveal_type(rr)  # R: lcel._runnable.Runnable[str, float]
pp = a | RunnablePassthrough()
reveal_type(pp)  # R: lcel._runnable.Runnable[str, int]
pp2 = RunnablePassthrough() | a
reveal_type(pp2.invoke("s"))  # R: int
pi = a.pipe(b)
reveal_type(pi)  # R: lcel._runnable.Runnable[str, float]
pi2 = a.pipe(to_float, ato_str)
pi3 = a.pipe(to_float)
reveal_type(pi3)  # R: lcel._runnable.Runnable[str, float]
pi4 = a.pipe(lambda n: n + 1)
reveal_type(pi4)  # R: lcel._runnable.Runnable[str, int]



@chain
def shout(s: str) -> str:
    return s.upper()


reveal_type(shout)  # R: lcel._lambda.RunnableLambda[str, str]
sc = shout | a
reveal_type(sc)  # R: lcel._runnable.Runnable[str, int]


# variance: a runnable taking object accepts str; output int fits a consumer of float
def any_len(x: object) -> int:
    return 1


def take_float(x: float) -> str:
    return ""


v = RunnableLambda(to_int) | RunnableLambda(any_len) | RunnableLambda(take_float)
reveal_type(v)  # R: lcel._runnable.Runnable[str, str]
w: Runnable[str, object] = RunnableLambda(any_len)
x: Runnable[str, float] = RunnableLambda(to_int)


def ret_msg(s: str) -> AIMessage:
    return AIMessage(content=s)


def take_obj(o: object) -> None:
    return None


m = RunnableLambda(ret_msg) | take_obj
reveal_type(m)  # R: lcel._runnable.Runnable[str, None]
