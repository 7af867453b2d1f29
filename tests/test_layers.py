"""Layering (issue 13): ``lcel`` never imports the ``codegen`` package, and the CLI and
codegen share one loader for ``module:name`` / ``file.py:name`` targets."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import codegen.targets
import lcel._loader
from codegen.cli import main as codegen_main
from lcel.cli import main as lcel_main

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_in_lcel_imports_codegen() -> None:
    offenders = {
        str(path.relative_to(ROOT)): [n for n in _imports(path) if n.split(".")[0] == "codegen"]
        for path in sorted((ROOT / "lcel").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_lcel_schema_runs_without_the_codegen_package(tmp_path: Path) -> None:
    # `codegen` made unimportable: the lcel command must not need it
    script = (
        "import sys\n"
        "sys.modules['codegen'] = None\n"
        "from lcel.cli import main\n"
        f"raise SystemExit(main(['schema', {str(ROOT / 'examples' / 'joke.py')!r} + ':chain', "
        "'--stdout']))\n"
    )
    done = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["chain.input.schema.json"]["title"] == "PromptInput"


def test_python_dash_m_codegen_and_the_console_script_still_work(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    target = f"{ROOT / 'examples' / 'joke.py'}:chain"
    for cmd in (
        [sys.executable, "-m", "codegen", target, "--stdout"],
        [sys.executable, "-m", "lcel.cli", "schema", target, "--stdout"],
    ):
        done = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
            cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert "chain.output.schema.json" in json.loads(done.stdout)


def test_one_loader() -> None:
    assert codegen.targets.parse_target is lcel._loader.parse_target
    assert codegen.targets.load_module is lcel._loader.load_module
    assert issubclass(codegen.targets.CodegenError, lcel._loader.TargetError)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("nowhere/x.py:chain", "cannot import 'nowhere/x.py': no such file"),
        ("no_such_module_for_layers:chain", "cannot import 'no_such_module_for_layers'"),
        ("{file}:missing", "has no attribute 'missing'"),
        ("{file}:NOT_A_RUNNABLE", ":NOT_A_RUNNABLE is a int, not an lcel Runnable"),
        ("{file}:1x", "must look like"),
    ],
)
def test_the_cli_and_codegen_report_a_bad_target_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    module = tmp_path / "layer_targets.py"
    module.write_text(
        "from lcel import RunnableLambda\nok = RunnableLambda(str)\nNOT_A_RUNNABLE = 1\n"
    )
    text = target.format(file=module)
    assert lcel_main(["graph", text]) == 2
    cli_err = capsys.readouterr().err
    assert codegen_main([text, "--stdout"]) == 2
    codegen_err = capsys.readouterr().err
    assert message in cli_err
    assert message in codegen_err
    if "must look like" in message:
        return  # the CLI needs a name, codegen does not: their expected shapes differ
    # the same sentence after each command's prefix
    assert cli_err.split("error: ", 1)[1] == codegen_err.split("error: ", 1)[1]


def test_lookup_reaches_any_object_and_resolve_only_runnables(tmp_path: Path) -> None:
    from lcel._loader import TargetError, load_module, lookup, parse_target, resolve

    module_file = tmp_path / "lookup_targets.py"
    module_file.write_text(
        "from lcel import RunnableLambda\n"
        "class Holder:\n"
        "    chain = RunnableLambda(str)\n"
        "routes = {'/a': Holder.chain}\n"
    )
    target = parse_target(f"{module_file}:Holder.chain", need_name=True)
    module = load_module(target)
    assert resolve(target, module) is module.Holder.chain
    bare = parse_target(str(module_file))
    assert bare.name is None
    assert lookup(bare, module, "routes") == {"/a": module.Holder.chain}
    with pytest.raises(TargetError, match="has no attribute 'nope'"):
        lookup(bare, module, "nope")
    with pytest.raises(TargetError, match="is a dict, not an lcel Runnable"):
        resolve(parse_target(f"{module_file}:routes"), module)
