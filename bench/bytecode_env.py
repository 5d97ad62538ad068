"""Bytecode for the benchmarks' commands: what an installed copy reads, whatever the shell says.

An installed package comes with its modules compiled (pip writes their .pyc files), so a
user's `fzzf` never compiles Python source when it starts. A source checkout run with
PYTHONDONTWRITEBYTECODE=1 (some sandboxes and CI images set it) compiles every module of the
checker on every start instead: 0.39 s of CPU to import what `fzzf audit` needs against 0.24 s
with bytecode (measured), time in which the audit's workers do not exist yet: about 5% of a
1,000-report audit at 300 reports/s. And a stale or missing __pycache__ in the tree would make
the figures depend on what ran before.

So by default ("installed") the benchmarks run their commands with bytecode kept in a folder
of their own (PYTHONPYCACHEPREFIX), filled by an untimed warm-up run: every command measured
reads compiled modules, as an installed copy does, and nothing is written into the source tree.
"as-is" leaves the environment alone (to see what a checkout without bytecode costs).
"""

from __future__ import annotations

import os
from pathlib import Path

MODES = ("installed", "as-is")


def environment(scratch: Path, mode: str = "installed") -> dict[str, str]:
    """The environment for the benchmark's commands; `scratch` holds the bytecode folder."""
    env = dict(os.environ)
    if mode == "installed":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    elif mode != "as-is":
        raise ValueError(f"bytecode mode {mode!r}: one of {MODES}")
    return env


def describe(mode: str) -> str:
    """How the measured commands got their bytecode, for the printed results."""
    if mode == "installed":
        return "compiled modules, as installed"
    return "environment as is (PYTHONDONTWRITEBYTECODE=" + os.environ.get("PYTHONDONTWRITEBYTECODE", "") + ")"
