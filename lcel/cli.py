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
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn, Protocol

import attrs

from lcel._loader import TargetError, load_runnable
from lcel._runnable import Runnable
from lcel.errors import InputValidationError, quoted

__all__ = ["CliError", "load_target", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A usage error: printed as one line, exit status 2."""


# -- loading a target ---------------------------------------------------------------------------


def load_target(target: str) -> Runnable[Any, Any]:
    """Import ``module:name`` or ``file.py:name`` and return the runnable it names."""
    try:
        return load_runnable(target, keep_path=True)  # the run may import lazily
    except TargetError as error:
        raise CliError(str(error)) from error.cause


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
    """``Type: message`` on one line, cut short (a message may quote a huge input)."""
    text = _message(error) or type(error).__name__
    return text if text.startswith(type(error).__name__) else f"{type(error).__name__}: {text}"


_MESSAGE_LIMIT = 1000


def _message(error: BaseException) -> str:
    """The error's message on one line, cut to ``_MESSAGE_LIMIT`` characters."""
    text = str(error)
    flat = " ".join(text[: _MESSAGE_LIMIT * 2].split())
    if len(text) > _MESSAGE_LIMIT * 2 or len(flat) > _MESSAGE_LIMIT:
        return flat[:_MESSAGE_LIMIT] + f"… ({len(text)} chars)"
    return flat


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
        """JSON text → data. Text that is not JSON is an error, never silently taken as a
        string: raw text goes through ``--input-text``."""
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(
                f"{origin} is not valid JSON: {error} (to pass raw text, use --input-text TEXT)"
            ) from None


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
    sources = [
        args.input is not None,
        args.input_file is not None,
        args.stdin is not None,
        args.input_text is not None,
    ]
    if sum(sources) > 1:
        raise CliError(
            "give the input once: --input JSON, --input-text TEXT, --input-file FILE, "
            "or - for stdin"
        )
    if args.stdin is not None and args.stdin != "-":
        raise CliError(
            f"unexpected argument {quoted(args.stdin)} (use - to read the input from stdin)"
        )
    if args.input is not None:
        return inp.parse(args.input, "--input")
    if args.input_text is not None:
        return args.input_text  # raw text: a JSON string, as is
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
    raise CliError(
        "no input: give --input JSON, --input-text TEXT, --input-file FILE, or - to read stdin"
    )


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


def _read_output(path: Path) -> dict[int, bool]:
    """Line number -> whether it has an output record, for the records already in ``path``.

    Drops a truncated or corrupt line (rewriting the file atomically when anything had to be
    dropped), so a crash mid-write costs that one line, which runs again.
    """
    if not path.exists():
        return {}
    raw = path.read_bytes()
    kept: list[bytes] = []
    status: dict[int, bool] = {}
    dropped = 0
    for piece in raw.split(b"\n"):
        if not piece.strip():
            continue
        parsed = _parse_record(piece)
        if parsed is None:
            dropped += 1
            continue
        line, ok = parsed
        status[line] = status.get(line, False) or ok
        kept.append(piece)
    if dropped or (raw and not raw.endswith(b"\n")):
        _replace(path, kept)
        if dropped:
            sys.stderr.write(
                f"lcel batch: dropped {dropped} incomplete line(s) from {path}; "
                "they will be run again\n"
            )
    return status


def _parse_record(piece: bytes) -> tuple[int, bool] | None:
    """(line, ok) of one output line, or None when it is not a whole result record."""
    try:
        record = json.loads(piece)
        line = record["line"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(line, int) or ("output" not in record and "error" not in record):
        return None
    return line, "output" in record


def _replace(path: Path, pieces: list[bytes]) -> None:
    """Rewrite ``path`` as these lines, atomically (a crash leaves the old or the new file)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as f:
        f.write(b"".join(k + b"\n" for k in pieces))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _compact(path: Path) -> dict[int, bool]:
    """Drop the error records a resumed run superseded (a line re-run after failing has its
    old error record and a new one); returns line -> ok for the whole file."""
    pieces = [p for p in path.read_bytes().split(b"\n") if p.strip()]
    parsed = [_parse_record(p) for p in pieces]
    last: dict[int, int] = {}  # line -> index of the record that stands
    for i, found in enumerate(parsed):
        if found is None:
            continue
        line, _ = found
        standing = last.get(line)
        if standing is None or not _ok(parsed[standing]):  # an output record stands
            last[line] = i
    keep = set(last.values())
    if len(keep) < len(pieces):
        _replace(path, [p for i, p in enumerate(pieces) if i in keep])
    return {line: _ok(parsed[i]) for line, i in last.items()}


def _ok(found: tuple[int, bool] | None) -> bool:
    return found is not None and found[1]


def _error_record(line: int, error: BaseException) -> dict[str, Any]:
    return {"line": line, "error": {"type": type(error).__name__, "message": _message(error)}}


Outcome = tuple[int, Any]
"""A line's number and what its run gave: the output, or the exception it raised."""

RunLines = Callable[[Iterator[tuple[int, Any]]], Generator[Outcome, None, None]]
"""Runs (line number, input) items and yields each line's outcome as it completes. Closing
the generator early ends the run: no new line starts."""


@attrs.frozen
class BatchWork:
    """What a runner needs to know of one ``lcel batch`` run."""

    target: str
    runnable: Runnable[Any, Any]
    config: dict[str, Any]  # from --config
    max_concurrency: int | None  # from --max-concurrency
    fail_fast: bool
    stop: threading.Event  # set at the first failure under --fail-fast: start no new line


class BatchRunner(Protocol):
    """Where the lines of ``lcel batch`` run: threads here, a Dask cluster with ``--dask``
    (lcel._dask_cli). The rest (OUTPUT never lost, --resume, reading and checking the lines,
    progress, --fail-fast, the exit status) is :class:`_Batch`'s, the same for every runner."""

    @property
    def where(self) -> str:
        """Said in the summary line, e.g. ``" on Dask"``."""
        ...

    def start(self, work: BatchWork) -> contextlib.AbstractContextManager[RunLines]:
        """Get ready (e.g. connect to a cluster) before OUTPUT is opened; an exception
        leaving the context (Ctrl-C) stops what still runs, without waiting for it."""
        ...


class _Threads:
    """Runs the lines here: a bounded window of runs on a thread pool."""

    where = ""

    @contextlib.contextmanager
    def start(self, work: BatchWork) -> Iterator[RunLines]:
        workers = int(work.max_concurrency or work.config.get("max_concurrency") or 8)
        pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lcel-batch")
        try:
            yield lambda items: _in_threads(work, pool, workers, items)
        except BaseException:
            work.stop.set()  # no worker starts another line; the running ones are left
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True, cancel_futures=True)


def _in_threads(
    work: BatchWork,
    pool: cf.ThreadPoolExecutor,
    workers: int,
    items: Iterator[tuple[int, Any]],
) -> Generator[Outcome, None, None]:
    pending: set[_Pending] = set()
    while True:
        while not work.stop.is_set() and len(pending) < workers * 2:
            item = next(items, None)
            if item is None:
                break
            pending.add(pool.submit(_run_one, work, *item))
        if not pending:
            return
        finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        outcomes = [o for f in finished if (o := f.result()) is not None]
        yield from sorted(outcomes, key=lambda o: int(o[0]))
        if work.stop.is_set():
            for fut in pending:
                fut.cancel()
            pending = {f for f in pending if not f.cancelled()}


def _run_one(work: BatchWork, n: int, value: Any) -> Outcome | None:  # Any: the input
    """Line ``n``'s outcome (None: not run, --fail-fast stopped first)."""
    if work.stop.is_set():
        return None
    try:
        return n, work.runnable.invoke(value, work.config)  # type: ignore[arg-type]
    except Exception as error:
        if work.fail_fast:
            work.stop.set()  # no worker starts another line from now on
        return n, error


_Pending = cf.Future[Outcome | None]
"""A line's outcome to come (None: the line was not run)."""


class _Batch:
    """One ``lcel batch`` run, whatever the runner: OUTPUT is never silently replaced,
    ``--resume`` runs again what is not done and compacts what it superseded, each line is
    read and checked in order, each result is one flushed JSON line written as soon as the
    runner hands it back, and the exit status is 1 while any line of OUTPUT is failed."""

    def __init__(self, args: argparse.Namespace, runner: BatchRunner) -> None:
        self.in_path, self.out_path = Path(args.input_file), Path(args.output)
        if not self.in_path.is_file():
            raise CliError(f"no such input file: {self.in_path}")
        if self.out_path.exists() and self.out_path.samefile(self.in_path):
            raise CliError(f"the output is the input file ({self.out_path}); write elsewhere")
        self.resume: bool = args.resume
        self.skip_failed: bool = args.skip_failed
        if self.resume and args.overwrite:
            raise CliError("give --resume or --overwrite, not both")
        if self.skip_failed and not self.resume:
            raise CliError("--skip-failed goes with --resume")
        if not (self.resume or args.overwrite) and _holds_results(self.out_path):
            raise CliError(f"output exists; use --resume or --overwrite ({self.out_path})")
        config = _config(args.config)
        if args.max_concurrency is not None and args.max_concurrency < 1:
            raise CliError("--max-concurrency must be at least 1")
        runnable = load_target(args.target)  # last: importing the target may be slow
        self.inp = _Input(runnable)
        self.runner = runner
        self.fail_fast: bool = args.fail_fast
        self.stop = threading.Event()  # set by the first failure under --fail-fast
        self.work = BatchWork(
            args.target, runnable, config, args.max_concurrency, self.fail_fast, self.stop
        )
        self.failures = 0
        self.stopped = False  # the --fail-fast stop is reported
        self.rejected: list[tuple[int, Exception]] = []  # bad lines read, to be written

    def lines(self) -> tuple[list[tuple[int, str]], int, int]:
        """The (line number, text) pairs to run, how many lines are skipped (done already),
        and how many of those to run are failed lines run again."""
        status = _read_output(self.out_path) if self.resume else {}
        todo: list[tuple[int, str]] = []
        skipped = retried = 0
        with self.in_path.open(encoding="utf-8") as f:
            for n, text in enumerate(f, 1):
                if not text.strip():
                    continue
                if status.get(n) or (n in status and self.skip_failed):
                    skipped += 1
                else:
                    retried += int(n in status)
                    todo.append((n, text))
        return todo, skipped, retried

    def inputs(self, todo: list[tuple[int, str]]) -> Iterator[tuple[int, Any]]:
        """Each line's input, read and checked as the runner asks for it, in order: a bad
        line is kept to be written as an error record, and under --fail-fast ends the run,
        so that no line after it is started at all."""
        for n, text in todo:
            if self.stop.is_set():
                return
            try:
                data = json.loads(text)
                problem = self.inp.problem(data)
                if problem is not None:
                    raise InputValidationError(problem)
                value = self.inp.structure(data)
            except (json.JSONDecodeError, InputValidationError) as error:
                self.rejected.append((n, error))
                if self.fail_fast:
                    self.stop.set()
                continue
            yield n, value

    def run(self) -> int:
        todo, skipped, retried = self.lines()
        if skipped or retried:
            again = f", running {retried} failed line(s) again" if retried else ""
            sys.stderr.write(f"lcel batch: resuming, {skipped} line(s) already done{again}\n")
        progress = _Progress(len(todo), sys.stderr)
        started = time.monotonic()
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        mode = "a" if self.resume else "w"
        try:
            with (
                self.runner.start(self.work) as run_lines,
                self.out_path.open(mode, encoding="utf-8") as sink,
                contextlib.closing(run_lines(self.inputs(todo))) as outcomes,
            ):
                for n, outcome in outcomes:
                    self.write_rejected(sink, progress)
                    self.write(sink, progress, n, outcome)
                self.write_rejected(sink, progress)
        except KeyboardInterrupt:
            progress.close()
            sys.stderr.write(
                f"lcel batch: interrupted; {progress.done} result(s) written to "
                f"{self.out_path}. Run again with --resume to finish.\n"
            )
            return EXIT_INTERRUPTED
        progress.close()
        still_failed = 0
        if self.resume:
            still_failed = sum(not ok for ok in _compact(self.out_path).values())
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"lcel batch: {progress.done} line(s) in {elapsed:.1f}s{self.runner.where}: "
            f"{progress.done - self.failures} ok, {self.failures} failed"
            + (f", {skipped} skipped (already done)" if skipped else "")
            + (f", {still_failed} line(s) of the output failed" if still_failed else "")
            + f" -> {self.out_path}\n"
        )
        return EXIT_FAILED if self.failures or still_failed else EXIT_OK

    def write_rejected(self, sink: IO[str], progress: _Progress) -> None:
        rejected, self.rejected = self.rejected, []
        for n, error in rejected:
            self.write(sink, progress, n, error)

    def write(self, sink: IO[str], progress: _Progress, n: int, outcome: Any) -> None:
        """Line ``n``'s record, as one write then a flush: a whole line or nothing."""
        failed = isinstance(outcome, Exception)
        record = _error_record(n, outcome) if failed else {"line": n, "output": _jsonable(outcome)}
        sink.write(json.dumps(record, ensure_ascii=False, default=_fallback_jsonable) + "\n")
        sink.flush()
        self.failures += int(failed)
        progress.update(error=failed)
        if failed and self.fail_fast and not self.stopped:
            self.stopped = True
            self.stop.set()  # a runner that has not seen it yet starts nothing more
            err = record["error"]
            sys.stderr.write(
                f"\nlcel batch: line {n} failed ({err['type']}: {err['message']}); "
                "stopping (--fail-fast)\n"
            )


