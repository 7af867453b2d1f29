"""``python -m codegen`` end to end, in a temporary directory with example modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.bundle import iter_nodes
from codegen.cli import main
from codegen.targets import CodegenError, parse_target

REPO = Path(__file__).resolve().parents[1]

JOKES = """
from lcel import RunnableLambda, RunnableParallel
from lcel.models import FakeListChatModel
from lcel.parsers import StrOutputParser
from lcel.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")
model = FakeListChatModel(responses=["ha"])
chain = prompt | model
text = chain | StrOutputParser()
both = RunnableParallel({"joke": chain, "text": text})
_private = prompt
NOT_A_RUNNABLE = 3
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run in ``tmp_path``; forget the modules a test imported."""
    monkeypatch.chdir(tmp_path)
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def read_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(directory: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (p.read_text(), p.stat().st_mtime_ns) for p in sorted(directory.iterdir())}


# -- writing -------------------------------------------------------------------------------------


def test_writes_schemas_and_bundle_for_every_module_level_runnable(tmp_path: Path) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "schemas"]) == 0
    out = tmp_path / "schemas"
    names = sorted(p.name for p in out.iterdir())
    runnables = ["both", "chain", "model", "prompt", "text"]
    assert names == sorted(
        [f"{n}.{kind}.schema.json" for n in runnables for kind in ("input", "output")]
        + ["jokes.bundle.json"]
    )
    chain_input = read_json(out / "chain.input.schema.json")
    assert chain_input == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "PromptInput",
        "type": "object",
        "properties": {"topic": {"title": "Topic", "type": "string"}},
        "required": ["topic"],
    }
    text = (out / "chain.output.schema.json").read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"
    model_input = read_json(out / "model.input.schema.json")
    assert isinstance(model_input, dict)
    assert model_input["title"] == "FakeListChatModelInput"
    assert {"type": "string"} in model_input["anyOf"]


def test_bundle_lists_runnables_schema_refs_and_node_run_types(tmp_path: Path) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "out"]) == 0
    bundle = read_json(tmp_path / "out" / "jokes.bundle.json")
    assert isinstance(bundle, dict)
    assert bundle["module"] == "jokes.py"
    by_name = {r["name"]: r for r in bundle["runnables"]}
    assert list(by_name) == ["both", "chain", "model", "prompt", "text"]
    chain = by_name["chain"]
    assert chain["input_schema"] == {"$ref": "chain.input.schema.json", "title": "PromptInput"}
    assert chain["output_schema"]["$ref"] == "chain.output.schema.json"
    assert [n["run_type"] for n in chain["nodes"]] == ["chain", "prompt", "chat_model"]
    text_types = {n["name"]: n["run_type"] for n in by_name["text"]["nodes"]}
    assert text_types["StrOutputParser"] == "parser"
    ids = [n.get("id") for n in by_name["both"]["nodes"]]
    assert len(ids) == len(set(ids))  # every node is listed once, under its own path


def test_rerunning_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "out"]) == 0
    first = snapshot(tmp_path / "out")
    assert main(["jokes.py", "--out", "out"]) == 0
    assert snapshot(tmp_path / "out") == first  # same bytes, files not even rewritten
    assert main(["jokes.py", "--out", "out", "--check"]) == 0


def test_module_targets_and_all(tmp_path: Path) -> None:
    write(tmp_path / "app" / "__init__.py", "")
    write(
        tmp_path / "app" / "chains.py",
        """
        from lcel import RunnableLambda

        def shout(text: str) -> str:
            return text.upper()

        loud = RunnableLambda(shout)
        hidden = RunnableLambda(shout)
        __all__ = ["loud"]
        """,
    )
    assert main(["app.chains", "--out", "out"]) == 0
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "chains.bundle.json",
        "loud.input.schema.json",
        "loud.output.schema.json",
    ]
    assert read_json(out / "loud.input.schema.json") == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "shoutInput",
        "type": "string",
    }
    bundle = read_json(out / "chains.bundle.json")
    assert isinstance(bundle, dict)
    assert bundle["module"] == "app.chains"
    assert main(["app.chains:hidden", "--out", "named"]) == 0  # a name outside __all__
    assert (tmp_path / "named" / "hidden.input.schema.json").exists()


def test_named_target_exports_only_that_runnable(tmp_path: Path) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py:chain", "--out", "out"]) == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["chain.input.schema.json", "chain.output.schema.json", "jokes.bundle.json"]


def test_stdout_prints_one_json_object_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py:prompt", "--stdout"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert sorted(printed) == [
        "jokes.bundle.json",
        "prompt.input.schema.json",
        "prompt.output.schema.json",
    ]
    assert printed["prompt.input.schema.json"]["title"] == "PromptInput"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jokes.py"]


# -- drift ---------------------------------------------------------------------------------------


def test_check_reports_drift_with_a_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "out"]) == 0
    before = snapshot(tmp_path / "out")
    module.write_text(module.read_text().replace("{topic}", "{topic} in {style}"))
    capsys.readouterr()
    assert main(["jokes.py", "--out", "out", "--check"]) == 1
    captured = capsys.readouterr()
    assert "--- a/out/chain.input.schema.json" in captured.out
    assert "+++ b/out/chain.input.schema.json" in captured.out
    assert '+    "style": {' in captured.out
    assert "differ from the code" in captured.err
    assert snapshot(tmp_path / "out") == before
    assert main(["jokes.py", "--out", "out"]) == 0
    assert main(["jokes.py", "--out", "out", "--check"]) == 0


def test_check_reports_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "out"]) == 0
    (tmp_path / "out" / "model.output.schema.json").unlink()
    capsys.readouterr()
    assert main(["jokes.py", "--out", "out", "--check"]) == 1
    out = capsys.readouterr().out
    assert "--- /dev/null" in out
    assert "+++ b/out/model.output.schema.json" in out
    assert main(["jokes.py", "--out", "never-written", "--check"]) == 1
    assert not (tmp_path / "never-written").exists()


def test_a_removed_runnable_is_drift_and_its_files_are_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = write(tmp_path / "jokes.py", JOKES)
    assert main(["jokes.py", "--out", "out"]) == 0
    module.write_text(module.read_text().replace("text = chain", "_text = chain"))
    module.write_text(module.read_text().replace('"text": text', '"text": _text'))
    capsys.readouterr()
    assert main(["jokes.py", "--out", "out", "--check"]) == 1
    assert "--- a/out/text.input.schema.json" in capsys.readouterr().out
    assert main(["jokes.py", "--out", "out"]) == 0
    assert not (tmp_path / "out" / "text.input.schema.json").exists()
    assert main(["jokes.py", "--out", "out", "--check"]) == 0
    # a named target does not cover the module: it removes nothing
    assert main(["jokes.py:chain", "--out", "out"]) == 0
    assert (tmp_path / "out" / "model.input.schema.json").exists()


# -- errors --------------------------------------------------------------------------------------


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("codegen: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("missing_module_xyz", "cannot import 'missing_module_xyz': ModuleNotFoundError"),
        ("broken.py", "cannot import 'broken.py': ZeroDivisionError"),
        ("nowhere.py", "cannot import 'nowhere.py': no such file"),
        ("jokes.py:nope", "'jokes.py' has no attribute 'nope'"),
        ("jokes.py:NOT_A_RUNNABLE", "jokes.py:NOT_A_RUNNABLE is a int, not an lcel Runnable"),
        ("empty.py", "no lcel Runnable found"),
        ("not a module", "bad target 'not a module'"),
        ("jokes.py:", "bad target 'jokes.py:'"),
        ("jokes.py:1x", "bad target 'jokes.py:1x'"),
        ("opaque.py", "opaque.py:use: cannot derive the input schema"),
    ],
)
def test_errors_are_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, needle: str
) -> None:
    write(tmp_path / "jokes.py", JOKES)
    write(tmp_path / "broken.py", "x = 1 / 0\n")
    write(tmp_path / "empty.py", "x = 1\n")
    write(
        tmp_path / "opaque.py",
        """
        from lcel import RunnableLambda

        class Opaque:
            pass

        def f(x: Opaque) -> int:
            return 0

        use = RunnableLambda(f)
        """,
    )
    # a good target first: an error in a later one must still leave no output at all
    assert main(["jokes.py", target, "--out", "out"]) == 2
    assert needle in one_line_error(capsys)
    assert not (tmp_path / "out").exists()


def test_verbose_adds_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "broken.py", "x = 1 / 0\n")
    assert main(["broken.py", "--out", "out", "--verbose"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("codegen: error: cannot import")


def test_two_modules_writing_the_same_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "jokes.py", JOKES)
    write(tmp_path / "other.py", "from jokes import chain\n")
    assert main(["jokes.py", "other.py", "--out", "out"]) == 2
    assert "both produce 'chain.input.schema.json'" in one_line_error(capsys)


@pytest.mark.parametrize(
    "argv",
    [["jokes.py"], ["jokes.py", "--out", "o", "--check", "--stdout"], []],
)
def test_usage_errors(tmp_path: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "jokes.py", JOKES)
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--check" in capsys.readouterr().out


# -- pieces --------------------------------------------------------------------------------------


def test_parse_target() -> None:
    assert parse_target("pkg.mod").module == "pkg.mod"
    target = parse_target("dir/jokes.py:chain")
    assert (target.path, target.name, target.stem) == (Path("dir/jokes.py"), "chain", "jokes")
    assert parse_target("pkg.mod:holder.chain").name == "holder.chain"
    with pytest.raises(CodegenError):
        parse_target("pkg..mod")


def test_iter_nodes_walks_steps_and_branches() -> None:
    from lcel import RunnableLambda, RunnableParallel

    a = RunnableLambda(lambda x: x)
    b = RunnableLambda(lambda x: x)
    tree = a | RunnableParallel({"left": b, "right": a.with_config(run_name="r")})
    paths = [path for path, _node in iter_nodes(tree)]
    assert paths[0] == "$"
    assert "$.steps[0]" in paths
    assert any(p.endswith('["left"]') for p in paths)
    assert any(p.endswith('["right"].bound') for p in paths)


def test_python_dash_m_codegen(tmp_path: Path) -> None:
    write(tmp_path / "jokes.py", JOKES)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-m", "codegen", "jokes.py:chain", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "chain.input.schema.json").exists()
    failed = subprocess.run(
        [sys.executable, "-m", "codegen", "jokes.py:nope", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1
    assert "Traceback" not in failed.stderr


def test_a_file_the_program_already_imported_is_not_executed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "jokes.py", JOKES)
    monkeypatch.syspath_prepend(str(tmp_path))
    import jokes  # type: ignore[import-not-found]

    assert main([str(tmp_path / "jokes.py:chain"), "--out", "out"]) == 0
    assert sys.modules["jokes"] is jokes  # reused, not replaced by a fresh copy


def test_check_gives_the_same_answer_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    write(project / "pyproject.toml", "[project]\nname = 'proj'\n")
    write(project / "app" / "jokes.py", JOKES)
    monkeypatch.chdir(project)
    assert main(["app/jokes.py", "--out", "schemas"]) == 0
    bundle = read_json(project / "schemas" / "jokes.bundle.json")
    assert isinstance(bundle, dict)
    assert bundle["module"] == "app/jokes.py"  # relative to the project root
    for cwd, target, out in [
        (project / "app", "jokes.py", "../schemas"),
        (tmp_path, "proj/app/jokes.py", "proj/schemas"),
        (project / "schemas", str(project / "app" / "jokes.py"), "."),
    ]:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        assert main([target, "--out", out, "--check"]) == 0, capsys.readouterr().out


def test_check_of_a_module_target_from_a_folder_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj2"
    write(project / "pyproject.toml", "[project]\nname = 'proj2'\n")
    write(project / "layered_app" / "__init__.py", "")
    write(project / "layered_app" / "jokes.py", JOKES)
    monkeypatch.chdir(project)
    assert main(["layered_app.jokes", "--out", "schemas"]) == 0
    for name in [n for n in sys.modules if n.startswith("layered_app")]:
        del sys.modules[name]  # imported afresh from the subfolder
    monkeypatch.chdir(project / "layered_app")
    capsys.readouterr()
    assert main(["layered_app.jokes", "--out", "../schemas", "--check"]) == 0, capsys.readouterr()
    assert str(project) not in sys.path  # only while it loads
