"""The lcel mypy plugin: key names become ``TypedDict`` types.

Enable it with one line of mypy configuration::

    [tool.mypy]
    plugins = ["lcel_mypy"]

Plain typing (layer 1, always on) already checks linear compositions; it types every keyed
value with a wide ``dict[str, Any]``. This plugin replaces that wide type where the keys are
written literally in the program:

* ``RunnableParallel(a=..., b=...)`` and dict literals on either side of ``|`` (and in
  ``pipe``): the output is a ``TypedDict`` of the branch outputs (a passthrough's is the
  input); ``{...} | consumer`` takes the meet of the branch inputs as its input and is
  rejected (``[operator]``) when the keyed output does not fit the consumer's input;
* ``assign(k=...)`` (instance method, and the ``RunnablePassthrough.assign`` classmethod
  once its input is known) keeps the input keys and adds the new ones;
* ``pick("a")`` is that key's type, ``pick(["a", "c"])`` a ``TypedDict`` of those keys; an
  unknown key is ``[typeddict-item]``;
* ``PromptTemplate.from_template`` / ``ChatPromptTemplate.from_template`` /
  ``ChatPromptTemplate.from_messages`` with literal templates: the input is a ``TypedDict``
  of the variables (read-only ``str`` keys; a ``MessagesPlaceholder`` is a sequence of
  messages, not required when optional);
* ``@tool`` / ``Tool.from_function``: ``Tool[Out, In]`` whose input ``In`` is a read-only
  ``TypedDict`` of the function's parameters (defaults not required; ``| str`` for one
  ``str`` parameter).

Every hook runs after mypy checked the call against the plain signature and only refines
``ctx.default_return_type``. Anything that is not a literal (a dict variable, ``pick(key)``,
a template in a variable, ``**steps``) keeps the layer-1 type; a hook never raises.

This module is deliberately self-contained and light: mypy imports it with its own
interpreter and re-checks when this file's hash or ``__version__`` changes (not when a
helper it imports changes).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Final

from mypy.checker import TypeChecker
from mypy.erasetype import remove_instance_last_known_values
from mypy.errorcodes import OPERATOR, TYPEDDICT_ITEM
from mypy.maptype import map_instance_to_supertype
from mypy.meet import meet_types
from mypy.messages import format_type, format_type_bare
from mypy.nodes import (
    ARG_NAMED,
    ARG_POS,
    CallExpr,
    DictExpr,
    Expression,
    Import,
    ImportAll,
    ImportFrom,
    LambdaExpr,
    ListExpr,
    MemberExpr,
    MypyFile,
    OpExpr,
    RefExpr,
    StrExpr,
    TupleExpr,
    TypeInfo,
)
from mypy.plugin import (
    CheckerPluginInterface,
    FunctionContext,
    MethodContext,
    Plugin,
    ReportConfigContext,
)
from mypy.subtypes import is_subtype
from mypy.types import (
    AnyType,
    CallableType,
    Instance,
    ProperType,
    Type,
    TypedDictType,
    TypeOfAny,
    TypeType,
    TypeVarLikeType,
    UninhabitedType,
    UnionType,
    get_proper_type,
)

__version__: Final = "0.1.0"

#: The mypy releases this plugin is tested with (``>=`` lower, ``<`` upper).
SUPPORTED_MYPY: Final = ((2, 0), (2, 5))

RUNNABLE: Final = "lcel._runnable.Runnable"
PARALLEL: Final = "lcel._parallel.RunnableParallel"
PASSTHROUGH: Final = "lcel._passthrough.RunnablePassthrough"
ASSIGN: Final = "lcel._passthrough.RunnableAssign"
KEYED: Final = "lcel._keyed"
PROMPTS: Final = "lcel.prompts"
PLACEHOLDER: Final = "lcel.prompts.MessagesPlaceholder"
BASE_MESSAGE: Final = "lcel.messages.BaseMessage"

_METHODS: Final = frozenset({"__or__", "__ror__", "pipe", "assign", "pick"})
_PROMPT_PARTIALS: Final = frozenset(
    f"{PROMPTS}.{cls}.partial"
    for cls in ("PromptTemplate", "ChatPromptTemplate", "BasePromptTemplate")
)
_PROMPT_FACTORIES: Final = frozenset(
    {
        f"{PROMPTS}.PromptTemplate.from_template",
        f"{PROMPTS}.ChatPromptTemplate.from_template",
        f"{PROMPTS}.ChatPromptTemplate.from_messages",
    }
)


def _any() -> AnyType:
    return AnyType(TypeOfAny.special_form)


# -- looking things up -----------------------------------------------------------------------


def _runnable_info(info: TypeInfo) -> TypeInfo | None:
    for base in info.mro:
        if base.fullname == RUNNABLE:
            return base
    return None


def _in_out(typ: Type) -> tuple[Type, Type] | None:
    """``(In, Out)`` of an instance of any ``Runnable`` subclass, else ``None``."""
    proper = get_proper_type(typ)
    if not isinstance(proper, Instance):
        return None
    base = _runnable_info(proper.type)
    if base is None:
        return None
    mapped = map_instance_to_supertype(proper, base)
    if len(mapped.args) != 2:
        return None
    return mapped.args[0], mapped.args[1]


def _is_passthrough(typ: ProperType) -> bool:
    """An instance of ``RunnablePassthrough`` itself (a subclass may do anything)."""
    return isinstance(typ, Instance) and typ.type.fullname == PASSTHROUGH


def _class_of(typ: ProperType) -> TypeInfo | None:
    """The class a class-object type (``RunnablePassthrough`` itself) stands for."""
    if isinstance(typ, CallableType) and typ.is_type_obj():
        return typ.type_object()
    if isinstance(typ, TypeType) and isinstance(typ.item, Instance):
        return typ.item.type
    return None


def _info(api: CheckerPluginInterface, fullname: str) -> TypeInfo | None:
    """A class from the checker's module table (never ``named_type``: pitfall 7)."""
    module, _, name = fullname.rpartition(".")
    tree = getattr(api, "modules", {}).get(module)
    if not isinstance(tree, MypyFile):
        return None
    sym = tree.names.get(name)
    node = sym.node if sym is not None else None
    return node if isinstance(node, TypeInfo) else None


