"""Configurable runnables: fields and alternatives chosen by a run's ``config["configurable"]``.

``model.configurable_fields(temperature=ConfigurableField(id="temp"))`` and
``prompt.configurable_alternatives(ConfigurableField(id="prompt"), poem=poem_prompt)`` are
immutable values holding the default runnable and what may replace it. Running one first
*resolves* it (:meth:`DynamicRunnable.resolve`, the same in every mode): the fields set by the
config are replaced with ``attrs.evolve`` (each value checked against the field's type), or
the chosen alternative is taken; the resolved runnable then runs in its place, so its run is
the one reported in events and logs, as in LangChain. Ids the config sets that no runnable
declares are ignored.

>>> from lcel.models import FakeListChatModel
>>> model = FakeListChatModel(responses=["hi"]).configurable_fields(
...     responses=ConfigurableField(id="answers")
... )
>>> model.invoke("x").content, model.invoke("x", {"configurable": {"answers": ["bye"]}}).content
('hi', 'bye')
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from lcel._config import RunnableConfig, ensure_config, merge_configs
from lcel._config_fields import (
    AnyConfigurableField,
    ConfigurableField,
    ConfigurableFieldMultiOption,
    ConfigurableFieldSingleOption,
    ConfigurableFieldSpec,
    ConfigurationError,
    option_enum,
    prefix_spec,
    unique_specs,
)
from lcel._runnable import Runnable
from lcel._typefit import fits, type_label
from lcel._types import InT, InT_contra, OutT, OutT_co
from lcel.errors import quoted

if TYPE_CHECKING:
    from lcel._graph import Graph, GraphBuilder

__all__ = [
    "DynamicRunnable",
    "RunnableConfigurableAlternatives",
    "RunnableConfigurableFields",
    "children",
    "tree_config_specs",
]

Resolved = tuple[Runnable[Any, Any], dict[str, object] | None]
"""The runnable to run in a configurable's place, and the ``configurable`` entries it runs
with in addition (an alternative's own ids, with their ``prefix_keys`` namespace removed)."""


@attrs.frozen(repr=False)
class DynamicRunnable(Runnable[InT_contra, OutT_co]):
    """A runnable whose concrete form is chosen per run, from ``config["configurable"]``.

    It has no run of its own: the resolved runnable's run is reported (LangChain's
    ``DynamicRunnable``). Types, schemas and the graph are the default runnable's.
    """

    default: Runnable[Any, Any]

    _traced_run: ClassVar[bool] = False
    _traced_stream_run: ClassVar[bool] = False

    def resolve(self, configurable: Mapping[str, object]) -> Resolved:
        """The runnable that runs in this one's place under ``configurable`` (one level: it
        may itself be configurable), and the ``configurable`` entries to add for it."""
        raise NotImplementedError

    def prepare(
        self, config: RunnableConfig | None = None
    ) -> tuple[Runnable[InT_contra, OutT_co], RunnableConfig]:
        """The concrete runnable under ``config`` (every configurable level resolved) and
        the config to run it with (LangChain's ``prepare``)."""
        cfg = ensure_config(config)
        runnable: Runnable[Any, Any] = self
        while isinstance(runnable, DynamicRunnable):
            runnable, extra = runnable.resolve(cfg.get("configurable") or {})
            if extra:
                cfg = merge_configs(cfg, {"configurable": extra})
        return runnable, cfg

    # -- what it shows: the default's types, schemas and graph -------------------------------

    @property
    def input_type(self) -> Any:  # Any: a type form
        """The default runnable's input type."""
        return self.default.input_type

    @property
    def output_type(self) -> Any:  # Any: a type form
        """The default runnable's output type."""
        return self.default.output_type

    def _output_type_given(self, input_type: Any) -> Any:  # Any: type forms in and out
        return self.default._output_type_given(input_type)

    def _schema_input_owner(self) -> Runnable[Any, Any]:
        return self.default._schema_input_owner()

    def _schema_output_owner(self) -> Runnable[Any, Any]:
        return self.default._schema_output_owner()

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.default,)

    def _chunk_source(self) -> Runnable[Any, Any]:
        return self.default

    def _chunk_source_in(
        self, configurable: Mapping[str, object]
    ) -> tuple[Runnable[Any, Any], Mapping[str, object]]:
        # The runnable that ran in this one's place: its chunks are the ones passed on.
        try:
            runnable, extra = self.resolve(configurable)
        except ConfigurationError:
            # Not resolvable under this config, so it did not run (a fallback's did): its
            # failure was reported by its own run; the default's answer is as good as any.
            return self.default, configurable
        return runnable, ({**configurable, **extra} if extra else configurable)

    def _consumes_stream(self) -> bool:
        return self.default._consumes_stream()

    def _bind_targets(self) -> tuple[Runnable[Any, Any], ...]:
        return self._children()

    def _draw(self, graph: GraphBuilder) -> tuple[str, str]:
        return graph.expand(self.default)

    def get_graph(self, config: RunnableConfig | None = None) -> Graph:
        """The graph of the runnable ``config`` resolves to (the default without one), as
        LangChain draws it."""
        runnable, _ = self.prepare(config)
        return runnable.get_graph()

    def __getattr__(self, name: str) -> Any:
        # The default's own attributes (a model's name, a prompt's variables), as LangChain.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.default, name)


