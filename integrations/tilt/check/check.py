"""Evaluates ../Tiltfile in real Starlark (go.starlark.net, through `pip install starlark-go`)
with Tilt's builtins stubbed by their parameter lists (tilt_stubs.star), so a syntax error or a
misspelled argument fails here as it would in `tilt up`. Prints the resources it defines.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install starlark-go
    /tmp/venv/bin/python integrations/tilt/check/check.py
"""

import json
import pathlib

import starlark_go

here = pathlib.Path(__file__).parent
source = (here / "tilt_stubs.star").read_text() + (here.parent / "Tiltfile").read_text() + "\nresult = calls\n"
starlark = starlark_go.Starlark()
starlark.exec(source)
print(json.dumps(starlark.get("result"), indent=1))
