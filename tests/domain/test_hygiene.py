"""Shape: the domain and the exports never import Textual; screens never open transactions."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_models_and_exports_do_not_import_textual():
    for folder in ("models", "exports"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "textual" not in _imports(path), f"{path} imports textual"
            assert "rich" not in _imports(path), f"{path} imports rich"


def test_screens_do_not_query_or_open_transactions():
    for path in (ROOT / "screens").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "peewee" not in _imports(path), f"{path} imports peewee"
        for forbidden in (".atomic(", ".select(", "execute_sql", "insert_many(", ".get_or_none("):
            assert forbidden not in text, f"{path} uses {forbidden}"


def test_no_screenshot_command_anywhere():
    for path in (ROOT / "cirkel_tui").rglob("*.py"):
        assert "deliver_screenshot" not in path.read_text(encoding="utf-8")


def test_import_linter_contracts_hold():
    """The layers of pyproject.toml's [tool.importlinter]: function-local imports count too."""
    import subprocess
    import sys

    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint) if lint.exists() else "lint-imports", "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "broken" in result.stdout and ", 0 broken" in result.stdout
