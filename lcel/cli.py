"""The ``lcel`` command: run, batch, schema and graph for any runnable in a module or file.

``TARGET`` is ``package.module:name`` or ``path/to/file.py:name`` (``name`` may be dotted:
``module:obj.attr``). Usage errors (a target that cannot be loaded, input that does not
match the runnable's input schema, a malformed flag) print one line on stderr and exit with
status 2; a run that fails exits with status 1 (``--traceback`` shows the Python traceback).

Examples::

    lcel run examples/joke.py:chain --input '{"topic": "bears"}' --stream
    lcel run examples/retrieval.py:chain --input '"where did harrison work?"' --events
    lcel batch examples/joke.py:chain topics.jsonl -o jokes.jsonl --max-concurrency 8
    lcel graph examples/retrieval.py:chain --format mermaid
    lcel schema examples/joke.py:chain --out schemas/
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import contextlib
import importlib
import importlib.util
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from lcel._runnable import Runnable
from lcel.errors import InputValidationError

__all__ = ["CliError", "load_target", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A usage error: printed as one line, exit status 2."""


# -- loading a target ---------------------------------------------------------------------------


def load_target(target: str) -> Runnable[Any, Any]:
    """Import ``module:name`` or ``file.py:name`` and return the runnable it names."""
    module_part, sep, attr_path = target.rpartition(":")
    if not sep or not module_part or not attr_path:
        raise CliError(
            f"target {target!r} must look like package.module:name or path/to/file.py:name"
        )
    if module_part.endswith(".py") or os.sep in module_part or "/" in module_part:
        module = _load_file(module_part)
    else:
        cwd = os.getcwd()
        if cwd not in sys.path:
            sys.path.insert(0, cwd)
        try:
            module = importlib.import_module(module_part)
        except ModuleNotFoundError as error:
            if error.name is not None and module_part.startswith(error.name):
                raise CliError(f"cannot import module {module_part!r}: {error}") from error
            raise CliError(f"importing {module_part!r} failed: {_one_line(error)}") from error
        except Exception as error:
            raise CliError(f"importing {module_part!r} failed: {_one_line(error)}") from error
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise CliError(f"{module_part!r} has no attribute {attr_path!r}") from None
    if not isinstance(obj, Runnable):
        raise CliError(
            f"{target} is a {type(obj).__name__}, not a Runnable "
            "(compose one with `|`, or wrap a function in RunnableLambda)"
        )
    return obj


def _load_file(path_text: str) -> Any:  # Any: a module object
    path = Path(path_text)
    if not path.is_file():
        raise CliError(f"no such file: {path_text}")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # the file may import its neighbours
    name = "_lcel_target_" + "".join(c if c.isalnum() else "_" for c in path.stem)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CliError(f"cannot load {path_text} as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise CliError(f"running {path_text} failed: {_one_line(error)}") from error
    return module


# -- JSON output ------------------------------------------------------------------------------


def _jsonable(value: object) -> Any:  # Any: JSON-ready data of whatever shape `value` has
    try:
        from lcel.serde import to_jsonable
    except ImportError:  # pragma: no cover - serde is part of the package
        return _fallback_jsonable(value)
    try:
        return to_jsonable(value)
    except Exception:
        return _fallback_jsonable(value)


def _fallback_jsonable(value: object) -> Any:  # Any: JSON-ready data
    import attrs

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _fallback_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_fallback_jsonable(v) for v in value]
    if attrs.has(type(value)):
        cls: Any = type(value)  # Any: an attrs class, checked by attrs.has above
        fields = attrs.fields(cls)
        return {f.name: _fallback_jsonable(getattr(value, f.name)) for f in fields}
    if isinstance(value, BaseException):
        return {"type": type(value).__name__, "message": str(value)}
    return repr(value)


def _dumps(value: object, *, indent: int | None = None) -> str:
    return json.dumps(
        _jsonable(value), ensure_ascii=False, indent=indent, default=_fallback_jsonable
    )


def _text_of(chunk: object) -> str | None:
    """The text of a text chunk (a string, or a message whose content is a string)."""
    if isinstance(chunk, str):
        return chunk
    content = getattr(chunk, "content", None)
    if isinstance(content, str) and hasattr(chunk, "type"):
        return content
    return None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return (
        f"{type(error).__name__}: {text}"
        if not str(error).startswith(type(error).__name__)
        else text
    )


# -- input ------------------------------------------------------------------------------------


