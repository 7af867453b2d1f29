"""Declarations of what a run's ``config["configurable"]`` may set, and the specs they yield.

A user declares a field (:class:`ConfigurableField`, or one of the option fields) when making
a runnable configurable; every runnable reports the fields declared anywhere in its tree as
:class:`ConfigurableFieldSpec` values (``config_specs``), which the config schema lists.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from lcel.errors import LcelError

__all__ = [
    "AnyConfigurableField",
    "ConfigurableField",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSingleOption",
    "ConfigurableFieldSpec",
    "ConfigurationError",
    "option_enum",
    "prefix_spec",
    "unique_specs",
]


class ConfigurationError(LcelError, ValueError):
    """A configurable runnable was declared or configured wrongly: an unknown field, a
    value of the wrong type, an unknown alternative or option, two fields sharing an id.

    A :class:`ValueError`, as LangChain raises for the same mistakes."""


@attrs.frozen
class ConfigurableField:
    """A field of a runnable that ``config["configurable"][id]`` replaces for one run.

    ``annotation`` is the type values must have (default: the field's own type); a
    ``name`` and ``description`` show in the config schema. ``is_shared`` keeps the id
    unprefixed under ``configurable_alternatives(prefix_keys=True)``.

    >>> ConfigurableField(id="temperature", name="LLM temperature")
    ConfigurableField(id='temperature', name='LLM temperature', description=None, annotation=None, is_shared=False)
    """  # noqa: E501

    id: str
    name: str | None = None
    description: str | None = None
    annotation: Any = None  # Any: a type form
    is_shared: bool = False


def _options(value: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not value:
        raise ConfigurationError(f"options must be a non-empty dict of key → value, got {value!r}")
    return dict(value)


@attrs.frozen
class ConfigurableFieldSingleOption:
    """A field set by choosing one of named ``options``: ``config["configurable"][id]`` is
    a key of ``options``, and the field takes that option's value."""

    id: str
    options: dict[str, Any] = attrs.field(converter=_options, hash=False)
    default: str
    name: str | None = None
    description: str | None = None
    is_shared: bool = False

    def __attrs_post_init__(self) -> None:
        if self.default not in self.options:
            raise ConfigurationError(
                f"{self.id}: default {self.default!r} is not one of the options "
                f"{sorted(self.options)}"
            )


@attrs.frozen
class ConfigurableFieldMultiOption:
    """A field set by choosing several of named ``options``: ``config["configurable"][id]``
    is a list of keys, and the field takes the list of their values."""

    id: str
    options: dict[str, Any] = attrs.field(converter=_options, hash=False)
    default: tuple[str, ...] = attrs.field(converter=tuple)
    name: str | None = None
    description: str | None = None
    is_shared: bool = False

    def __attrs_post_init__(self) -> None:
        unknown = [k for k in self.default if k not in self.options]
        if unknown:
            raise ConfigurationError(
                f"{self.id}: default keys {unknown} are not among the options "
                f"{sorted(self.options)}"
            )


AnyConfigurableField = (
    ConfigurableField | ConfigurableFieldSingleOption | ConfigurableFieldMultiOption
)
"""What ``configurable_fields(name=...)`` takes for each field."""


@attrs.frozen
class ConfigurableFieldSpec:
    """One entry of a runnable's ``config_specs``: an id the run's config may set, with its
    type (``annotation``), its default and how the config schema labels it. Hashable when
    its default is (as LangChain's named tuple)."""

    id: str
    annotation: Any  # Any: a type form
    name: str | None = None
    description: str | None = None
    default: Any = None  # Any: the value the field has when the config does not set it
    is_shared: bool = False
    dependencies: list[str] | None = None


def option_enum(name: str, keys: Iterable[str]) -> type[enum.Enum]:
    """The enum of a choice's keys, named as the config schema names its definition."""
    return enum.Enum(name, {key: key for key in keys})  # type: ignore[return-value]


def prefix_spec(spec: ConfigurableFieldSpec, prefix: str) -> ConfigurableFieldSpec:
    """``spec`` under ``prefix/`` (an alternative's namespace), unless it is shared."""
    if spec.is_shared:
        return spec
    return attrs.evolve(spec, id=f"{prefix}/{spec.id}")


def unique_specs(specs: Iterable[ConfigurableFieldSpec], owner: str) -> list[ConfigurableFieldSpec]:
    """``specs`` without repeats, sorted by id; two different specs with one id are an
    error (one value could not fit both)."""
    by_id: dict[str, ConfigurableFieldSpec] = {}
    for spec in specs:
        seen = by_id.get(spec.id)
        if seen is None:
            by_id[spec.id] = spec
        elif seen != spec:
            raise ConfigurationError(
                f"{owner} declares the configurable id {spec.id!r} twice, differently: "
                f"{seen!r} and {spec!r}; give one of them another id"
            )
    return [by_id[k] for k in sorted(by_id)]