# -- fields ----------------------------------------------------------------------------------


@attrs.frozen(repr=False)
class RunnableConfigurableFields(DynamicRunnable[InT_contra, OutT_co]):
    """``default`` with some of its attrs fields set per run: ``fields`` maps a field name to
    the :class:`ConfigurableField` (or option field) whose id the config sets.

    Make one with ``runnable.configurable_fields(name=ConfigurableField(id=...))``.
    """

    fields: dict[str, AnyConfigurableField] = attrs.field(factory=dict, hash=False)

    @classmethod
    def create(
        cls, default: Runnable[InT, OutT], fields: Mapping[str, AnyConfigurableField]
    ) -> RunnableConfigurableFields[InT, OutT]:
        """Check that every name is a field of ``default`` and build (fields added to an
        already configurable runnable join its own, making one node)."""
        base: Runnable[Any, Any] = default
        declared: dict[str, AnyConfigurableField] = {}
        if isinstance(default, RunnableConfigurableFields):
            base, declared = default.default, dict(default.fields)
        if not fields:
            raise ConfigurationError("configurable_fields() needs at least one name=field")
        for name, field in fields.items():
            if not isinstance(
                field,
                ConfigurableField | ConfigurableFieldSingleOption | ConfigurableFieldMultiOption,
            ):
                raise ConfigurationError(
                    f"configurable_fields({name}=...) takes a ConfigurableField, "
                    f"ConfigurableFieldSingleOption or ConfigurableFieldMultiOption, got "
                    f"{type(field).__name__}: {quoted(field)}"
                )
            _init_field(base, name)
        return RunnableConfigurableFields(base, {**declared, **fields})

    def resolve(self, configurable: Mapping[str, object]) -> Resolved:
        """``default`` with the fields the config sets replaced (itself if none is set)."""
        changes: dict[str, Any] = {}
        for name, field in self.fields.items():
            if field.id in configurable:
                changes[name] = self._value(name, field, configurable[field.id])
        if not changes:
            return self.default, None
        try:
            return attrs.evolve(self.default, **changes), None
        except Exception as exc:  # a converter's or validator's refusal, named by field
            owner = self.default.get_name()
            ids = " and ".join(f"[{self.fields[n].id!r}] (the {n} of {owner})" for n in changes)
            raise ConfigurationError(f"config['configurable']{ids} is not valid: {exc}") from exc

    def _value(self, name: str, field: AnyConfigurableField, value: object) -> Any:
        owner = self.default.get_name()
        where = f"config['configurable'][{field.id!r}] (the {name} of {owner})"
        if isinstance(field, ConfigurableFieldSingleOption):
            if not isinstance(value, str) or value not in field.options:
                raise ConfigurationError(
                    f"{where} must be one of {sorted(field.options)}, got {quoted(value)}"
                )
            return field.options[value]
        if isinstance(field, ConfigurableFieldMultiOption):
            if isinstance(value, str) or not isinstance(value, list | tuple):
                raise ConfigurationError(
                    f"{where} must be a list of keys among {sorted(field.options)}, "
                    f"got {quoted(value)}"
                )
            unknown = [k for k in value if not isinstance(k, str) or k not in field.options]
            if unknown:
                raise ConfigurationError(
                    f"{where}: unknown option {quoted(unknown[0])}; expected keys among "
                    f"{sorted(field.options)}"
                )
            return [field.options[k] for k in value]
        expected = field.annotation if field.annotation is not None else _accepted(
            type(self.default), name
        )
        if not fits(value, expected):
            shown = "a value" if _is_secret(name) else quoted(value)
            raise ConfigurationError(
                f"{where} must be {type_label(expected)}, got {type(value).__name__}: {shown}"
            )
        return value

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        """One spec per declared field (its default: the default runnable's value), then
        the default runnable's own."""
        own = [self._spec(name, field) for name, field in self.fields.items()]
        return unique_specs([*own, *self.default.config_specs], self.get_name())

    def _spec(self, name: str, field: AnyConfigurableField) -> ConfigurableFieldSpec:
        if isinstance(field, ConfigurableField):
            annotation = field.annotation
            if annotation is None:
                annotation = _declared(type(self.default), name)
            return ConfigurableFieldSpec(
                id=field.id,
                annotation=annotation,
                name=field.name,
                description=field.description,
                default=getattr(self.default, _init_field(self.default, name).name),
                is_shared=field.is_shared,
            )
        choice = option_enum(field.name or field.id, tuple(field.options))
        multi = isinstance(field, ConfigurableFieldMultiOption)
        return ConfigurableFieldSpec(
            id=field.id,
            annotation=list[choice] if multi else choice,  # type: ignore[valid-type]
            name=field.name,
            description=field.description,
            default=list(field.default) if multi else field.default,
            is_shared=field.is_shared,
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.fields.items())
        return f"RunnableConfigurableFields({self.default!r}, {shown})"


