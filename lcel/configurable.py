"""Configurable fields and alternatives, set per run by ``config["configurable"]``.

The names LangChain users import from ``langchain_core.runnables`` (also importable from
``lcel``) and ``langchain_core.runnables.configurable``. See :mod:`lcel._configurable`.

>>> from lcel.models import FakeListLLM
>>> llm = FakeListLLM(responses=["a"]).configurable_alternatives(
...     ConfigurableField(id="llm"), other=FakeListLLM(responses=["b"])
... )
>>> llm.invoke("x"), llm.invoke("x", {"configurable": {"llm": "other"}})
('a', 'b')
"""

from lcel._config_fields import (
    AnyConfigurableField,
    ConfigurableField,
    ConfigurableFieldMultiOption,
    ConfigurableFieldSingleOption,
    ConfigurableFieldSpec,
    ConfigurationError,
)
from lcel._configurable import (
    DynamicRunnable,
    RunnableConfigurableAlternatives,
    RunnableConfigurableFields,
)

__all__ = [
    "ConfigurableField",
    "ConfigurableFieldSingleOption",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSpec",
    "AnyConfigurableField",
    "DynamicRunnable",
    "RunnableConfigurableFields",
    "RunnableConfigurableAlternatives",
    "ConfigurationError",
]