def _str_type(api: CheckerPluginInterface) -> Instance:
    return api.named_generic_type("builtins.str", [])


def _typeddict(
    api: CheckerPluginInterface,
    items: dict[str, Type],
    required: set[str],
    readonly: set[str] | None = None,
    fallback: str | None = None,
) -> TypedDictType:
    """A TypedDict type; ``fallback`` names an empty TypedDict of :mod:`lcel._keyed`."""
    fb: Instance | None = None
    if fallback is not None:
        info = _info(api, f"{KEYED}.{fallback}")
        if info is not None and info.typeddict_type is not None:
            fb = Instance(info, [])
    if fb is None:  # anonymous: ``typing._TypedDict``
        fb = api.named_generic_type("typing._TypedDict", [])
    return TypedDictType(dict(items), set(required), set(readonly or ()), fb)


_REFINED: Final = frozenset({RUNNABLE, PARALLEL, ASSIGN})


def _with_args(default: Type, first: Type | None, second: Type | None) -> Type:
    """``default`` with its ``(In, Out)`` type arguments replaced, when it is one of the
    classes whose two arguments are exactly those (a user override may return anything)."""
    proper = get_proper_type(default)
    if not isinstance(proper, Instance) or len(proper.args) != 2:
        return default
    if proper.type.fullname not in _REFINED:
        return default
    args = list(proper.args)
    if first is not None:
        args[0] = first
    if second is not None:
        args[1] = second
    return proper.copy_modified(args=args)


# -- re-inferring expressions ----------------------------------------------------------------


@contextmanager
def _quiet(api: CheckerPluginInterface) -> Iterator[None]:
    """Errors filtered, inferred types kept out of the real type map (pitfall 2)."""
    local = api.local_type_map if isinstance(api, TypeChecker) else nullcontext()
    with api.msg.filter_errors(filter_deprecated=True, filter_revealed_type=True), local:
        yield


def _infer(api: CheckerPluginInterface, expr: Expression, context: Type | None) -> Type:
    """The type of ``expr`` inferred on its own (``context`` only for lambdas)."""
    try:
        with _quiet(api):
            return api.get_expression_type(expr, context)
    except Exception:  # a hook must never crash mypy
        return _any()


def _callable_in_out(typ: CallableType) -> tuple[Type | None, Type]:
    """A function as a step: its first parameter and its (awaited) result."""
    first: Type | None = None
    if typ.arg_types and typ.arg_kinds[0] in (ARG_POS,):
        first = typ.arg_types[0]
    ret = get_proper_type(typ.ret_type)
    if isinstance(ret, Instance):
        name = ret.type.fullname
        if name == "typing.Coroutine" and len(ret.args) == 3:
            return first, ret.args[2]
        if name in (
            "typing.Iterator",
            "typing.Generator",
            "typing.AsyncIterator",
            "typing.AsyncGenerator",
            "typing.Awaitable",
        ):
            return first, _any()  # how it runs depends on the function's kind: stay wide
    return first, typ.ret_type


