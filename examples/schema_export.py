"""Schema export: the JSON Schemas of a chain, in memory and as files checked in CI.

Every runnable has ``input_schema`` / ``output_schema`` (JSON Schema draft 2020-12, derived
from its types). The ``codegen`` step writes them to files; ``--check`` fails when the files
on disk no longer match the code (run it in CI)::

    lcel schema examples/joke.py:chain --out schemas/          # same as: python -m codegen ...
    lcel schema examples/joke.py:chain --out schemas/ --check  # exit 1 + a diff on drift

This script does the same from Python, into a temporary directory.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from jsonschema import Draft202012Validator

from codegen.cli import main as codegen_main
from lcel.prompts import ChatPromptTemplate

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from joke import chain  # noqa: E402 (the joke example, next to this file)

prompt = ChatPromptTemplate.from_template("tell me a joke about {topic}")


def main() -> None:
    print("== the schemas, in memory")
    print("chain input: ", json.dumps(chain.input_schema))
    print("chain output:", json.dumps(chain.output_schema))
    print("prompt input:", json.dumps(prompt.input_schema))

    print("\n== validating data against them")
    validator = Draft202012Validator(chain.input_schema)
    for data in ({"topic": "bears"}, {"topc": "bears"}):
        errors = [e.message for e in validator.iter_errors(data)]
        print(f"{json.dumps(data):<20} ->", errors if errors else "valid")

    print("\n== the codegen step")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "schemas"
        target = f"{HERE / 'joke.py'}:chain"
        status = codegen_main([target, "--out", str(out)])
        print("write: exit", status, flush=True)
        for path in sorted(out.iterdir()):
            print(f"  {path.name} ({path.stat().st_size} bytes)")
        print(
            "check, unchanged: exit",
            codegen_main([target, "--out", str(out), "--check"]),
            flush=True,
        )
        stale = out / "chain.input.schema.json"
        stale.write_text(stale.read_text().replace("Topic", "Subject"))
        sys.stdout.flush()
        status = codegen_main([target, "--out", str(out), "--check"])
        sys.stderr.flush()
        print("check, after an edit: exit", status)


if __name__ == "__main__":
    main()
