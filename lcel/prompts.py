"""Prompt templates: a dict of variables in, a prompt value (text or messages) out.

>>> prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
>>> prompt.input_variables
['topic']
>>> prompt.invoke({"topic": "bears"})
ChatPromptValue(messages=(HumanMessage(content='tell me a joke about bears'),))
>>> PromptTemplate.from_template("{a} and {{b}}").invoke({"a": 1}).to_string()
'1 and {b}'

Templates use Python's f-string syntax (parsed with :class:`string.Formatter`): ``{name}``
is a variable, ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Generic, Literal, NotRequired, Self, TypedDict

import attrs
from typing_extensions import TypeVar

from lcel._config import RunnableConfig
from lcel._leaf import Component
from lcel.errors import InputValidationError, MissingVariablesError, quoted, shorten
from lcel.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    convert_to_messages,
    get_buffer_string,
)
from lcel.mustache import parse as mustache_parse
from lcel.mustache import render as mustache_render
from lcel.mustache import template_variables as mustache_variables

__all__ = [
    "PromptInput",
    "PromptValue",
    "StringPromptValue",
    "ChatPromptValue",
    "BasePromptTemplate",
    "PromptTemplate",
    "BaseMessagePromptTemplate",
    "HumanMessagePromptTemplate",
    "AIMessagePromptTemplate",
    "SystemMessagePromptTemplate",
    "ChatMessagePromptTemplate",
    "MessagesPlaceholder",
    "ChatPromptTemplate",
    "MessageLikeTemplate",
    "template_variables",
]

PromptInput = Mapping[str, Any]
"""What a prompt accepts without the typing plugin: a mapping of its variables to values
(a bare value is also accepted at run time when the prompt has exactly one variable)."""

PromptInT_contra = TypeVar("PromptInT_contra", contravariant=True, default=PromptInput)
"""A prompt's input type; the typing plugin narrows it to a TypedDict of the variables."""
_PromptValueT_co = TypeVar(
    "_PromptValueT_co", covariant=True, bound="PromptValue", default="PromptValue"
)


# -- prompt values ---------------------------------------------------------------------------


@attrs.frozen
class PromptValue:
    """What a prompt produces and a model reads: text or messages, convertible both ways."""

    type: ClassVar[str] = "PromptValue"

    def to_string(self) -> str:
        """The prompt as one text (what an LLM reads)."""
        raise NotImplementedError

    def to_messages(self) -> list[BaseMessage]:
        """The prompt as messages (what a chat model reads)."""
        raise NotImplementedError


@attrs.frozen
class StringPromptValue(PromptValue):
    """A text prompt; as messages it is one human message.

    >>> StringPromptValue("hi").to_messages()
    [HumanMessage(content='hi')]
    """

    text: str
    """The prompt text."""

    type: ClassVar[str] = "StringPromptValue"

    def to_string(self) -> str:
        return self.text

    def to_messages(self) -> list[BaseMessage]:
        return [HumanMessage(self.text)]


def _message_tuple(messages: Iterable[BaseMessage]) -> tuple[BaseMessage, ...]:
    result = tuple(messages)
    for i, message in enumerate(result):
        if not isinstance(message, BaseMessage):
            raise InputValidationError(
                f"ChatPromptValue messages[{i}] must be a message, got "
                f"{type(message).__name__}: {shorten(message)}"
            )
    return result


@attrs.frozen
class ChatPromptValue(PromptValue):
    """A prompt made of messages; as text it is a ``Role: text`` transcript.

    >>> ChatPromptValue([SystemMessage("be brief"), HumanMessage("hi")]).to_string()
    'System: be brief\\nHuman: hi'
    """

    messages: tuple[BaseMessage, ...] = attrs.field(converter=_message_tuple)
    """The messages, in order."""

    type: ClassVar[str] = "ChatPromptValue"

    def to_string(self) -> str:
        return get_buffer_string(self.messages)

    def to_messages(self) -> list[BaseMessage]:
        return list(self.messages)


# -- template parsing ------------------------------------------------------------------------

_FORMATTER = string.Formatter()