def _init_field(runnable: Runnable[Any, Any], name: str) -> attrs.Attribute[Any]:
    """The attrs field ``name`` of ``runnable`` (its ``__init__`` keyword), or an error
    listing the fields there are."""
    cls = type(runnable)
    if not attrs.has(cls):
        raise ConfigurationError(f"{runnable.get_name()} has no attrs fields to configure")
    if hasattr(cls, "__attrs_init__"):  # attrs wrote no __init__: the class builds itself
        raise ConfigurationError(
            f"{runnable.get_name()} is built by its own __init__, so its fields cannot be "
            "replaced per run; offer whole runnables with configurable_alternatives() instead"
        )
    fields: list[attrs.Attribute[Any]] = [a for a in attrs.fields(cls) if a.init]
    for a in fields:
        if (a.alias or a.name) == name:
            return a
    raise ConfigurationError(
        f"{runnable.get_name()} has no field {name!r} to configure; its fields are "
        f"{', '.join(a.alias or a.name for a in fields) or '(none)'}"
    )


def _declared(cls: type, name: str) -> Any:  # Any: a type form
    """The declared type of the attrs field ``name`` of ``cls`` (``Any`` if unresolvable)."""
    return _field_types(cls)[name][0]


def _accepted(cls: type, name: str) -> Any:  # Any: a type form
    """What the field ``name`` of ``cls`` accepts: its converter's parameter type when it
    has a converter (a list for a tuple field…), else its declared type."""
    return _field_types(cls)[name][1]


_FIELD_TYPES: dict[type, dict[str, tuple[Any, Any]]] = {}


def _field_types(cls: type) -> dict[str, tuple[Any, Any]]:  # Any: type forms
    """``init name → (declared type, accepted type)`` for the attrs class ``cls`` (cached)."""
    found = _FIELD_TYPES.get(cls)
    if found is None:
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # an annotation naming something only imported for type checking
            hints = {}
        found = {}
        for a in attrs.fields(cls):
            declared = hints.get(a.name, Any)
            found[a.alias or a.name] = (declared, _converter_input(a.converter, declared))
        _FIELD_TYPES[cls] = found
    return found


def _converter_input(converter: object, declared: Any) -> Any:  # Any: type forms
    if converter is None:
        return declared
    fn = getattr(converter, "converter", converter)  # an attrs.Converter wraps the function
    try:
        first = next(iter(inspect.signature(fn).parameters))  # type: ignore[arg-type]
        return typing.get_type_hints(fn).get(first, Any)
    except Exception:  # a builtin (tuple, float…) or unresolvable: the converter judges
        return Any


_SECRET = re.compile(r"(^|_)(api_?key|key|secret|password|token)$", re.IGNORECASE)


def _is_secret(name: str) -> bool:
    """Whether the field may hold a secret, whose value an error must not quote."""
    return _SECRET.search(name) is not None


# -- alternatives ----------------------------------------------------------------------------


AlternativeLike = Runnable[Any, Any] | Callable[[], Runnable[Any, Any]]
"""An alternative: a runnable, or a function making one when it is chosen (a model that
needs a key only if used)."""


