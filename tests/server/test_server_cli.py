"""``lcel serve`` in a real process: start, call over HTTP, stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="lcel serve needs the server extra")

import httpx

from lcel.cli import main

ROOT = Path(__file__).resolve().parents[2]

APP = '''
from lcel import RunnableLambda

def shout(text: str) -> str:
    return text.upper()

def count(text: str) -> int:
    return len(text)

shout_chain = RunnableLambda(shout)
routes = {"/shout": shout_chain, "/count": RunnableLambda(count)}
not_a_runnable = 3
'''


@pytest.fixture(autouse=True)
def _forget_loaded_files() -> Iterator[None]:
    """``main([...])`` loads the test's ``app.py`` in this process as module ``app``, as
    ``python app.py`` would; forget it after the test, so later tests see no ``app``."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


@contextmanager
def lcel_serve(*args: str) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lcel.cli", "serve", *args, "--port", "0", "--log-level",
         "warning"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("lcel: serving on http://127.0.0.1:"), (
            first, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        yield first.split()[-1]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 130, err  # Ctrl-C: the CLI's "interrupted" status
    assert "Traceback" not in err


def test_serve_one_runnable_at_a_path(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    with lcel_serve(f"{tmp_path / 'app.py'}:shout_chain", "--path", "/loud") as url:
        r = httpx.post(f"{url}/loud/invoke", json={"input": "hi"}, timeout=30)
        assert r.json()["output"] == "HI"


def test_serve_a_routes_mapping_and_several_targets(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    with lcel_serve(str(tmp_path / "app.py")) as url:
        assert httpx.post(f"{url}/shout/invoke", json={"input": "a"}).json()["output"] == "A"
        assert httpx.post(f"{url}/count/invoke", json={"input": "abc"}).json()["output"] == 3
    with lcel_serve(f"{tmp_path / 'app.py'}:shout_chain", "examples/joke.py:chain") as url:
        assert httpx.post(f"{url}/shout_chain/invoke", json={"input": "b"}).json()["output"] == "B"
        r = httpx.post(f"{url}/chain/invoke", json={"input": {"topic": "bears"}}, timeout=30)
        assert "bear" in r.json()["output"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{app}:not_a_runnable"], "not a Runnable"),
        (["{app}:missing"], "no attribute"),
        (["{app}:shout_chain", "{app}:routes", "--path", "/x"], "--path"),
        (["{app}:routes", "{app}:routes"], "two targets"),
        (["nope/none.py:x"], "no such file"),
        (["bad target!"], "bad target 'bad target!': must look like"),  # the shared loader's
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (tmp_path / "app.py").write_text(APP)
    argv = ["serve", *(a.format(app=tmp_path / "app.py") for a in args), "--port", "0"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