class _Input:
    """Reads, validates and structures the input of a runnable."""

    def __init__(self, runnable: Runnable[Any, Any]) -> None:
        self.runnable = runnable
        self.check: Any = None  # lcel._validation.SchemaCheck, when the schema can be built
        try:
            from lcel._validation import SchemaCheck

            self.check = SchemaCheck.of(runnable.input_schema)
        except Exception:  # a runnable whose input type has no JSON form: no check
            self.check = None

    def accepts(self, data: Any) -> bool:  # Any: JSON data
        return self.check is None or bool(self.check.is_valid(data))

    def problem(self, data: Any) -> str | None:  # Any: JSON data
        """A one-line description of what is wrong with ``data``, or None."""
        if self.check is None:
            return None
        found = self.check.first_error(data)
        if found is None:
            return None
        path, rule, message = found
        if path == "$":
            field = "the input"
        else:
            field = f"field {path[2:] if path.startswith('$.') else path[1:]!r}"
        return f"{field}: {message} (rule: {rule}; expected {self.check.label})"

    def structure(self, data: Any) -> Any:  # Any: JSON data in, the runnable's input out
        try:
            from lcel._validation import structure

            return structure(data, self.runnable.input_type)
        except InputValidationError:
            raise
        except Exception:  # a type the structurer does not know: the runnable gets the JSON
            return data

    def parse(self, text: str, origin: str) -> Any:  # Any: JSON data
        """JSON text → data; plain text is taken as a string when the runnable takes one."""
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            stripped = text.rstrip("\n")
            if self.check is not None and self.accepts(stripped):
                return stripped
            raise CliError(f"{origin} is not valid JSON: {error}") from None


# -- progress ---------------------------------------------------------------------------------