@attrs.frozen(repr=False)
class RunnableConfigurableAlternatives(DynamicRunnable[InT_contra, OutT_co]):
    """``default`` or one of ``alternatives``, chosen by ``config["configurable"][which.id]``
    (``default_key`` chooses the default).

    With ``prefix_keys``, the configurable ids inside alternative ``k`` are namespaced
    ``"<which.id>==<k>/<id>"`` (shared fields excepted), so two alternatives may declare the
    same id. Make one with ``runnable.configurable_alternatives(ConfigurableField(id), ...)``.
    """

    which: ConfigurableField
    alternatives: dict[str, AlternativeLike] = attrs.field(factory=dict, hash=False)
    default_key: str = "default"
    prefix_keys: bool = False

    @classmethod
    def create(
        cls,
        default: Runnable[InT, OutT],
        which: ConfigurableField,
        alternatives: Mapping[str, AlternativeLike],
        *,
        default_key: str,
        prefix_keys: bool,
    ) -> RunnableConfigurableAlternatives[InT, OutT]:
        """Check the declaration and build."""
        if not isinstance(which, ConfigurableField):
            raise ConfigurationError(
                "configurable_alternatives() takes a ConfigurableField(id=...) first, got "
                f"{type(which).__name__}: {quoted(which)}"
            )
        if default_key in alternatives:
            raise ConfigurationError(
                f"configurable_alternatives({which.id!r}): {default_key!r} names the default "
                "(default_key) and an alternative; rename the alternative or pass another "
                "default_key"
            )
        for key, alt in alternatives.items():
            if not isinstance(alt, Runnable) and not callable(alt):
                raise ConfigurationError(
                    f"configurable_alternatives({which.id!r}): alternative {key!r} must be a "
                    f"runnable or a function making one, got {type(alt).__name__}: "
                    f"{quoted(alt)}"
                )
        return RunnableConfigurableAlternatives(
            default, which, dict(alternatives), default_key, prefix_keys
        )

    @property
    def keys(self) -> tuple[str, ...]:
        """Every value ``config["configurable"][which.id]`` may take (LangChain's order)."""
        return (*self.alternatives, self.default_key)

    def resolve(self, configurable: Mapping[str, object]) -> Resolved:
        """The runnable chosen by ``configurable`` (the default if it chooses nothing)."""
        key = configurable.get(self.which.id, self.default_key)
        if key == self.default_key:
            chosen = self.default
        elif isinstance(key, str) and key in self.alternatives:
            chosen = self._make(key)
        else:
            raise ConfigurationError(
                f"config['configurable'][{self.which.id!r}] is {quoted(key)}, not an "
                f"alternative of {self.default.get_name()}: expected one of "
                f"{', '.join(map(repr, self.keys))}"
            )
        if not self.prefix_keys:
            return chosen, None
        prefix = f"{self.which.id}=={key}/"
        own = {k[len(prefix) :]: v for k, v in configurable.items() if k.startswith(prefix)}
        return chosen, own or None

    def _make(self, key: str) -> Runnable[Any, Any]:
        alt = self.alternatives[key]
        if isinstance(alt, Runnable):
            return alt
        made = alt()
        if not isinstance(made, Runnable):
            raise ConfigurationError(
                f"alternative {key!r} of config['configurable'][{self.which.id!r}] made a "
                f"{type(made).__name__}, not a runnable: {quoted(made)}"
            )
        return made

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        """The choice (an enum of :attr:`keys`), then the default's and each runnable
        alternative's specs (namespaced with ``prefix_keys``); alternatives made by a
        function are not made just to list theirs."""
        which = self.which
        own = ConfigurableFieldSpec(
            id=which.id,
            annotation=option_enum(which.name or which.id, self.keys),
            name=which.name,
            description=which.description,
            default=self.default_key,
            is_shared=which.is_shared,
        )
        inner = [(self.default_key, self.default)] + [
            (k, a) for k, a in self.alternatives.items() if isinstance(a, Runnable)
        ]
        specs = [own]
        for key, runnable in inner:
            prefix = f"{which.id}=={key}"
            inside = runnable.config_specs
            specs += [prefix_spec(s, prefix) for s in inside] if self.prefix_keys else inside
        return unique_specs(specs, self.get_name())

    def _children(self) -> tuple[Runnable[Any, Any], ...]:
        return (self.default, *(a for a in self.alternatives.values() if isinstance(a, Runnable)))

    def __repr__(self) -> str:
        alts = ", ".join(f"{k}={v!r}" for k, v in self.alternatives.items())
        return (
            f"RunnableConfigurableAlternatives({self.default!r}, which={self.which.id!r}, "
            f"default_key={self.default_key!r}, {alts})"
        )


# -- any runnable's specs --------------------------------------------------------------------


def children(node: Runnable[Any, Any]) -> list[Runnable[Any, Any]]:
    """The runnables ``node`` holds in its attrs fields, directly or inside tuples, lists
    and dicts (a sequence's steps, a parallel's branches, a binding's bound…)."""
    found: list[Runnable[Any, Any]] = []
    if attrs.has(type(node)):
        for field in attrs.fields(type(node)):
            _collect(getattr(node, field.name, None), found)
    return found


def _collect(value: object, found: list[Runnable[Any, Any]]) -> None:
    if isinstance(value, Runnable):
        found.append(value)
    elif isinstance(value, tuple | list):
        for item in value:
            _collect(item, found)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect(item, found)


def tree_config_specs(node: Runnable[Any, Any]) -> list[ConfigurableFieldSpec]:
    """The specs declared anywhere below ``node`` (a runnable that is not configurable)."""
    return unique_specs(
        (spec for child in children(node) for spec in child.config_specs), node.get_name()
    )
