"""lcel.distributed on a real Dask engine: an in-process cluster for the behaviours, a
2-process cluster for a worker killed mid-batch and a module the workers lack, and the CLI
driver killed mid-batch then resumed."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from distributed import Client, LocalCluster, get_worker

from lcel import RunnableConfig, RunnableLambda
from lcel.cli import main
from lcel.distributed import (
    DaskExecutor,
    ItemFailed,
    JournalMismatchError,
    ShippingError,
)

pytestmark = pytest.mark.dask
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Workers in this process (fast; shared globals), reachable over TCP for the CLI."""
    with (
        LocalCluster(
            processes=False, n_workers=2, threads_per_worker=2, protocol="tcp://",
            host="127.0.0.1", dashboard_address=":0", silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        yield c


@pytest.fixture(scope="module")
def proc_client() -> Iterator[Client]:
    """Two worker processes (one thread each), each a process that can die; closed (and
    its processes ended) when the module's tests are done."""
    with (
        LocalCluster(
            processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1",
            dashboard_address=":0", silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as c,
    ):  # fmt: skip
        yield c


# -- functions the workers run (this module is importable on them) --------------------------------


def double(x: int) -> int:
    return x * 2


class Odd(Exception):
    """A user's exception type: it must come back as itself."""


class Unpicklable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.lock = threading.Lock()


def picky(x: int) -> int:
    if x == 3:
        raise Unpicklable("three holds a lock")
    if x % 2:
        raise Odd(f"{x} is odd")
    return x


CALLS: list[Any] = []
CALLS_LOCK = threading.Lock()


def counted(x: Any) -> Any:
    with CALLS_LOCK:
        CALLS.append(x)
    return x


RUNNING = {"now": 0, "peak": 0}


def busy(x: int) -> int:
    with CALLS_LOCK:
        RUNNING["now"] += 1
        RUNNING["peak"] = max(RUNNING["peak"], RUNNING["now"])
    time.sleep(0.02)
    with CALLS_LOCK:
        RUNNING["now"] -= 1
    return x


async def aplus(x: int) -> dict[str, Any]:
    await asyncio.sleep(0.001)
    return {
        "out": x + 1,
        "own_loop": asyncio.get_running_loop() is not get_worker().loop.asyncio_loop,
    }


def tagged(x: int, config: RunnableConfig) -> str:
    return f"{x}:{config.get('metadata', {}).get('who')}"


def logged(item: dict[str, Any]) -> int:
    """Append start/end lines to a log, so a test can tell which process ran what. The first
    run of a ``trap`` item hangs (until its worker is killed); a run again is quick."""
    log = Path(item["log"])
    first = f"start {item['i']} " not in (log.read_text() if log.exists() else "")
    with log.open("a") as f:
        f.write(f"start {item['i']} {os.getpid()}\n")
    time.sleep(120 if item.get("trap") and first else 0.2)
    with log.open("a") as f:
        f.write(f"end {item['i']} {os.getpid()}\n")
    return int(item["i"]) * 10


# -- results --------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_size", [1, 3, None])
def test_batch_matches_local_batch_in_input_order(client: Client, chunk_size: int | None) -> None:
    r = RunnableLambda(double) | (lambda y: y + 1)
    inputs = list(range(23))
    assert DaskExecutor(client, chunk_size=chunk_size).batch(r, inputs) == r.batch(inputs)


def test_empty_batch(client: Client) -> None:
    assert DaskExecutor(client).batch(RunnableLambda(double), []) == []
    assert list(DaskExecutor(client).batch_as_completed(RunnableLambda(double), [])) == []


def test_batch_as_completed_answers_every_index_once(client: Client) -> None:
    executor = DaskExecutor(client, chunk_size=4)
    pairs = list(executor.batch_as_completed(RunnableLambda(double), list(range(30))))
    assert sorted(i for i, _ in pairs) == list(range(30))
    assert all(out == 2 * i for i, out in pairs)


def test_equal_inputs_run_every_time(client: Client) -> None:
    CALLS.clear()
    executor = DaskExecutor(client, chunk_size=2)
    assert executor.batch(RunnableLambda(counted), ["same"] * 6) == ["same"] * 6
    assert executor.batch(RunnableLambda(counted), ["same"] * 6) == ["same"] * 6
    assert len(CALLS) == 12  # pure=False: nothing is cached by key


def test_return_exceptions_keeps_each_items_exception_type(client: Client) -> None:
    outs = DaskExecutor(client, chunk_size=2).batch(
        RunnableLambda(picky), [0, 1, 2, 3, 4], return_exceptions=True
    )
    assert outs[0] == 0
    assert outs[2] == 2
    assert outs[4] == 4
    assert isinstance(outs[1], Odd)
    assert str(outs[1]) == "1 is odd"
    assert isinstance(outs[3], ItemFailed)  # could not be pickled back: type name and message
    assert outs[3].type_name == "Unpicklable"
    assert "three holds a lock" in str(outs[3])


def test_without_return_exceptions_the_first_error_is_raised_as_itself(client: Client) -> None:
    with pytest.raises(Odd, match="1 is odd"):
        DaskExecutor(client, chunk_size=1).batch(RunnableLambda(picky), [0, 1, 2])


def test_per_input_configs_reach_their_items(client: Client) -> None:
    configs: list[RunnableConfig] = [{"metadata": {"who": f"w{i}"}} for i in range(5)]
    outs = DaskExecutor(client, chunk_size=2).batch(RunnableLambda(tagged), list(range(5)), configs)
    assert outs == [f"{i}:w{i}" for i in range(5)]
    with pytest.raises(ValueError, match="2 configs for 5 inputs"):
        DaskExecutor(client).batch(RunnableLambda(tagged), list(range(5)), configs[:2])


def test_async_runnable_runs_in_its_own_loop_not_the_workers(client: Client) -> None:
    outs = DaskExecutor(client, chunk_size=3).batch(RunnableLambda(aplus), list(range(7)))
    assert [o["out"] for o in outs] == list(range(1, 8))
    assert all(o["own_loop"] for o in outs)


# -- concurrency ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "flight", "bound"),
    [(4, 2, 4), (3, 4, 3), (5, 2, 4)],  # in-flight chunks x items per chunk <= max_concurrency
)
def test_max_concurrency_bounds_the_whole_cluster(
    client: Client, limit: int, flight: int, bound: int
) -> None:
    RUNNING["peak"] = 0
    executor = DaskExecutor(client, chunk_size=8, max_in_flight=flight)
    assert executor._window(limit)[0] * (executor._window(limit)[1] or 0) == bound
    outs = executor.batch(RunnableLambda(busy), list(range(48)), {"max_concurrency": limit})
    assert outs == list(range(48))
    assert 1 < RUNNING["peak"] <= bound


# -- shipping -------------------------------------------------------------------------------------


def test_a_lock_in_a_closure_fails_fast_naming_the_leaf(client: Client) -> None:
    lock = threading.Lock()

    def guarded(x: int) -> int:
        with lock:
            return x

    chain = RunnableLambda(double) | RunnableLambda(guarded)
    with pytest.raises(ShippingError) as caught:
        DaskExecutor(client).batch(chain, [1, 2])
    assert caught.value.path == "RunnableSequence.steps[1].func <closure 'lock'>"
    assert "lock" in str(caught.value)
    assert "cannot be pickled" in str(caught.value)


def test_a_live_resource_in_the_config_is_named(client: Client) -> None:
    with socket.socket() as sock, pytest.raises(ShippingError) as caught:
        DaskExecutor(client).batch(RunnableLambda(double), [1], {"metadata": {"sink": sock}})
    assert caught.value.path == "config['metadata']['sink']"
    assert "socket" in str(caught.value)


def test_unpickled_lambdas_keep_their_kind() -> None:
    import pickle

    async def plus(x: int) -> int:
        return x + 1

    assert pickle.loads(pickle.dumps(RunnableLambda(double))).invoke(2) == 4
    import cloudpickle

    assert cloudpickle.loads(cloudpickle.dumps(RunnableLambda(plus))).invoke(2) == 3


# -- the executor value ---------------------------------------------------------------------------


def test_executor_is_a_checked_frozen_value(client: Client) -> None:
    executor = DaskExecutor(client, chunk_size=8, max_in_flight=2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        executor.chunk_size = 1  # type: ignore[misc]
    where = client.scheduler.address
    assert repr(executor) == f"DaskExecutor({where}, chunk_size=8, max_in_flight=2)"
    with pytest.raises(ValueError, match="chunk_size must be a positive int, got 0"):
        DaskExecutor(client, chunk_size=0)
    with pytest.raises(TypeError, match=r"needs a distributed\.Client, got str"):
        DaskExecutor("tcp://x:8786")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes a Runnable first"):
        executor.batch(double, [1])  # type: ignore[arg-type]


def test_import_without_the_extra_names_it() -> None:
    code = "import sys; sys.modules['distributed'] = None; import lcel.distributed"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr
    assert "pip install lcel[dask]" in proc.stderr


def test_cli_without_the_extra_runs_locally_and_names_it_for_dask(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text("1\n")
    code = (
        "import sys; sys.modules['distributed'] = sys.modules['cloudpickle'] = None\n"
        "from lcel.cli import main\n"
        "args = ['batch', 'lcel_target.py:chain', 'in.jsonl', '-o', 'out.jsonl']\n"
        "print(main([*args, '--dask', 'local']), main(args))\n"
        "print('distributed' in sys.modules and sys.modules['distributed'] is not None)\n"
    )
    (tmp_path / "lcel_target.py").write_text(TARGET.replace("time.sleep(0.2)", "pass"))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.stdout.split() == ["2", "0", "False"], proc.stderr
    assert "pip install lcel[dask]" in proc.stderr
    assert list(_records(tmp_path / "out.jsonl")) == [{"line": 1, "output": 2}]


# -- the journal ----------------------------------------------------------------------------------


def test_journal_resumes_with_nothing_lost_or_doubled(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    inputs = [*range(10), "s", (1, 2)]  # JSON outputs, and a tuple that must stay a tuple
    executor = DaskExecutor(client, chunk_size=2, journal=journal)
    CALLS.clear()
    first = executor.batch_as_completed(RunnableLambda(counted), inputs)
    seen = [next(first) for _ in range(4)]
    first.close()  # the driver stops here (cancelling what was still out)
    recorded = journal.read_text().splitlines()
    assert len(recorded) >= 4  # each output is on disk before the caller sees it
    with journal.open("a") as f:
        f.write('{"i": 9, "key": "torn')  # died mid-write: dropped and run again
    CALLS.clear()
    assert executor.batch(RunnableLambda(counted), inputs) == inputs
    assert isinstance(executor.batch(RunnableLambda(counted), inputs)[-1], tuple)
    done_first = {json.loads(line)["i"] for line in recorded}
    assert {i for i, _ in seen} <= done_first
    rerun = sorted(str(inputs[i]) for i in range(12) if i not in done_first)
    assert sorted(map(str, CALLS)) == rerun
    indices = [json.loads(line)["i"] for line in journal.read_text().splitlines()]
    assert sorted(indices) == list(range(12))  # every item once, the torn line gone


def test_journal_of_other_inputs_is_refused(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    DaskExecutor(client, journal=journal).batch(RunnableLambda(double), [1, 2, 3])
    with pytest.raises(JournalMismatchError, match="another batch"):
        DaskExecutor(client, journal=journal).batch(RunnableLambda(double), [1, 5, 3])


def test_failed_items_are_not_journaled_and_run_again(client: Client, tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    executor = DaskExecutor(client, journal=journal)
    outs = executor.batch(RunnableLambda(picky), [0, 1, 2], return_exceptions=True)
    assert isinstance(outs[1], Odd)
    assert [json.loads(line)["i"] for line in journal.read_text().splitlines()] == [0, 2] or [
        json.loads(line)["i"] for line in journal.read_text().splitlines()
    ] == [2, 0]
    CALLS.clear()
    executor.batch(RunnableLambda(counted), [0, 1, 2], return_exceptions=True)
    assert CALLS == [1]


# -- faults on a 2-process cluster ----------------------------------------------------------------


def test_a_module_missing_on_the_workers_is_an_ordinary_error(
    proc_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "driver_only_mod.py").write_text("def shout(x):\n    return str(x).upper()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "driver_only_mod", raising=False)
    module = importlib.import_module("driver_only_mod")
    try:
        chain = RunnableLambda(module.shout)
        assert chain.invoke("a") == "A"  # the driver has the module; the workers do not
        executor = DaskExecutor(proc_client, chunk_size=2)
        with pytest.raises(ModuleNotFoundError, match="driver_only_mod"):
            executor.batch(chain, ["a", "b", "c"])
        outs = executor.batch(chain, ["a", "b", "c"], return_exceptions=True)
        assert all(isinstance(o, ModuleNotFoundError) for o in outs)
    finally:
        sys.modules.pop("driver_only_mod", None)


def _log(path: Path) -> list[tuple[str, int, int]]:
    if not path.exists():
        return []
    return [
        (kind, int(i), int(pid))
        for kind, i, pid in (line.split() for line in path.read_text().splitlines() if line)
    ]


def test_a_worker_killed_mid_batch_still_answers_every_item_once(
    proc_client: Client, tmp_path: Path
) -> None:
    log = tmp_path / "log.txt"
    inputs = [{"i": i, "log": str(log), "trap": i == 0} for i in range(16)]
    executor = DaskExecutor(proc_client, chunk_size=2, max_in_flight=2)
    killed: list[int] = []

    def kill_the_worker_running_item_0() -> None:  # it hangs there until killed
        killed.append(_pid_running(log, 0))
        os.kill(killed[0], signal.SIGKILL)

    killer = threading.Thread(target=kill_the_worker_running_item_0)
    killer.start()
    answers = list(executor.batch_as_completed(RunnableLambda(logged), inputs))
    killer.join()
    victim = killed[0]
    assert sorted(i for i, _ in answers) == list(range(16))  # every item exactly once
    assert all(out == i * 10 for i, out in answers)
    events = _log(log)
    assert ("end", 0, victim) not in events
    assert any(kind == "end" and i == 0 and pid != victim for kind, i, pid in events)


def _pid_running(log: Path, index: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for kind, i, pid in _log(log):
            if kind == "start" and i == index:
                return pid
        time.sleep(0.01)
    raise AssertionError(f"item {index} never started")


# -- the CLI --------------------------------------------------------------------------------------

TARGET = """\
import time
from lcel import RunnableLambda


def slow_double(x: int) -> int:
    time.sleep(0.2)
    if x == 13:
        raise ValueError("unlucky")
    return x * 2


chain = RunnableLambda(slow_double)
"""


def _cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "lcel.cli", "batch", *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _records(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text().splitlines():
        yield json.loads(line)


def test_cli_driver_killed_then_resumed_answers_every_line_once(
    client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "target.py").write_text(TARGET)  # a file target: the workers cannot import it
    (tmp_path / "in.jsonl").write_text("".join(f"{i}\n" for i in range(1, 61)))
    out = tmp_path / "out.jsonl"
    args = ("target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", client.scheduler.address)
    driver = _cli(*args, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while driver.poll() is None and time.monotonic() < deadline:
        if out.exists() and out.read_text().count("\n") >= 8:
            break
        time.sleep(0.02)
    assert driver.poll() is None, driver.communicate()[1]
    driver.send_signal(signal.SIGKILL)
    driver.communicate()
    written = out.read_text().count("\n")
    assert 8 <= written < 60
    whole = [x for x in out.read_text().splitlines(keepends=True) if x.endswith("\n")]
    failed = sum("error" in json.loads(x) for x in whole)  # line 13, if its chunk came back
    with out.open("a") as f:
        f.write('{"line": 60, "outp')  # as if the kill had come mid-write
    monkeypatch.chdir(tmp_path)
    assert main(["batch", *args, "--resume"]) == 1  # line 13 fails
    err = capsys.readouterr().err
    again = f", running {failed} failed line(s) again" if failed else ""
    assert f"resuming, {written - failed} line(s) already done{again}\n" in err
    records = list(_records(out))
    assert sorted(r["line"] for r in records) == list(range(1, 61))  # each line exactly once
    for r in records:
        if r["line"] == 13:
            assert r["error"] == {"type": "ValueError", "message": "unlucky"}
        else:
            assert r["output"] == 2 * r["line"]


def test_cli_dask_local_runs_a_local_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "local_target.py").write_text(TARGET.replace("time.sleep(0.2)", "pass"))
    (tmp_path / "in.jsonl").write_text('1\n"not a number"\n3\n')
    monkeypatch.chdir(tmp_path)
    args = ["batch", "local_target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", "local"]
    status = main(args)
    err = capsys.readouterr().err
    assert status == 1, err
    records = sorted(_records(tmp_path / "out.jsonl"), key=lambda r: r["line"])
    assert records[0] == {"line": 1, "output": 2}
    assert records[1]["line"] == 2
    assert records[1]["error"]["type"] == "InputValidationError"
    assert records[2] == {"line": 3, "output": 6}
    assert "on Dask: 2 ok, 1 failed" in err


def test_cli_unreachable_scheduler_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad_target.py").write_text(TARGET)
    (tmp_path / "in.jsonl").write_text("1\n")
    monkeypatch.chdir(tmp_path)
    args = ["batch", "bad_target.py:chain", "in.jsonl", "-o", "o.jsonl", "--dask", "nowhere://x"]
    assert main(args) == 2
    assert "cannot reach the Dask scheduler at 'nowhere://x'" in capsys.readouterr().err


def test_cli_dask_refuses_an_output_holding_results(
    client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "refuse_target.py").write_text(TARGET.replace("time.sleep(0.2)", "pass"))
    (tmp_path / "in.jsonl").write_text("1\n2\n")
    out = tmp_path / "out.jsonl"
    finished = '{"line": 1, "output": -1}\n{"line": 2, "output": -2}\n'
    out.write_text(finished)
    monkeypatch.chdir(tmp_path)
    args = ["batch", "refuse_target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", "local"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "output exists; use --resume or --overwrite" in err
    assert out.read_text() == finished  # nothing lost
    assert main([*args, "--resume", "--overwrite"]) == 2
    assert out.read_text() == finished
    args[-1] = client.scheduler.address  # a running cluster, to be quick
    assert main([*args, "--overwrite"]) == 0  # the user asked for it
    assert sorted(_records(out), key=lambda r: r["line"]) == [
        {"line": 1, "output": 2},
        {"line": 2, "output": 4},
    ]


def test_cli_dask_resume_runs_failed_lines_again_and_exits_1_while_one_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "resume_target.py").write_text(TARGET.replace("time.sleep(0.2)", "pass"))
    (tmp_path / "in.jsonl").write_text("1\n2\n13\n4\n")
    out = tmp_path / "out.jsonl"
    out.write_text(
        '{"line": 1, "output": -1}\n'  # done, with a sentinel: a run again would show
        '{"line": 2, "error": {"type": "TimeoutError", "message": "flaky"}}\n'
        '{"line": 3, "error": {"type": "ValueError", "message": "old"}}\n'
    )
    monkeypatch.chdir(tmp_path)
    args = ["batch", "resume_target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", "local"]
    status = main([*args, "--resume"])
    err = capsys.readouterr().err
    assert status == 1, err  # line 3 (13) fails again
    assert "resuming, 1 line(s) already done, running 2 failed line(s) again" in err
    summary = "on Dask: 2 ok, 1 failed, 1 skipped (already done), 1 line(s) of the output failed"
    assert summary in err
    records = list(_records(out))
    assert sorted(r["line"] for r in records) == [1, 2, 3, 4]  # superseded errors compacted
    assert {r["line"]: r for r in records} == {
        1: {"line": 1, "output": -1},
        2: {"line": 2, "output": 4},
        3: {"line": 3, "error": {"type": "ValueError", "message": "unlucky"}},
        4: {"line": 4, "output": 8},
    }


FAIL_FAST_TARGET = """
import time

from lcel import RunnableLambda


def fail_or_wait(x: int) -> int:
    if x == 1:
        raise ValueError("one fails at once")
    time.sleep(0.5)
    return x


chain = RunnableLambda(fail_or_wait)
"""


def test_cli_dask_fail_fast_stops_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ff_target.py").write_text(FAIL_FAST_TARGET)
    n = 200
    (tmp_path / "in.jsonl").write_text("".join(f"{i}\n" for i in range(1, n + 1)))
    monkeypatch.chdir(tmp_path)
    args = ["batch", "ff_target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", "local"]
    status = main([*args, "--fail-fast"])
    err = capsys.readouterr().err
    assert status == 1, err
    assert "line 1 failed (ValueError: one fails at once); stopping (--fail-fast)" in err
    got = {r["line"]: r for r in _records(tmp_path / "out.jsonl")}
    assert got[1]["error"]["type"] == "ValueError"
    assert len(got) < n // 2  # about the first window of chunks at most, not every line
    assert all(got[i] == {"line": i, "output": i} for i in got if i != 1)


def test_cli_dask_fail_fast_on_a_bad_line_runs_nothing(
    client: Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On Dask every line is read before anything is submitted: a bad line under --fail-fast
    stops the run before it starts (the lines before it run on --resume)."""
    (tmp_path / "ff_bad_target.py").write_text(FAIL_FAST_TARGET)
    (tmp_path / "in.jsonl").write_text('2\n3\n{not json\n"four"\n5\n')
    out = tmp_path / "out.jsonl"
    monkeypatch.chdir(tmp_path)
    where = client.scheduler.address  # a running cluster: this case needs none of its own
    args = ["batch", "ff_bad_target.py:chain", "in.jsonl", "-o", "out.jsonl", "--dask", where]
    assert main([*args, "--fail-fast"]) == 1
    err = capsys.readouterr().err
    assert "line 3 failed (JSONDecodeError" in err
    assert [r["line"] for r in _records(out)] == [3]
    # without --fail-fast every line is answered; the bad ones are error records
    assert main([*args, "--resume"]) == 1
    got = {r["line"]: r for r in _records(out)}
    assert sorted(got) == [1, 2, 3, 4, 5]
    assert got[4]["error"]["type"] == "InputValidationError"
    assert [got[i]["output"] for i in (1, 2, 5)] == [2, 3, 5]


# -- the benchmark script --------------------------------------------------------------------------


def test_benchmark_measures_both_workloads_on_the_cluster_and_locally(client: Client) -> None:
    from benchmarks.dask_cluster import markdown, measure

    report = measure(client, trivial_n=300, io_n=20, repeat=1)
    assert report["trivial"]["items"] == 300
    assert report["io"]["ideal_s"] == pytest.approx(20 * 0.010 / 50)
    for key in ("dask_s", "local_s"):
        assert report["trivial"][key] > 0
        assert report["io"][key] >= report["io"]["ideal_s"]
    table = markdown(report)
    assert "300 trivial items" in table
    assert "20 x 10 ms I/O, concurrency 50" in table


def _refuse_to_load() -> None:
    raise RuntimeError("this output cannot be unpickled here")


class NoLoad:
    """An output that pickles on the worker but cannot be unpickled on the driver."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_refuse_to_load, ())


def no_load(x: int) -> Any:
    return NoLoad() if x == 1 else x


def test_an_output_the_driver_cannot_load_is_an_error_not_a_hang(client: Client) -> None:
    executor = DaskExecutor(client, chunk_size=1)
    outs = executor.batch(RunnableLambda(no_load), [0, 1, 2], return_exceptions=True)
    assert outs[0] == 0
    assert outs[2] == 2
    assert isinstance(outs[1], Exception)
    assert "cannot be unpickled here" in str(outs[1])