class _Progress:
    """A bar with count, rate and ETA on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, total: int, stream: IO[str], *, every: float = 5.0) -> None:
        self.total = total
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.every = 0.1 if self.tty else every
        self.start = time.monotonic()
        self.last = self.start
        self.done = 0
        self.errors = 0
        if self.tty and total:
            self._show(self.start)

    def update(self, *, error: bool = False, force: bool = False) -> None:
        self.done += 1
        self.errors += int(error)
        now = time.monotonic()
        if force or now - self.last >= self.every or self.done == self.total:
            self.last = now
            self._show(now)

    def _show(self, now: float) -> None:
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 else "?"
        errs = f" {self.errors} err" if self.errors else ""
        if self.tty:
            width = 30
            filled = int(width * self.done / self.total) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {rate:.1f}/s ETA {eta}{errs} ")
        else:
            self.stream.write(
                f"lcel batch: {self.done}/{self.total} done, {rate:.1f}/s, ETA {eta}{errs}\n"
            )
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


# -- commands ---------------------------------------------------------------------------------


def _config(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"--config is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise CliError("--config must be a JSON object, e.g. '{\"max_concurrency\": 4}'")
    return value


def _read_input(args: argparse.Namespace, inp: _Input) -> Any:  # Any: JSON data
    sources = [args.input is not None, args.input_file is not None, args.stdin is not None]
    if sum(sources) > 1:
        raise CliError("give the input once: --input JSON, --input-file FILE, or - for stdin")
    if args.stdin is not None and args.stdin != "-":
        raise CliError(f"unexpected argument {args.stdin!r} (use - to read the input from stdin)")
    if args.input is not None:
        return inp.parse(args.input, "--input")
    if args.input_file is not None:
        if args.input_file == "-":
            return inp.parse(sys.stdin.read(), "stdin")
        try:
            text = Path(args.input_file).read_text(encoding="utf-8")
        except OSError as error:
            raise CliError(f"cannot read --input-file: {error}") from None
        return inp.parse(text, args.input_file)
    if args.stdin == "-":
        return inp.parse(sys.stdin.read(), "stdin")
    raise CliError("no input: give --input JSON, --input-file FILE, or - to read stdin")


def _cmd_run(args: argparse.Namespace) -> int:
    runnable = load_target(args.target)
    inp = _Input(runnable)
    data = _read_input(args, inp)
    problem = inp.problem(data)
    if problem is not None:
        raise CliError(f"invalid input for {args.target}: {problem}")
    value = inp.structure(data)
    config = _config(args.config)
    modes = [args.stream, args.events, args.log]
    if sum(modes) > 1:
        raise CliError("choose one of --stream, --events, --log")
    out = sys.stdout
    if args.events:
        method = getattr(runnable, "astream_events", None)
        if method is None:
            raise CliError("--events needs lcel.tracing (astream_events is not available)")
        stream = method(value, config, version=args.events_version, **_filters(args))
        asyncio.run(_print_async(stream, out))
        return EXIT_OK
    if args.log:
        method = getattr(runnable, "astream_log", None)
        if method is None:
            raise CliError("--log needs lcel.tracing (astream_log is not available)")
        asyncio.run(_print_async(method(value, config, **_filters(args)), out, patches=True))
        return EXIT_OK
    if args.stream:
        ended_in_text = True
        printed_any = False
        for chunk in runnable.stream(value, config):  # type: ignore[arg-type]
            text = _text_of(chunk)
            if text is not None:
                out.write(text)
                ended_in_text = text.endswith("\n") if text else ended_in_text
            else:
                if printed_any and not ended_in_text:
                    out.write("\n")
                out.write(_dumps(chunk) + "\n")
                ended_in_text = True
            printed_any = True
            out.flush()
        if printed_any and not ended_in_text:
            out.write("\n")
        out.flush()
        return EXIT_OK
    result = runnable.invoke(value, config)  # type: ignore[arg-type]
    if isinstance(result, str):
        out.write(result if result.endswith("\n") else result + "\n")
    else:
        out.write(_dumps(result, indent=2) + "\n")
    out.flush()
    return EXIT_OK


def _filters(args: argparse.Namespace) -> dict[str, list[str]]:
    return {
        key: [v for value in values for v in value.split(",") if v]
        for key in ("include_names", "include_types", "include_tags")
        if (values := getattr(args, key, None))
    }


async def _print_async(items: Any, out: IO[str], *, patches: bool = False) -> None:
    async for item in items:
        data: Any = item
        if patches and hasattr(item, "ops"):
            data = list(item.ops)
        out.write(_dumps(data) + "\n")
        out.flush()


# batch ----------------------------------------------------------------------------------------


def _read_done(path: Path) -> set[int]:
    """Line numbers already in ``path``; drops a truncated or corrupt line (rewriting the
    file atomically when anything had to be dropped)."""
    if not path.exists():
        return set()
    raw = path.read_bytes()
    kept: list[bytes] = []
    done: set[int] = set()
    dropped = 0
    for piece in raw.split(b"\n"):
        if not piece.strip():
            continue
        try:
            record = json.loads(piece)
            line = record["line"]
            if not isinstance(line, int) or ("output" not in record and "error" not in record):
                raise ValueError("not a result record")
        except (ValueError, KeyError, TypeError):
            dropped += 1
            continue
        if line in done:
            continue
        done.add(line)
        kept.append(piece)
    if dropped or (raw and not raw.endswith(b"\n")):
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as f:
            f.write(b"".join(k + b"\n" for k in kept))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        if dropped:
            sys.stderr.write(
                f"lcel batch: dropped {dropped} incomplete line(s) from {path}; "
                "they will be run again\n"
            )
    return done


def _error_record(line: int, error: BaseException) -> dict[str, Any]:
    return {"line": line, "error": {"type": type(error).__name__, "message": str(error)}}


class _Batch:
    """One ``lcel batch`` run: a bounded window of runs in threads; the main thread writes
    each result as one flushed JSON line as soon as it completes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.runnable = load_target(args.target)
        self.inp = _Input(self.runnable)
        self.config = _config(args.config)
        if args.max_concurrency is not None and args.max_concurrency < 1:
            raise CliError("--max-concurrency must be at least 1")
        self.workers = int(args.max_concurrency or self.config.get("max_concurrency") or 8)
        self.in_path, self.out_path = Path(args.input_file), Path(args.output)
        if not self.in_path.is_file():
            raise CliError(f"no such input file: {self.in_path}")
        self.resume: bool = args.resume
        self.fail_fast: bool = args.fail_fast
        self.failures = 0

    def lines(self) -> tuple[list[tuple[int, str]], int]:
        """The (line number, text) pairs to run, and how many were already done."""
        done = _read_done(self.out_path) if self.resume else set()
        todo: list[tuple[int, str]] = []
        skipped = 0
        with self.in_path.open(encoding="utf-8") as f:
            for n, text in enumerate(f, 1):
                if not text.strip():
                    continue
                if n in done:
                    skipped += 1
                else:
                    todo.append((n, text))
        return todo, skipped

    def run_one(self, n: int, text: str) -> dict[str, Any]:
        """The result record of input line ``n``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            return _error_record(n, error)
        problem = self.inp.problem(data)
        if problem is not None:
            return _error_record(n, InputValidationError(problem))
        try:
            output = self.runnable.invoke(self.inp.structure(data), self.config)  # type: ignore[arg-type]
        except Exception as error:
            return _error_record(n, error)
        return {"line": n, "output": _jsonable(output)}

    def run(self) -> int:
        todo, skipped = self.lines()
        if skipped:
            sys.stderr.write(f"lcel batch: resuming, {skipped} line(s) already done\n")
        progress = _Progress(len(todo), sys.stderr)
        started = time.monotonic()
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        with self.out_path.open("a" if self.resume else "w", encoding="utf-8") as sink:
            pool = cf.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="lcel-batch")
            try:
                self._drive(pool, iter(todo), sink, progress)
            except KeyboardInterrupt:
                progress.close()
                pool.shutdown(wait=False, cancel_futures=True)
                sys.stderr.write(
                    f"lcel batch: interrupted; {progress.done} result(s) written to "
                    f"{self.out_path}. Run again with --resume to finish.\n"
                )
                return EXIT_INTERRUPTED
            pool.shutdown(wait=True, cancel_futures=True)
        progress.close()
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"lcel batch: {progress.done} line(s) in {elapsed:.1f}s: "
            f"{progress.done - self.failures} ok, {self.failures} failed"
            + (f", {skipped} skipped (already done)" if skipped else "")
            + f" -> {self.out_path}\n"
        )
        return EXIT_FAILED if self.failures else EXIT_OK

    def _drive(
        self,
        pool: cf.ThreadPoolExecutor,
        queue: Iterator[tuple[int, str]],
        sink: IO[str],
        progress: _Progress,
    ) -> None:
        pending: set[cf.Future[dict[str, Any]]] = set()
        stop = False
        while True:
            while not stop and len(pending) < self.workers * 2:
                item = next(queue, None)
                if item is None:
                    break
                pending.add(pool.submit(self.run_one, *item))
            if not pending:
                return
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(finished, key=lambda f: int(f.result()["line"])):
                record = fut.result()
                line = json.dumps(record, ensure_ascii=False, default=_fallback_jsonable)
                sink.write(line + "\n")  # one write, then flush: a whole line or nothing
                sink.flush()
                failed = "error" in record
                self.failures += int(failed)
                progress.update(error=failed)
                if failed and self.fail_fast and not stop:
                    stop = True
                    err = record["error"]
                    sys.stderr.write(
                        f"\nlcel batch: line {record['line']} failed "
                        f"({err['type']}: {err['message']}); stopping (--fail-fast)\n"
                    )
            if stop:
                for fut in pending:
                    fut.cancel()
                pending = {f for f in pending if not f.cancelled()}


def _cmd_batch(args: argparse.Namespace) -> int:
    if getattr(args, "dask", None):
        from lcel._dask_cli import run_on_dask

        return run_on_dask(args)
    return _Batch(args).run()


# schema / graph --------------------------------------------------------------------------------


def _schema(argv: list[str]) -> int:
    """``lcel schema ...`` is ``python -m codegen ...``: the same arguments, files and exits."""
    try:
        from codegen.cli import main as codegen_main
    except ImportError as error:
        sys.stderr.write(f"lcel schema: error: the codegen package is not available ({error})\n")
        return EXIT_USAGE
    return int(codegen_main(argv, prog="lcel schema"))


def _cmd_graph(args: argparse.Namespace) -> int:
    from lcel._graph import graph_of

    graph = graph_of(load_target(args.target))
    if args.format == "mermaid":
        sys.stdout.write(graph.draw_mermaid())
    elif args.format == "json":
        sys.stdout.write(json.dumps(graph.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(
            graph.draw_ascii(charset="unicode" if args.format == "unicode" else "ascii")
        )
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    from lcel import __version__

    target_help = "the runnable: package.module:name or path/to/file.py:name"
    p = _Parser(
        prog="lcel",
        description="Run, batch, draw and export the schemas of lcel runnables.",
        epilog="Run `lcel COMMAND --help` for a command's options.",
    )
    p.add_argument("--version", action="version", version=f"lcel {__version__}")
    p.add_argument(
        "--traceback", action="store_true", help="show the Python traceback when a run fails"
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    run = sub.add_parser(
        "run",
        help="run a runnable once on one input",
        description="Run TARGET on one JSON input (validated against its input schema first) "
        "and print the output: text as is, anything else as JSON.",
        epilog='Example: lcel run examples/joke.py:chain --input \'{"topic": "bears"}\' --stream',
    )
    run.add_argument("target", metavar="TARGET", help=target_help)
    run.add_argument("stdin", nargs="?", metavar="-", help="read the JSON input from stdin")
    run.add_argument("--input", "-i", metavar="JSON", help="the input, as JSON text")
    run.add_argument("--input-file", "-f", metavar="FILE", help="read the JSON input from FILE")
    run.add_argument(
        "--config", metavar="JSON", help='a RunnableConfig as JSON, e.g. \'{"tags": ["cli"]}\''
    )
    mode = run.add_mutually_exclusive_group()
    mode.add_argument("--stream", action="store_true", help="print output chunks as they arrive")
    mode.add_argument(
        "--events", action="store_true", help="print each astream_events event as a JSON line"
    )
    mode.add_argument(
        "--log", action="store_true", help="print each astream_log patch (JSON Patch ops) as a line"
    )
    for what, meta in (("names", "NAME"), ("types", "TYPE"), ("tags", "TAG")):
        run.add_argument(
            f"--include-{what}",
            action="append",
            metavar=meta,
            help=f"with --events/--log: only runs with these {what} (repeat or comma-separate)",
        )
    run.add_argument(
        "--events-version", choices=["v1", "v2"], default="v2", help="event schema (default v2)"
    )
    run.set_defaults(func=_cmd_run)

    batch = sub.add_parser(
        "batch",
        help="run a runnable on every line of a JSONL file",
        description="Run TARGET on each JSON line of INPUT and write one JSON line per result "
        'to OUTPUT as it completes: {"line": n, "output": ...} or '
        '{"line": n, "error": {"type": ..., "message": ...}}. Every line is flushed, so an '
        "interrupted run loses nothing already written; --resume finishes it. Exit status 1 "
        "when some line failed.",
    )
    batch.add_argument("target", metavar="TARGET", help=target_help)
    batch.add_argument("input_file", metavar="INPUT.jsonl", help="one JSON input per line")
    batch.add_argument(
        "-o", "--output", required=True, metavar="OUTPUT.jsonl", help="where results go"
    )
    batch.add_argument("--max-concurrency", type=int, metavar="N", help="runs at once (default 8)")
    batch.add_argument(
        "--resume",
        action="store_true",
        help="skip lines already in OUTPUT (repairing a truncated last line) and append",
    )
    batch.add_argument("--fail-fast", action="store_true", help="stop at the first failing line")
    batch.add_argument("--config", metavar="JSON", help="a RunnableConfig as JSON")
    batch.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for "
        "a LocalCluster on this machine (pip install lcel[dask])",
    )
    batch.set_defaults(func=_cmd_batch)

    # Listed for --help only: main() hands `schema ...` to codegen before parsing.
    sub.add_parser(
        "schema",
        help="export the JSON Schemas of runnables: TARGET... --out DIR [--check] "
        "(same as python -m codegen; see lcel schema --help)",
    )

    graph = sub.add_parser(
        "graph",
        help="draw the graph of a runnable",
        description="Draw TARGET's graph: boxes in the terminal, Mermaid flowchart text, or JSON.",
    )
    graph.add_argument("target", metavar="TARGET", help=target_help)
    graph.add_argument(
        "--format",
        choices=["ascii", "unicode", "mermaid", "json"],
        default="ascii",
        help="ascii (default), unicode (box-drawing characters), mermaid or json",
    )
    graph.set_defaults(func=_cmd_graph)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lcel`` console script; returns the exit status."""
    argv = list(argv) if argv is not None else sys.argv[1:]
    first = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if first is not None and argv[first] == "schema":
        return _schema(argv[first + 1 :])
    parser = _parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra == ["-"] and getattr(args, "stdin", "") is None:
            args.stdin = "-"  # `lcel run TARGET --input-file F -`: argparse leaves a late "-"
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except CliError as error:
        sys.stderr.write(f"lcel {args.command}: error: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("lcel: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `lcel ... | head`: the reader left; say nothing more
        with contextlib.suppress(Exception):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except InputValidationError as error:  # raised by a step: still the caller's input
        if args.traceback:
            traceback.print_exc()
        sys.stderr.write(f"lcel {args.command}: invalid input: {' '.join(str(error).split())}\n")
        return EXIT_USAGE
    except Exception as error:
        if args.traceback:
            traceback.print_exc()
        sys.stderr.write(f"lcel {args.command}: failed: {_one_line(error)}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
