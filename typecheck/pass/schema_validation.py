"""Schemas and boundary validation keep the runnable's types."""

from typing import Any, reveal_type

from lcel import RunnableLambda
from lcel._jsonschema import schema_for_type
from lcel._validation import with_validation


def count(text: str) -> int:
    return len(text)


checked = with_validation(RunnableLambda(count), validate_output=True)
reveal_type(checked)  # R: lcel._validation.RunnableValidated[str, int]
reveal_type(checked.invoke("abc"))  # R: int
reveal_type(checked | RunnableLambda(str))  # R: lcel._runnable.Runnable[str, str]
schema: dict[str, Any] = schema_for_type(list[int], title="Numbers")
reveal_type(RunnableLambda(count).input_schema)  # R: lcel._jsonschema.RunnableSchema
