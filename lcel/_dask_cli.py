"""``lcel batch --dask ADDRESS``: the batch command's work handed to a Dask cluster.

The driver reads and validates the input lines, ships the runnable once (a target given as a
file is pickled *by value*, with the modules beside it, since the workers cannot import it),
and writes each result to OUTPUT as one flushed JSON line as soon as its chunk comes back.
OUTPUT is the journal: a driver killed at any point leaves whole lines (a torn last line is
dropped on ``--resume``), and ``--resume`` submits only the lines not in it, so every input
line ends up in OUTPUT exactly once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lcel.errors import InputValidationError

__all__ = ["run_on_dask"]


def run_on_dask(args: argparse.Namespace) -> int:
    """Run ``lcel batch`` on the cluster named by ``args.dask``; returns the exit status."""
    from lcel import cli

    try:
        from lcel.distributed import DaskExecutor
    except ImportError as error:
        raise cli.CliError(str(error)) from None
    runnable = cli.load_target(args.target)
    _ship_by_value(args.target)
    inp = cli._Input(runnable)
    config = cli._config(args.config)
    if args.max_concurrency is not None:
        if args.max_concurrency < 1:
            raise cli.CliError("--max-concurrency must be at least 1")
        config["max_concurrency"] = args.max_concurrency
    in_path, out_path = Path(args.input_file), Path(args.output)
    if not in_path.is_file():
        raise cli.CliError(f"no such input file: {in_path}")
    done = _done_lines(out_path) if args.resume else set()
    lines, values, bad, skipped = _read_lines(in_path, done, inp)
    if skipped:
        sys.stderr.write(f"lcel batch: resuming, {skipped} line(s) already done\n")
    progress = cli._Progress(len(lines) + len(bad), sys.stderr)
    started = time.monotonic()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(args.dask, cli.CliError) as client, out_path.open(
        "a" if args.resume else "w", encoding="utf-8"
    ) as sink:
        try:
            for n, problem in bad:
                _write(sink, {"line": n, "error": _error(problem)})
                progress.update(error=True)
                if args.fail_fast:
                    return _stop(n, problem, progress)
            run_config: Any = config  # Any: JSON from --config, checked by the run itself
            items = DaskExecutor(client).batch_as_completed(
                runnable, values, run_config, return_exceptions=True
            )
            stopped = _drain(items, lines, sink, progress, fail_fast=args.fail_fast)
            if stopped is not None:
                return stopped
        except KeyboardInterrupt:
            progress.close()
            sys.stderr.write(
                f"lcel batch: interrupted; {progress.done} result(s) written to {out_path}. "
                "Run again with --resume to finish.\n"
            )
            return cli.EXIT_INTERRUPTED
    progress.close()
    failures = progress.errors
    sys.stderr.write(
        f"lcel batch: {progress.done} line(s) in {time.monotonic() - started:.1f}s on Dask: "
        f"{progress.done - failures} ok, {failures} failed"
        + (f", {skipped} skipped (already done)" if skipped else "")
        + f" -> {out_path}\n"
    )
    return cli.EXIT_FAILED if failures else cli.EXIT_OK


def _drain(
    items: Iterator[tuple[int, Any]],
    lines: list[int],
    sink: IO[str],
    progress: Any,  # Any: lcel.cli._Progress
    *,
    fail_fast: bool,
) -> int | None:
    """Write each result as it comes; the exit status when --fail-fast stops the run."""
    from lcel import cli

    try:
        for k, output in items:
            failed = isinstance(output, Exception)
            record: dict[str, Any] = {"line": lines[k]}
            if failed:
                record["error"] = _error(output)
            else:
                record["output"] = cli._jsonable(output)
            _write(sink, record)
            progress.update(error=failed)
            if failed and fail_fast:
                return _stop(lines[k], output, progress)
    finally:
        close = getattr(items, "close", None)  # a generator: closing cancels chunks still out
        if close is not None:
            close()
    return None


def _stop(n: int, error: BaseException, progress: Any) -> int:
    from lcel import cli

    progress.close()
    sys.stderr.write(f"lcel batch: line {n} failed ({_one_line(error)}); stopping (--fail-fast)\n")
    return cli.EXIT_FAILED


def _one_line(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def _error(error: BaseException) -> dict[str, str]:
    return {"type": type(error).__name__, "message": str(error)}


def _write(sink: IO[str], record: dict[str, Any]) -> None:
    from lcel import cli

    line = json.dumps(record, ensure_ascii=False, default=cli._fallback_jsonable)
    sink.write(line + "\n")  # one write, then flush: a whole line or nothing
    sink.flush()


def _read_lines(
    path: Path, done: set[int], inp: Any
) -> tuple[list[int], list[Any], list[tuple[int, Exception]], int]:
    """(line numbers to run, their structured inputs, lines that failed to parse, skipped)."""
    lines: list[int] = []
    values: list[Any] = []
    bad: list[tuple[int, Exception]] = []
    skipped = 0
    with path.open(encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            if not text.strip():
                continue
            if n in done:
                skipped += 1
                continue
            try:
                data = json.loads(text)
                problem = inp.problem(data)
                if problem is not None:
                    raise InputValidationError(problem)
                value = inp.structure(data)
            except (json.JSONDecodeError, InputValidationError) as error:
                bad.append((n, error))
                continue
            lines.append(n)
            values.append(value)
    return lines, values, bad, skipped


def _done_lines(path: Path) -> set[int]:
    """Line numbers OUTPUT already answers; a torn or foreign line is dropped (the file is
    rewritten atomically), so it runs again instead of being counted."""
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
            valid = isinstance(line, int) and ("output" in record or "error" in record)
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            dropped += 1
        elif line not in done:
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


def _ship_by_value(target: str) -> None:
    """A file target and its neighbours exist only here: cloudpickle sends them by value."""
    import cloudpickle

    module_part = target.rpartition(":")[0]
    if not (module_part.endswith(".py") or "/" in module_part or os.sep in module_part):
        return  # an importable module: the workers import it too
    folder = Path(module_part).resolve().parent
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and not file.endswith("__init__.py") and Path(file).resolve().parent == folder:
            cloudpickle.register_pickle_by_value(module)


@contextlib.contextmanager
def _connect(address: str, usage_error: type[Exception]) -> Iterator[Any]:
    """A client of the scheduler at ``address``, or of a LocalCluster for ``local``."""
    import distributed

    dask: Any = distributed  # Any: Client and LocalCluster are untyped
    if address == "local":
        with (
            dask.LocalCluster(dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
            dask.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = dask.Client(address, timeout=10)
    except Exception as error:
        raise usage_error(
            f"cannot reach the Dask scheduler at {address!r} ({_one_line(error)}); "
            "give its address (tcp://host:8786) or 'local'"
        ) from None
    with client:
        yield client