class _Branch:
    """One step of a dict of steps: what it takes (``None``: anything) and produces."""

    __slots__ = ("inp", "out", "passthrough")

    def __init__(self, inp: Type | None, out: Type, passthrough: bool = False) -> None:
        self.inp = inp
        self.out = out
        self.passthrough = passthrough


def _branch(api: CheckerPluginInterface, expr: Expression, inp: Type | None) -> _Branch:
    if isinstance(expr, DictExpr):
        keyed = _keyed(api, _dict_entries(expr), inp)
        if keyed is None:
            return _Branch(None, _any())
        return _Branch(keyed[0], keyed[1])
    context: Type | None = None
    if isinstance(expr, LambdaExpr):  # a lambda keeps its in-context parameter type
        context = CallableType(
            [inp if inp is not None else _any()],
            [ARG_POS],
            [None],
            api.named_generic_type("builtins.object", []),  # not Any: it would widen `[x]`
            api.named_generic_type("builtins.function", []),
        )
    typ = get_proper_type(_infer(api, expr, context))
    if _is_passthrough(typ):
        return _Branch(None, _any(), passthrough=True)
    in_out = _in_out(typ)
    if in_out is not None:
        return _Branch(_constraint(in_out[0]), in_out[1])
    if isinstance(typ, CallableType) and not typ.is_type_obj() and not typ.variables:
        first, out = _callable_in_out(typ)
        return _Branch(_constraint(first) if first is not None else None, out)
    return _Branch(None, _any())


def _constraint(typ: Type) -> Type | None:
    """An input type that constrains the parallel's input (``Any``/``object`` do not)."""
    proper = get_proper_type(typ)
    if isinstance(proper, AnyType):
        return None
    if isinstance(proper, Instance) and proper.type.fullname == "builtins.object":
        return None
    return typ


def _dict_entries(expr: DictExpr) -> list[tuple[str, Expression]] | None:
    """``{"k": step, ...}`` as pairs; ``None`` unless every key is a string literal."""
    entries: list[tuple[str, Expression]] = []
    for key, value in expr.items:
        if not isinstance(key, StrExpr):  # ``**other`` (key None) or a computed key
            return None
        entries.append((key.value, value))
    return entries


def _keyed(
    api: CheckerPluginInterface,
    entries: list[tuple[str, Expression]] | None,
    inp: Type | None,
    fallback: str = "ParallelOutput",
) -> tuple[Type | None, TypedDictType] | None:
    """``(input, output)`` of a dict of steps, or ``None`` when it is not all literal.

    ``inp`` is the known input (the left output of ``a | {...}``); without it the input is
    the meet of the branch inputs (``None`` when no branch constrains it; ``Never`` when
    they conflict).
    """
    if not entries:
        return None
    # lambdas last: without a known input they are typed with the other branches' meet
    branches = {
        key: _branch(api, value, inp)
        for key, value in entries
        if inp is not None or not isinstance(value, LambdaExpr)
    }
    joint: Type | None = inp
    if joint is None:
        for branch in branches.values():
            if branch.inp is None:
                continue
            joint = branch.inp if joint is None else meet_types(joint, branch.inp)
        usable = joint if not isinstance(get_proper_type(joint), UninhabitedType) else None
        for key, value in entries:
            if isinstance(value, LambdaExpr):
                branches[key] = _branch(api, value, usable)
        branches = {key: branches[key] for key, _value in entries}
    seen = joint if joint is not None else _any()
    items = {
        key: remove_instance_last_known_values(seen if b.passthrough else b.out)
        for key, b in branches.items()
    }
    return joint, _typeddict(api, items, set(items), fallback=fallback)


# -- the pieces shared by several hooks ------------------------------------------------------


def _passthrough_assign_entries(
    api: CheckerPluginInterface, expr: Expression
) -> list[tuple[str, Expression]] | None:
    """The steps of ``RunnablePassthrough.assign(k=...)`` written in place, else ``None``."""
    if not (isinstance(expr, CallExpr) and isinstance(expr.callee, MemberExpr)):
        return None
    if expr.callee.name != "assign":
        return None
    receiver = get_proper_type(_infer(api, expr.callee.expr, None))
    info = _class_of(receiver)
    if not ((info is not None and info.fullname == PASSTHROUGH) or _is_passthrough(receiver)):
        return None
    return _named_entries(expr.args, expr.arg_kinds, expr.arg_names)


def _named_entries(
    args: Sequence[Expression],
    kinds: Sequence[object],
    names: Sequence[str | None],
) -> list[tuple[str, Expression]] | None:
    entries: list[tuple[str, Expression]] = []
    for arg, kind, name in zip(args, kinds, names, strict=False):
        if kind != ARG_NAMED or name is None:  # ``**steps`` or positional
            return None
        entries.append((name, arg))
    return entries


