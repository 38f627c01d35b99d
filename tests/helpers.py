"""Test helpers: run the real CLI in a subprocess."""
from __future__ import annotations

import os
import subprocess
import sys


def run_cli(*args: str, env: dict | None = None, db: str | None = None, timeout: int = 120):
    full_env = dict(os.environ)
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "cirkel_tui"]
    if db:
        cmd += ["--db", db]
    cmd += list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)