@functools.cache
def template_variables(template: str) -> tuple[str, ...]:
    """The variables of an f-string template, in order of first appearance.

    Fields are plain names: attribute access and indexing (``{user.name}``, ``{user[0]}``,
    also inside a format spec) would run Python lookups on the input, so such a template is
    refused.

    >>> template_variables("{b} {a} {b!r} {{literal}} {c:>{width}}")
    ('b', 'a', 'c', 'width')
    """
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise InputValidationError(
            f"invalid template {shorten(template)!r}: {exc}; use {{{{ and }}}} for literal braces"
        ) from None
    names: list[str] = []
    for _literal, field, spec, _conversion in parsed:
        if field is None:
            continue
        if not field or field.isdigit():
            raise InputValidationError(
                f"invalid template {shorten(template)!r}: positional field {{{field}}} "
                "cannot be filled from a dict; name every variable, e.g. {topic}"
            )
        if not field.isidentifier():
            raise InputValidationError(
                f"invalid template {shorten(template)!r}: field {{{shorten(field, 80)}}} is "
                "not a plain variable name; templates allow {name} only (no attribute access "
                "or indexing, which would run lookups on the input): pass the value itself as "
                "a variable, and write {{ and }} for literal braces"
            )
        if field not in names:
            names.append(field)
        if spec and "{" in spec:
            names.extend(n for n in template_variables(spec) if n not in names)
    return tuple(names)


def _render(template: str, values: Mapping[str, Any]) -> str:
    return _FORMATTER.vformat(template, (), dict(values))