def _merge(api: CheckerPluginInterface, base: TypedDictType, extra: TypedDictType) -> TypedDictType:
    """``{**base, **extra}`` (an ``assign``)."""
    items = {**base.items, **extra.items}
    required = (base.required_keys - set(extra.items)) | set(extra.items)
    readonly = base.readonly_keys - set(extra.items)
    return _typeddict(api, items, required, readonly, fallback="AssignOutput")


def _assigned(
    api: CheckerPluginInterface, inp: Type, entries: list[tuple[str, Expression]] | None
) -> TypedDictType | None:
    """The output of assigning ``entries`` to an input of type ``inp`` (a TypedDict)."""
    base = get_proper_type(inp)
    if not isinstance(base, TypedDictType) or entries is None:
        return None
    keyed = _keyed(api, entries, inp)
    if keyed is None:
        return None
    return _merge(api, base, keyed[1])


def _step_output(api: CheckerPluginInterface, left_out: Type, expr: Expression) -> Type | None:
    """The keyed output of ``expr`` fed ``left_out`` (a dict of steps or an assign)."""
    if isinstance(expr, DictExpr):
        keyed = _keyed(api, _dict_entries(expr), left_out)
        return keyed[1] if keyed is not None else None
    return _assigned(api, left_out, _passthrough_assign_entries(api, expr))


# -- the hooks ---------------------------------------------------------------------------


def _parallel_hook(ctx: FunctionContext) -> Type:
    """``RunnableParallel(a=..., b=...)`` / ``RunnableParallel({"a": ...})``."""
    try:
        entries: list[tuple[str, Expression]] = []
        for index, (formal, args, kinds, names) in enumerate(
            zip(ctx.callee_arg_names, ctx.args, ctx.arg_kinds, ctx.arg_names, strict=False)
        ):
            if not args:
                continue
            if formal == "steps__" or (index == 0 and formal is None):  # positional-only
                if len(args) != 1 or not isinstance(args[0], DictExpr):
                    return ctx.default_return_type
                literal = _dict_entries(args[0])
                if literal is None:
                    return ctx.default_return_type
                entries.extend(literal)
            else:
                named = _named_entries(args, kinds, names)
                if named is None:
                    return ctx.default_return_type
                entries.extend(named)
        keyed = _keyed(ctx.api, list(dict(entries).items()), None)
        if keyed is None:
            return ctx.default_return_type
        joint, out = keyed
        if joint is not None and isinstance(get_proper_type(joint), UninhabitedType):
            joint = None  # conflicting branch inputs: keep the plain signature's input
        return _with_args(ctx.default_return_type, joint, out)
    except Exception:
        return ctx.default_return_type


def _or_hook(ctx: MethodContext) -> Type:
    """``a | {...}``, ``a | RunnablePassthrough.assign(...)`` and ``a.pipe(...)``."""
    try:
        in_out = _in_out(ctx.type)
        if in_out is None or len(ctx.args) != 1 or len(ctx.args[0]) != 1:
            return ctx.default_return_type
        if _in_out(ctx.default_return_type) is None:
            return ctx.default_return_type
        out = _step_output(ctx.api, in_out[1], ctx.args[0][0])
        if out is None:
            return ctx.default_return_type
        return _with_args(ctx.default_return_type, None, out)
    except Exception:
        return ctx.default_return_type


def _ror_hook(ctx: MethodContext) -> Type:
    """``{...} | b``: the dict literal is only reachable through the operator (pitfall 3)."""
    try:
        in_out = _in_out(ctx.type)
        if in_out is None or _in_out(ctx.default_return_type) is None:
            return ctx.default_return_type
        left: Expression | None = None
        right: Expression | None = None
        if isinstance(ctx.context, OpExpr) and ctx.context.op == "|":
            left, right = ctx.context.left, ctx.context.right
        elif ctx.args and ctx.args[0]:
            left = ctx.args[0][0]
        if not isinstance(left, DictExpr):
            return ctx.default_return_type
        keyed = _keyed(ctx.api, _dict_entries(left), None)
        if keyed is None:
            return ctx.default_return_type
        joint, out = keyed
        keys = _quoted(list(out.items))
        if joint is not None and isinstance(get_proper_type(joint), UninhabitedType):
            _fail_operand(
                ctx,
                f"The steps of dict {{{keys}}} take incompatible inputs, "
                f"so it cannot feed {_fmt(ctx.api, ctx.type)}",
            )
            return ctx.default_return_type
        want = in_out[0]
        if not _fits(ctx.api, out, want):
            _fail_operand(ctx, _misfit_message(ctx.api, out, want, keys, ctx.type))
            return ctx.default_return_type
        new_out: Type | None = None
        if right is not None:
            new_out = _assigned(ctx.api, out, _passthrough_assign_entries(ctx.api, right))
        return _with_args(ctx.default_return_type, joint, new_out)
    except Exception:
        return ctx.default_return_type


