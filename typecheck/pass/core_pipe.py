"""`a | b` infers Runnable[A_in, B_out]; lambdas take their parameter type from the left."""

from typing import reveal_type

from lcel import Runnable, RunnableLambda


def to_len(s: str) -> int:
    return len(s)


def double(n: int) -> int:
    return 2 * n


first = RunnableLambda(to_len)
reveal_type(first)  # R: lcel._lambda.RunnableLambda[str, int]
seq = first | RunnableLambda(double)
reveal_type(seq)  # R: lcel._runnable.Runnable[str, int]
with_fn = first | double
reveal_type(with_fn)  # R: lcel._runnable.Runnable[str, int]
with_lambda = first | (lambda n: str(n))
reveal_type(with_lambda)  # R: lcel._runnable.Runnable[str, str]
out = seq.invoke("abc")
reveal_type(out)  # R: int
piped = first.pipe(double)
reveal_type(piped)  # R: lcel._runnable.Runnable[str, int]
three = first.pipe(RunnableLambda(double), RunnableLambda(str))
reveal_type(three)  # R: lcel._runnable.Runnable[str, str]
r: Runnable[str, object] = seq  # covariant output
