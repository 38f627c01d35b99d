"""List the UI strings marked with _() that the English catalogue lacks.

Run: python tools/update_catalogue.py  (appends empty entries to translate).
"""
from __future__ import annotations

import ast
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.i18n import CONTEXT, LOCALE_DIR, parse_po  # noqa: E402

PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "cirkel.po"


def marked_strings() -> list[str]:
    found: list[str] = []
    for folder in ("cirkel_tui", "screens", "models", "exports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args
                        and isinstance(node.args[0], ast.Constant) and node.args[0].value not in found):
                    found.append(node.args[0].value)
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "pgettext"
                        and len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args)):
                    key = node.args[0].value + CONTEXT + node.args[1].value
                    if key not in found:
                        found.append(key)
    return found


def main() -> None:
    have = set(parse_po(PO)) if PO.exists() else set()
    if PO.exists():  # entries still waiting for their translation count as present
        lines = PO.read_text(encoding="utf-8").splitlines()
        have |= {(ast.literal_eval(lines[i - 1][8:]) + CONTEXT if i and lines[i - 1].startswith("msgctxt ") else "")
                 + ast.literal_eval(line[6:]) for i, line in enumerate(lines) if line.startswith("msgid ")}
    missing = [m for m in marked_strings() if m not in have]
    with PO.open("a", encoding="utf-8") as fh:
        for msgid in missing:
            context, _sep, message = msgid.rpartition(CONTEXT)
            if context:
                fh.write(f"\nmsgctxt {json.dumps(context, ensure_ascii=False)}")
            fh.write(f"\nmsgid {json.dumps(message, ensure_ascii=False)}\nmsgstr \"\"\n")
    print(f"{len(missing)} new entries to translate in {PO}")


if __name__ == "__main__":
    main()