def _fail_operand(ctx: MethodContext, message: str) -> None:
    """Report ``[operator]`` for ``{...} | b``.

    mypy tries ``dict.__or__`` first, then ``b.__ror__`` under an error watcher that saves
    what it filters; when both fail it reports the *first* failure (dict's "no overload
    variant" message). To report this clearer message instead, it is recorded past that
    innermost watcher only (the ones below it, e.g. a speculative outer inference, still
    apply); ``b.__ror__`` then counts as checked and its result is kept. When the plain
    signature already failed there, mypy's own error stands and this one is filtered.
    """
    errors = ctx.api.msg.errors
    watchers = getattr(errors, "_watchers", None)
    top = watchers[-1] if isinstance(watchers, list) and watchers else None
    if (
        top is not None
        and isinstance(ctx.context, OpExpr)
        and getattr(top, "_filter", None) is True
        and getattr(top, "_filtered", None) is not None
        and not top.has_new_errors()  # the plain signature already failed: mypy reports that
    ):
        assert isinstance(watchers, list)
        watchers.pop()
        try:
            ctx.api.fail(message, ctx.context, code=OPERATOR)
        finally:
            watchers.append(top)
        return
    ctx.api.fail(message, ctx.context, code=OPERATOR)


def _fits(api: CheckerPluginInterface, out: TypedDictType, want: Type) -> bool:
    """A keyed output fits a consumer's input: as a TypedDict, or (being a real ``dict``) as
    ``dict[str, Any]``."""
    if is_subtype(out, want):
        return True
    proper = get_proper_type(want)
    if isinstance(proper, TypeVarLikeType):  # a generic consumer: not this plugin's call
        return True
    if isinstance(proper, TypedDictType):
        return False
    wide = api.named_generic_type("builtins.dict", [_str_type(api), _any()])
    return is_subtype(wide, want)


def _misfit_message(
    api: CheckerPluginInterface, out: TypedDictType, want: Type, keys: str, consumer: Type
) -> str:
    proper = get_proper_type(want)
    detail = ""
    if isinstance(proper, TypedDictType):
        missing = sorted(proper.required_keys - set(out.items))
        wrong = sorted(
            k
            for k in proper.items
            if k in out.items and not is_subtype(out.items[k], proper.items[k])
        )
        if missing:
            detail = ": missing key" + ("s " if len(missing) > 1 else " ") + _quoted(missing)
        elif wrong:
            detail = ": wrong type for key" + ("s " if len(wrong) > 1 else " ") + _quoted(wrong)
    if detail:  # the consumer's type already shows its input
        return f"Dict of steps {_fmt_items(api, out)} does not fit {_fmt(api, consumer)}{detail}"
    return (
        f"Dict of steps {_fmt_items(api, out)} does not fit the input {_fmt(api, want)} "
        f"of {_fmt(api, consumer)}"
    )