def _with_partials(partials: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` over the partials; a callable partial is called (once) per format, unless
    ``values`` overrides it."""
    resolved = {k: (v() if callable(v) else v) for k, v in partials.items() if k not in values}
    return {**resolved, **values}


def _copy_partials(value: Mapping[str, Any] | None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InputValidationError(
            f"partial_variables must be a dict, got {type(value).__name__}: {shorten(value)}"
        )
    return dict(value)


@functools.cache
def _input_typeddict(fields: tuple[tuple[str, Any, bool], ...]) -> Any:  # Any: a TypedDict
    annotations = {name: tp if required else NotRequired[tp] for name, tp, required in fields}
    return TypedDict("PromptInput", annotations)  # type: ignore[operator]  # built at run time


# -- the shared base -------------------------------------------------------------------------


@attrs.frozen
class BasePromptTemplate(
    Component[PromptInT_contra, _PromptValueT_co], Generic[PromptInT_contra, _PromptValueT_co]
):
    """Checks the input dict against the variables, then formats the prompt value."""

    partial_variables: dict[str, Any] = attrs.field(
        factory=dict, kw_only=True, hash=False, converter=_copy_partials
    )
    """Variables filled in advance (see :meth:`partial`); callables are called per format."""

    run_type: ClassVar[str] = "prompt"
    blocking: ClassVar[bool] = False

    # -- what subclasses provide -----------------------------------------------------------

    def _variables(self) -> list[tuple[str, Any, bool]]:
        """``(name, type, required)`` of every variable, partials included, in order."""
        raise NotImplementedError

    def format_prompt(self, **kwargs: Any) -> _PromptValueT_co:  # Any: variable values
        """The prompt value for these variable values (no input checks beyond formatting)."""
        raise NotImplementedError

    # -- shared behaviour ------------------------------------------------------------------

    @property
    def input_variables(self) -> list[str]:
        """The required variables (partials and optional placeholders excluded), sorted."""
        return sorted(
            name
            for name, _tp, required in self._variables()
            if required and name not in self.partial_variables
        )

    @property
    def optional_variables(self) -> list[str]:
        """Variables that may be left out (optional message placeholders), sorted."""
        return sorted(
            name
            for name, _tp, required in self._variables()
            if not required and name not in self.partial_variables
        )

    @property
    def input_type(self) -> Any:  # Any: a type form (a TypedDict built at run time)
        """A ``TypedDict`` named ``PromptInput`` with one key per variable."""
        return _input_typeddict(
            tuple(
                (name, tp, required)
                for name, tp, required in self._variables()
                if name not in self.partial_variables
            )
        )

    def _schema_title_stem(self) -> str:
        """Input schemas of every prompt are titled ``PromptInput``, as LangChain's are."""
        return "Prompt"

    def partial(self, **values: Any) -> Self:  # Any: variable values or zero-arg callables
        """The same prompt with some variables filled in advance.

        >>> PromptTemplate.from_template("{a}{b}").partial(a="x").invoke({"b": "y"}).text
        'xy'
        """
        return attrs.evolve(self, partial_variables={**self.partial_variables, **values})

    def _check_input(self, value: object) -> dict[str, Any]:
        required = self.input_variables
        if isinstance(value, Mapping):
            given: dict[str, Any] = dict(value)
        elif len(required) == 1:
            given = {required[0]: value}
        else:
            raise InputValidationError(
                f"Input to {self.get_name()} must be a dict with the keys {required}, got "
                f"{type(value).__name__}: {shorten(value)}"
            )
        missing = [name for name in required if name not in given]
        if missing:
            received = sorted(map(str, given))
            raise MissingVariablesError(
                f"Input to {self.get_name()} is missing variables {missing}. "
                f"Expected: {required} Received: {shorten(received)}",
                missing=missing,
                received=received,
            )
        return given

    def _invoke(
        self,
        input: PromptInT_contra,
        config: RunnableConfig,
        **kwargs: Any,  # Any: options given with bind(), unused by prompts
    ) -> _PromptValueT_co:
        return self.format_prompt(**self._check_input(input))


# -- string prompts --------------------------------------------------------------------------


def _check_template(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        raise InputValidationError(
            f"a template must be a str, got {type(value).__name__}: {shorten(value)}"
        )
    if getattr(_instance, "template_format", "f-string") == "mustache":
        mustache_parse(value)  # raises on a malformed template
        return
    template_variables(value)  # raises on a malformed template


# -- template formats --------------------------------------------------------------------------

TemplateFormat = Literal["f-string", "mustache"]
"""How a template names its variables. ``jinja2`` is not offered: a jinja2 template can run
code (template injection)."""


def _check_format(_instance: object, _attribute: object, value: object) -> None:
    if value == "jinja2":
        raise InputValidationError(
            "template_format='jinja2' is not supported: jinja2 templates can run code "
            "(template injection); use 'f-string' or 'mustache' (logic-less)"
        )
    if value not in ("f-string", "mustache"):
        raise InputValidationError(
            f"template_format must be 'f-string' or 'mustache', got {shorten(value)}"
        )


def _mustache_variables(template: str) -> list[tuple[str, Any, bool]]:
    """A name used only as ``{{name}}`` is text; a section or a dotted path takes any value."""
    return [(name, str if plain else Any, True) for name, plain in mustache_variables(template)]


def _mustache_placeholder(template: str, position: int) -> MessagesPlaceholder:
    names = mustache_variables(template)
    if len(names) != 1 or template.strip() != f"{{{{{names[0][0]}}}}}":
        raise InputValidationError(
            f"message {position}: a ('placeholder', ...) entry must be '{{{{variable}}}}' "
            f"with template_format='mustache', got {template!r}"
        )
    return MessagesPlaceholder(names[0][0], optional=True)


@attrs.frozen
class PromptTemplate(
    BasePromptTemplate[PromptInT_contra, StringPromptValue], Generic[PromptInT_contra]
):
    """A text prompt: ``template`` with its ``{variables}`` filled in.

    >>> PromptTemplate.from_template("Say {word}").invoke({"word": "hi"})
    StringPromptValue(text='Say hi')
    """

    template: str = attrs.field(validator=_check_template)
    """The template (an f-string, or mustache with ``template_format="mustache"``)."""
    template_format: TemplateFormat = attrs.field(
        default="f-string", kw_only=True, validator=_check_format
    )
    """``"f-string"`` (``{name}``) or ``"mustache"`` (``{{name}}``, see :mod:`lcel.mustache`)."""

    @classmethod
    def from_template(
        cls,
        template: str,
        *,
        partial_variables: Mapping[str, Any] | None = None,
        template_format: TemplateFormat = "f-string",
    ) -> PromptTemplate[PromptInput]:
        """A prompt for ``template`` (its variables are read from the ``{names}``)."""
        return PromptTemplate(
            template,
            partial_variables=_copy_partials(partial_variables),
            template_format=template_format,
        )

    def _variables(self) -> list[tuple[str, Any, bool]]:
        if self.template_format == "mustache":
            return _mustache_variables(self.template)
        return [(name, str, True) for name in template_variables(self.template)]

    def format(self, **kwargs: Any) -> str:  # Any: variable values
        """The template with ``kwargs`` (and the partials) filled in."""
        values = _with_partials(self.partial_variables, kwargs)
        if self.template_format == "mustache":
            return mustache_render(self.template, values)
        return _render(self.template, values)

    def format_prompt(self, **kwargs: Any) -> StringPromptValue:  # Any: variable values
        return StringPromptValue(self.format(**kwargs))

    @property
    def output_type(self) -> Any:  # Any: a type form
        return StringPromptValue


# -- message templates -----------------------------------------------------------------------


@attrs.frozen
class BaseMessagePromptTemplate:
    """One entry of a :class:`ChatPromptTemplate` that becomes zero or more messages."""

    def variables(self) -> list[tuple[str, Any, bool]]:
        """``(name, type, required)`` of the variables this entry reads."""
        raise NotImplementedError

    @property
    def input_variables(self) -> list[str]:
        """The variables this entry reads, sorted."""
        return sorted(name for name, _tp, _required in self.variables())

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:  # Any: variable values
        """The messages for these variable values."""
        raise NotImplementedError


@attrs.frozen
class _StringMessagePromptTemplate(BaseMessagePromptTemplate):
    prompt: PromptTemplate[PromptInput]
    """The template of the message's text."""

    @classmethod
    def from_template(cls, template: str, template_format: TemplateFormat = "f-string") -> Self:
        """A message template whose text is ``template``."""
        return cls(PromptTemplate(template, template_format=template_format))

    def variables(self) -> list[tuple[str, Any, bool]]:
        return self.prompt._variables()

    def format(self, **kwargs: Any) -> BaseMessage:  # Any: variable values
        """The message for these variable values."""
        raise NotImplementedError

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:  # Any: variable values
        return [self.format(**kwargs)]


@attrs.frozen
class HumanMessagePromptTemplate(_StringMessagePromptTemplate):
    """A human message from a template.

    >>> HumanMessagePromptTemplate.from_template("hi {name}").format(name="Bob")
    HumanMessage(content='hi Bob')
    """

    def format(self, **kwargs: Any) -> HumanMessage:  # Any: variable values
        return HumanMessage(self.prompt.format(**kwargs))


@attrs.frozen
class AIMessagePromptTemplate(_StringMessagePromptTemplate):
    """An AI message from a template."""

    def format(self, **kwargs: Any) -> AIMessage:  # Any: variable values
        return AIMessage(self.prompt.format(**kwargs))


@attrs.frozen
class SystemMessagePromptTemplate(_StringMessagePromptTemplate):
    """A system message from a template."""

    def format(self, **kwargs: Any) -> SystemMessage:  # Any: variable values
        return SystemMessage(self.prompt.format(**kwargs))


@attrs.frozen
class ChatMessagePromptTemplate(_StringMessagePromptTemplate):
    """A message with an arbitrary ``role`` from a template."""

    role: str = attrs.field(kw_only=True)
    """The speaker's role."""

    @classmethod
    def from_template(
        cls, template: str, template_format: TemplateFormat = "f-string", *, role: str = ""
    ) -> Self:
        """A ``role`` message whose text is ``template``."""
        if not role:
            raise InputValidationError("ChatMessagePromptTemplate.from_template needs a role=")
        return cls(PromptTemplate(template, template_format=template_format), role=role)

    def format(self, **kwargs: Any) -> ChatMessage:  # Any: variable values
        return ChatMessage(self.prompt.format(**kwargs), role=self.role)


@attrs.frozen
class MessagesPlaceholder(BaseMessagePromptTemplate):
    """A slot filled with a list of messages from the variable ``variable_name``.

    >>> p = ChatPromptTemplate.from_messages([MessagesPlaceholder("history"), ("human", "{q}")])
    >>> p.invoke({"history": [("ai", "hello")], "q": "hi"}).to_messages()
    [AIMessage(content='hello'), HumanMessage(content='hi')]
    """

    variable_name: str
    """The variable holding the messages."""
    optional: bool = False
    """When true the variable may be left out (no messages)."""

    def variables(self) -> list[tuple[str, Any, bool]]:
        return [(self.variable_name, list[BaseMessage], not self.optional)]

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:  # Any: variable values
        if self.variable_name not in kwargs:
            if self.optional:
                return []
            raise MissingVariablesError(
                f"MessagesPlaceholder is missing its variable {self.variable_name!r}; "
                f"received {sorted(kwargs)}",
                missing=[self.variable_name],
                received=sorted(kwargs),
            )
        value = kwargs[self.variable_name]
        if self.optional and value is None:
            return []
        if isinstance(value, BaseMessage):
            return [value]
        if not isinstance(value, list | tuple):
            raise InputValidationError(
                f"variable {self.variable_name!r} of MessagesPlaceholder must be a list of "
                f"messages, got {type(value).__name__}: {shorten(value)}",
                path=f"$.{self.variable_name}",
            )
        return convert_to_messages(value)


MessageLikeTemplate = (
    BaseMessage | BaseMessagePromptTemplate | tuple[str, str] | list[str] | str
)
"""One entry of :meth:`ChatPromptTemplate.from_messages`: a fixed message, a message template,
a ``(role, template)`` pair (roles: ``human``/``user``, ``ai``/``assistant``,
``system``/``developer``, ``placeholder`` for ``"{var}"``), or a string (a human template)."""

_TEMPLATE_ROLES: dict[str, Callable[[str], BaseMessagePromptTemplate]] = {
    "human": HumanMessagePromptTemplate.from_template,
    "user": HumanMessagePromptTemplate.from_template,
    "ai": AIMessagePromptTemplate.from_template,
    "assistant": AIMessagePromptTemplate.from_template,
    "system": SystemMessagePromptTemplate.from_template,
    "developer": SystemMessagePromptTemplate.from_template,
}

_Entry = BaseMessage | BaseMessagePromptTemplate


def _coerce_entry(
    entry: object, position: int, template_format: TemplateFormat = "f-string"
) -> _Entry:
    if isinstance(entry, BaseMessage | BaseMessagePromptTemplate):
        return entry
    if isinstance(entry, str):
        return HumanMessagePromptTemplate.from_template(entry, template_format)
    if (
        isinstance(entry, tuple | list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], str)
    ):
        role, template = str(entry[0]), str(entry[1])
        if role == "placeholder" and template_format == "mustache":
            return _mustache_placeholder(template, position)
        if role == "placeholder":
            names = template_variables(template)
            if len(names) != 1 or template.strip() != f"{{{names[0]}}}":
                raise InputValidationError(
                    f"message {position}: a ('placeholder', ...) entry must be '{{variable}}', "
                    f"got {quoted(template)}"
                )
            return MessagesPlaceholder(names[0], optional=True)
        factory = _TEMPLATE_ROLES.get(role)
        if factory is None:
            raise InputValidationError(
                f"message {position}: unknown role {quoted(role)}; expected one of "
                f"{sorted([*_TEMPLATE_ROLES, 'placeholder'])}"
            )
        return factory(template, template_format)  # type: ignore[call-arg]
    raise InputValidationError(
        f"message {position}: expected a message, a message template, a (role, template) "
        f"tuple or a str; got {type(entry).__name__}: {shorten(entry)}"
    )


def _entries(messages: Iterable[MessageLikeTemplate]) -> tuple[_Entry, ...]:
    if isinstance(messages, str | BaseMessage | BaseMessagePromptTemplate):
        raise InputValidationError(
            "ChatPromptTemplate messages must be a list of entries, got "
            f"{type(messages).__name__}: {shorten(messages)}; wrap it in a list"
        )
    return tuple(_coerce_entry(entry, i) for i, entry in enumerate(messages))


# -- chat prompts ----------------------------------------------------------------------------


@attrs.frozen
class ChatPromptTemplate(
    BasePromptTemplate[PromptInT_contra, ChatPromptValue], Generic[PromptInT_contra]
):
    """A prompt made of messages: fixed ones, templates and placeholders.

    >>> prompt = ChatPromptTemplate.from_messages(
    ...     [("system", "You are {name}"), ("human", "{question}")])
    >>> prompt.input_variables
    ['name', 'question']
    >>> prompt.invoke({"name": "Cat Agent 007", "question": "hi"}).to_string()
    'System: You are Cat Agent 007\\nHuman: hi'
    """

    messages: tuple[_Entry, ...] = attrs.field(converter=_entries)
    """The entries, each a fixed message or a message template."""

    @classmethod
    def from_template(
        cls,
        template: str,
        *,
        partial_variables: Mapping[str, Any] | None = None,
        template_format: TemplateFormat = "f-string",
    ) -> ChatPromptTemplate[PromptInput]:
        """A chat prompt of one human message templated by ``template``."""
        return ChatPromptTemplate.from_messages(
            [("human", template)],
            partial_variables=partial_variables,
            template_format=template_format,
        )

    @classmethod
    def from_messages(
        cls,
        messages: Sequence[MessageLikeTemplate],
        *,
        partial_variables: Mapping[str, Any] | None = None,
        template_format: TemplateFormat = "f-string",
    ) -> ChatPromptTemplate[PromptInput]:
        """A chat prompt of these entries (see :data:`MessageLikeTemplate`); string
        templates are read as ``template_format`` (``"f-string"`` or ``"mustache"``)."""
        _check_format(None, None, template_format)
        if template_format != "f-string" and not isinstance(messages, str):
            messages = [_coerce_entry(m, i, template_format) for i, m in enumerate(messages)]
        return ChatPromptTemplate(messages, partial_variables=partial_variables)

    def _variables(self) -> list[tuple[str, Any, bool]]:
        seen: dict[str, tuple[str, Any, bool]] = {}
        for entry in self.messages:
            if isinstance(entry, BaseMessagePromptTemplate):
                for name, tp, required in entry.variables():
                    old = seen.get(name)
                    # a variable read as text and as messages keeps the stricter reading
                    if old is None or (required and not old[2]):
                        seen[name] = (name, tp, required)
        return list(seen.values())

    def format_messages(self, **kwargs: Any) -> list[BaseMessage]:  # Any: variable values
        """The messages for these variable values (and the partials)."""
        values = _with_partials(self.partial_variables, kwargs)
        result: list[BaseMessage] = []
        for entry in self.messages:
            if isinstance(entry, BaseMessage):
                result.append(entry)
            else:
                result.extend(entry.format_messages(**values))
        return result

    def format_prompt(self, **kwargs: Any) -> ChatPromptValue:  # Any: variable values
        return ChatPromptValue(self.format_messages(**kwargs))

    def format(self, **kwargs: Any) -> str:  # Any: variable values
        """The formatted messages as a ``Role: text`` transcript."""
        return self.format_prompt(**kwargs).to_string()

    @property
    def output_type(self) -> Any:  # Any: a type form
        return ChatPromptValue

    def __add__(
        self, other: ChatPromptTemplate[Any] | MessageLikeTemplate | Sequence[MessageLikeTemplate]
    ) -> ChatPromptTemplate[PromptInput]:
        """Concatenate with another chat prompt, an entry, or a list of entries.

        >>> p = ChatPromptTemplate.from_messages([("system", "hi")]) + ("human", "{q}")
        >>> p.input_variables
        ['q']
        """
        if isinstance(other, ChatPromptTemplate):
            return ChatPromptTemplate(
                (*self.messages, *other.messages),
                partial_variables={**self.partial_variables, **other.partial_variables},
            )
        if isinstance(other, list) and not (
            len(other) == 2 and all(isinstance(x, str) for x in other)
        ):
            extra = _entries(other)
        else:
            extra = (_coerce_entry(other, len(self.messages)),)
        return ChatPromptTemplate(
            (*self.messages, *extra), partial_variables=self.partial_variables
        )


def _register_serde() -> None:
    from lcel.serde import register_tagged, register_tagged_base

    register_tagged_base(PromptValue)
    register_tagged(StringPromptValue)
    register_tagged(ChatPromptValue)


_register_serde()