def _holds_results(path: Path) -> bool:
    """Whether ``path`` is a file with something in it (a device or FIFO is written to)."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _cmd_batch(args: argparse.Namespace) -> int:
    runner: BatchRunner = _Threads()
    if getattr(args, "dask", None):
        from lcel._dask_cli import on_dask  # the dask extra is needed only here

        runner = on_dask(args.dask)
    return _Batch(args, runner).run()


# schema / graph --------------------------------------------------------------------------------


def _schema(argv: list[str]) -> int:
    """``lcel schema ...`` is ``python -m codegen ...``: the same arguments, files and exits."""
    from lcel._codegen.command import main as schema_main

    return int(schema_main(argv, prog="lcel schema"))


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
    traceback_help = "show the Python traceback when a run fails (before or after COMMAND)"
    p.add_argument("--traceback", action="store_true", help=traceback_help)
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
    run.add_argument(
        "--input-text",
        metavar="TEXT",
        help="the input, as raw text (a string, not parsed as JSON)",
    )
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
        "interrupted run loses nothing already written; --resume finishes it. An OUTPUT holding "
        "results is never replaced without --overwrite. Exit status 1 when some line of "
        "OUTPUT failed.",
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
        help="append to OUTPUT, skipping the lines it already has an output for (failed lines "
        "run again; a truncated last line is repaired)",
    )
    batch.add_argument(
        "--skip-failed",
        action="store_true",
        help="with --resume: do not run failed lines again (the exit status stays 1)",
    )
    batch.add_argument(
        "--overwrite", action="store_true", help="replace OUTPUT when it already holds results"
    )
    batch.add_argument(
        "--fail-fast",
        action="store_true",
        help="start no new line after the first failure (running lines finish and are written)",
    )
    batch.add_argument("--config", metavar="JSON", help="a RunnableConfig as JSON")
    batch.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster: its scheduler address (tcp://host:8786), or 'local' for "
        "a LocalCluster on this machine (pip install lcel[dask])",
    )
    batch.set_defaults(func=_cmd_batch)

    # Listed for --help only: main() hands `schema ...` to lcel._codegen before parsing.
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

    serve = sub.add_parser(
        "serve",
        help="serve runnables over HTTP (LangServe's protocol; needs lcel[server])",
        description="Serve each TARGET over HTTP with LangServe's endpoints (invoke, batch, "
        "stream, stream_log, stream_events, schemas, playground). TARGET names a runnable, "
        "or a mapping of paths to runnables (routes = {'/joke': chain}); a bare module or "
        "file serves its `routes` mapping.",
        epilog="Example: lcel serve examples/joke.py:chain --path /joke --port 8000",
    )
    serve.add_argument("targets", nargs="+", metavar="TARGET", help=target_help)
    serve.add_argument("--path", help="the route of a single runnable (default: /NAME)")
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any)")
    serve.add_argument("--cors-origin", action="append", metavar="ORIGIN",
                       help="allow browser calls from ORIGIN (repeat; CORS is off otherwise)")
    serve.add_argument("--log-level", default="info",
                       choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(func=_cmd_serve)
    for command in sub.choices.values():  # also after the command: `lcel run ... --traceback`
        command.add_argument(
            "--traceback", action="store_true", default=argparse.SUPPRESS, help=traceback_help
        )
    return p


def _cmd_serve(args: argparse.Namespace) -> int:
    try:
        from lcel.server._cli import ServeError, serve
    except ImportError as error:  # the server extra is missing: the message says what to install
        raise CliError(str(error)) from None
    try:
        return serve(args)
    except ServeError as error:
        raise CliError(str(error)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lcel`` console script; returns the exit status."""
    argv = list(argv) if argv is not None else sys.argv[1:]
    first = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if first is not None and argv[first] == "schema":
        before = ["--traceback"] if "--traceback" in argv[:first] else []
        return _schema([*argv[first + 1 :], *before])
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
        sys.stderr.write(f"lcel {args.command}: invalid input: {_message(error)}\n")
        return EXIT_USAGE
    except Exception as error:
        if args.traceback:
            traceback.print_exc()
        sys.stderr.write(f"lcel {args.command}: failed: {_one_line(error)}\n")
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