def _quoted(keys: Sequence[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def _fmt_items(api: CheckerPluginInterface, typ: TypedDictType) -> str:
    """``{"a": str, "b": int}``: a keyed output with its items (its class name says less)."""
    items = ", ".join(f'"{k}": {format_type_bare(v, api.options)}' for k, v in typ.items.items())
    return "{" + items + "}"


def _fmt(api: CheckerPluginInterface, typ: Type) -> str:
    """A type as mypy's own messages print it (quoted)."""
    return format_type(typ, api.options)


def _assign_hook(ctx: MethodContext) -> Type:
    """``runnable.assign(k=...)`` and the ``RunnablePassthrough.assign`` classmethod."""
    try:
        receiver = get_proper_type(ctx.type)
        info = _class_of(receiver)
        default = get_proper_type(ctx.default_return_type)
        if (info is not None and info.fullname == PASSTHROUGH) or _is_passthrough(receiver):
            # Input unknown until composed: a ``Mapping`` so that a keyed (TypedDict) output
            # can feed it (``a | RunnablePassthrough.assign(...)`` refines the output).
            if isinstance(default, Instance) and default.type.fullname == ASSIGN:
                mapping = ctx.api.named_generic_type("typing.Mapping", [_str_type(ctx.api), _any()])
                return _with_args(default, mapping, None)
            return ctx.default_return_type
        in_out = _in_out(receiver)
        if in_out is None or _in_out(default) is None:
            return ctx.default_return_type
        names = ctx.arg_names[0] if ctx.arg_names else []
        kinds = ctx.arg_kinds[0] if ctx.arg_kinds else []
        args = ctx.args[0] if ctx.args else []
        out = _assigned(ctx.api, in_out[1], _named_entries(args, kinds, names))
        if out is None:
            return ctx.default_return_type
        return _with_args(default, None, out)
    except Exception:
        return ctx.default_return_type


def _pick_hook(ctx: MethodContext) -> Type:
    """``runnable.pick("a")`` / ``runnable.pick(["a", "c"])`` on a keyed output."""
    try:
        in_out = _in_out(ctx.type)
        if in_out is None or _in_out(ctx.default_return_type) is None:
            return ctx.default_return_type
        source = get_proper_type(in_out[1])
        if not isinstance(source, TypedDictType) or len(ctx.args) != 1 or len(ctx.args[0]) != 1:
            return ctx.default_return_type
        arg = ctx.args[0][0]
        single = isinstance(arg, StrExpr)
        if single:
            assert isinstance(arg, StrExpr)
            keys = [arg.value]
        elif isinstance(arg, (ListExpr, TupleExpr)) and all(
            isinstance(i, StrExpr) for i in arg.items
        ):
            keys = [i.value for i in arg.items if isinstance(i, StrExpr)]
        else:
            return ctx.default_return_type
        missing = [k for k in keys if k not in source.items]
        if missing:
            for key in missing:
                ctx.api.fail(
                    f'pick(): the output of {_fmt(ctx.api, ctx.type)} has no key "{key}" '
                    f"(its keys: {_quoted(list(source.items))})",
                    arg,
                    code=TYPEDDICT_ITEM,
                )
            return ctx.default_return_type
        if single:
            return _with_args(ctx.default_return_type, None, source.items[keys[0]])
        picked = _typeddict(
            ctx.api,
            {k: source.items[k] for k in keys},
            {k for k in keys if k in source.required_keys},
            {k for k in keys if k in source.readonly_keys},
            fallback="PickOutput",
        )
        return _with_args(ctx.default_return_type, None, picked)
    except Exception:
        return ctx.default_return_type


# -- prompts ---------------------------------------------------------------------------------

_FORMATTER: Final = string.Formatter()
_TEXT_ROLES: Final = frozenset({"human", "user", "ai", "assistant", "system", "developer"})
_TEMPLATE_CLASSES: Final = frozenset(
    f"{PROMPTS}.{name}"
    for name in (
        "HumanMessagePromptTemplate",
        "AIMessagePromptTemplate",
        "SystemMessagePromptTemplate",
        "ChatMessagePromptTemplate",
    )
)

#: ``(name, is_messages, required)`` of each prompt variable, in order.
_Vars = list[tuple[str, bool, bool]]


def _template_vars(template: str) -> list[str] | None:
    """The variables of an f-string template (as :func:`lcel.prompts.template_variables`)."""
    try:
        parsed = list(_FORMATTER.parse(template))
    except ValueError:
        return None
    names: list[str] = []
    for _literal, field, spec, _conversion in parsed:
        if field is None:
            continue
        name = field.replace("[", ".").split(".", 1)[0]
        if not name or name.isdigit():
            return None
        if name not in names:
            names.append(name)
        if spec and "{" in spec:
            inner = _template_vars(spec)
            if inner is None:
                return None
            names.extend(n for n in inner if n not in names)
    return names


def _text_vars(template: Expression) -> _Vars | None:
    if not isinstance(template, StrExpr):
        return None
    names = _template_vars(template.value)
    return None if names is None else [(n, False, True) for n in names]


def _literal_bool(expr: Expression) -> bool | None:
    if isinstance(expr, RefExpr) and expr.fullname in ("builtins.True", "builtins.False"):
        return expr.fullname == "builtins.True"
    return None


def _entry_vars(api: CheckerPluginInterface, entry: Expression) -> _Vars | None:
    """The variables of one ``from_messages`` entry, ``None`` when not literal."""
    if isinstance(entry, StrExpr):
        return _text_vars(entry)
    if isinstance(entry, (TupleExpr, ListExpr)):
        if len(entry.items) != 2 or not isinstance(entry.items[0], StrExpr):
            return None
        role, template = entry.items[0].value, entry.items[1]
        if role in _TEXT_ROLES:
            return _text_vars(template)
        if role == "placeholder" and isinstance(template, StrExpr):
            names = _template_vars(template.value)
            if names is None or len(names) != 1:
                return None
            return [(names[0], True, False)]
        return None
    typ = get_proper_type(_infer(api, entry, None))
    if not isinstance(typ, Instance):
        return None
    if typ.type.has_base(BASE_MESSAGE):
        return []  # a fixed message is not templated
    if not isinstance(entry, CallExpr):
        return None
    if typ.type.fullname == PLACEHOLDER:
        name: Expression | None = None
        optional: bool | None = False
        for arg, kind, arg_name in zip(entry.args, entry.arg_kinds, entry.arg_names, strict=False):
            if (
                arg_name in (None, "variable_name")
                and kind in (ARG_POS, ARG_NAMED)
                and name is None
            ):
                name = arg
            elif arg_name == "optional" or (arg_name is None and name is not None):
                optional = _literal_bool(arg)
            else:
                return None
        if not isinstance(name, StrExpr) or optional is None:
            return None
        return [(name.value, True, not optional)]
    if (
        typ.type.fullname in _TEMPLATE_CLASSES
        and isinstance(entry.callee, MemberExpr)
        and entry.callee.name == "from_template"
        and entry.args
        and entry.arg_kinds[0] == ARG_POS
    ):
        return _text_vars(entry.args[0])
    return None


def _prompt_input(api: CheckerPluginInterface, variables: _Vars) -> TypedDictType | None:
    """The anonymous, read-only TypedDict of a prompt's variables (pitfalls 5 and 6)."""
    seen: dict[str, tuple[bool, bool]] = {}
    for name, messages, required in variables:
        old = seen.get(name)
        if old is None or (required and not old[1]):
            seen[name] = (messages, required)
    items: dict[str, Type] = {}
    for name, (messages, _required) in seen.items():
        if messages:
            info = _info(api, BASE_MESSAGE)
            if info is None:
                return None
            items[name] = api.named_generic_type("typing.Sequence", [Instance(info, [])])
        else:
            items[name] = _str_type(api)
    required_keys = {name for name, (_m, required) in seen.items() if required}
    return _typeddict(api, items, required_keys, set(items))


def _partial_hook(ctx: MethodContext) -> Type:
    """``prompt.partial(b=...)``: the variables filled in advance leave the prompt's input."""
    try:
        ret = get_proper_type(ctx.default_return_type)
        if not isinstance(ret, Instance) or not ret.args:
            return ctx.default_return_type
        keyed = get_proper_type(ret.args[0])
        if not isinstance(keyed, TypedDictType):
            return ctx.default_return_type
        filled = {name for names in ctx.arg_names for name in names if name is not None}
        if not filled:
            return ctx.default_return_type
        items = {k: v for k, v in keyed.items.items() if k not in filled}
        required = {k for k in keyed.required_keys if k not in filled}
        readonly = {k for k in keyed.readonly_keys if k not in filled}
        narrowed = _typeddict(ctx.api, items, required, readonly)
        return ret.copy_modified(args=[narrowed, *ret.args[1:]])
    except Exception:
        return ctx.default_return_type


def _prompt_hook(ctx: MethodContext) -> Type:
    """``from_template("... {x}")`` / ``from_messages([...])``: input = TypedDict of variables."""
    try:
        if _in_out(ctx.default_return_type) is None:
            return ctx.default_return_type
        positional: list[Expression] = []
        for formal, args in zip(ctx.callee_arg_names, ctx.args, strict=False):
            if formal in ("template", "messages"):
                if len(args) != 1:
                    return ctx.default_return_type
                positional.append(args[0])
            elif args:  # partial_variables and anything else: stay wide
                return ctx.default_return_type
        if len(positional) != 1:
            return ctx.default_return_type
        arg = positional[0]
        variables: _Vars = []
        if isinstance(arg, StrExpr):
            found = _text_vars(arg)
            if found is None:
                return ctx.default_return_type
            variables = found
        elif isinstance(arg, (ListExpr, TupleExpr)):
            for entry in arg.items:
                found = _entry_vars(ctx.api, entry)
                if found is None:
                    return ctx.default_return_type
                variables.extend(found)
        else:
            return ctx.default_return_type
        td = _prompt_input(ctx.api, variables)
        if td is None:
            return ctx.default_return_type
        proper = get_proper_type(ctx.default_return_type)
        if not isinstance(proper, Instance) or len(proper.args) != 1:
            return ctx.default_return_type
        return proper.copy_modified(args=[td])
    except Exception:
        return ctx.default_return_type


# -- tools -----------------------------------------------------------------------------------

TOOL: Final = "lcel.tools.Tool"
CONFIG: Final = "lcel._config.RunnableConfig"
_TOOL_FACTORIES: Final = frozenset(
    {"lcel.tools.tool", "lcel.tools._ToolFactory.__call__", "lcel.tools.Tool.from_function"}
)


def _tool_input(api: CheckerPluginInterface, func: CallableType) -> Type | None:
    """The read-only TypedDict of a function's parameters (defaults not required), or it
    ``| str`` for a one-parameter function taking a ``str``; ``None`` when not expressible."""
    items: dict[str, Type] = {}
    required: set[str] = set()
    for name, kind, typ in zip(func.arg_names, func.arg_kinds, func.arg_types, strict=False):
        if kind.is_star() or name is None:
            return None
        proper = get_proper_type(typ)
        if isinstance(proper, TypedDictType) and proper.fallback.type.fullname == CONFIG:
            continue  # the run's config: not an argument
        items[name] = typ
        if kind.is_required():
            required.add(name)
    td = _typeddict(api, items, required, set(items))
    if len(items) == 1 and is_subtype(_str_type(api), next(iter(items.values()))):
        return UnionType.make_union([td, _str_type(api)])
    return td


def _tool_hook(ctx: FunctionContext | MethodContext) -> Type:
    """``@tool`` / ``@tool("name")`` / ``Tool.from_function(f)``: ``Tool[Out, In]`` with
    ``In`` the function's parameters (a ``Tool`` type of another shape is left as it is)."""
    try:
        default = get_proper_type(ctx.default_return_type)
        if not (
            isinstance(default, Instance)
            and default.type.fullname == TOOL
            and len(default.args) == 2
            and ctx.arg_types
            and len(ctx.arg_types[0]) == 1
        ):
            return ctx.default_return_type
        func = get_proper_type(ctx.arg_types[0][0])
        if not isinstance(func, CallableType) or func.is_type_obj():
            return ctx.default_return_type
        inp = _tool_input(ctx.api, func)
        if inp is None:
            return ctx.default_return_type
        return default.copy_modified(args=[default.args[0], inp])
    except Exception:
        return ctx.default_return_type


# -- the plugin ------------------------------------------------------------------------------


class LcelPlugin(Plugin):
    """Function hook: the ``RunnableParallel`` constructor. Method hooks: ``__or__``,
    ``__ror__``, ``pipe``, ``assign``, ``pick`` on any ``Runnable`` subclass (pitfall 1)."""

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        if fullname == PARALLEL:
            return _parallel_hook
        if fullname in _TOOL_FACTORIES:
            return _tool_hook
        return None

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        if fullname in _PROMPT_FACTORIES:
            return _prompt_hook
        if fullname in _PROMPT_PARTIALS:
            return _partial_hook
        if fullname in _TOOL_FACTORIES:
            return _tool_hook
        owner, _, method = fullname.rpartition(".")
        if method not in _METHODS or not self._is_runnable_class(owner):
            return None
        if method in ("__or__", "pipe"):
            return _or_hook
        if method == "__ror__":
            return _ror_hook
        if method == "assign":
            return _assign_hook
        return _pick_hook

    def _is_runnable_class(self, fullname: str) -> bool:
        try:
            sym = self.lookup_fully_qualified(fullname)
        except Exception:
            return False
        node = sym.node if sym is not None else None
        return isinstance(node, TypeInfo) and _runnable_info(node) is not None

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        """A module that uses lcel also needs :mod:`lcel._keyed`, the fallbacks' home."""
        if file.fullname == KEYED or not _imports_lcel(file):
            return []
        return [(10, KEYED, -1)]

    def report_config_data(self, ctx: ReportConfigContext) -> object:
        return {"lcel_mypy": __version__}


def _imports_lcel(file: MypyFile) -> bool:
    if file.fullname == "lcel" or file.fullname.startswith("lcel."):
        return True
    for imp in file.imports:
        ids: list[str] = []
        if isinstance(imp, Import):
            ids = [name for name, _alias in imp.ids]
        elif isinstance(imp, (ImportFrom, ImportAll)):
            ids = [imp.id]
        if any(i == "lcel" or i.startswith("lcel.") for i in ids):
            return True
    return False


def _parse_version(version: str) -> tuple[int, int]:
    parts = version.split("+", 1)[0].split(".")
    try:
        return int(parts[0]), int("".join(c for c in parts[1] if c.isdigit()) or 0)
    except (IndexError, ValueError):
        return (0, 0)


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point: refuse clearly outside the supported mypy range."""
    low, high = SUPPORTED_MYPY
    if not low <= _parse_version(version) < high:
        raise RuntimeError(
            f"lcel_mypy {__version__} supports mypy >={low[0]}.{low[1]},<{high[0]}.{high[1]}; "
            f"this is mypy {version}. Install a supported mypy or remove 'lcel_mypy' from "
            "the plugins of your mypy configuration."
        )
    return LcelPlugin


__all__ = ["LcelPlugin", "plugin"]
