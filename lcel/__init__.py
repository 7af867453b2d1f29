"""lcel: a typed functional dataflow library for LLM applications.

Runnables are immutable values generic in their input and output, composed with ``|`` and
executed by one interpreter, in every mode (sync, async, batch, stream, events).
"""

from lcel import _interpreter  # noqa: F401  # imported for its effect: installs the engine
from lcel._branch import RunnableBranch
from lcel._config import RunnableConfig
from lcel._lambda import RunnableGenerator, RunnableLambda, chain
from lcel._leaf import Component
from lcel._parallel import RunnableParallel
from lcel._passthrough import RunnableAssign, RunnablePassthrough, RunnablePick
from lcel._runnable import Runnable
from lcel._sequence import RunnableSequence
from lcel._wrappers import RunnableBinding, RunnableEach, RunnableRetry, RunnableWithFallbacks
from lcel.history import RunnableWithMessageHistory

__version__ = "0.1.0"

__all__ = [
    "Runnable",
    "RunnableLambda",
    "RunnableGenerator",
    "RunnableSequence",
    "RunnableParallel",
    "RunnablePassthrough",
    "RunnableAssign",
    "RunnablePick",
    "RunnableBranch",
    "RunnableBinding",
    "RunnableRetry",
    "RunnableWithFallbacks",
    "RunnableEach",
    "RunnableConfig",
    "Component",
    "chain",
    "RunnableWithMessageHistory",
]
