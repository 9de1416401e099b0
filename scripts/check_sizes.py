"""Size limits of the code (docs/architecture.md): no module over 500 lines, no function over 80.

Migrations, tests and vendored files aside. Prints every offender and exits 1 when there is one; `make test`
runs it.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
SKIPPED = ("tests/", "/migrations/", "/vendor/")


def python_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / f for f in listed if not any(s in f"/{f}" for s in SKIPPED) and (ROOT / f).exists()]


def offenders(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    found = []
    lines = text.count("\n") + 1
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (limit {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                limit = MAX_FUNCTION_LINES
                found.append(f"{name}:{node.lineno}: {node.name}() is {length} lines (limit {limit})")
    return found


def main() -> int:
    found = [line for path in python_files() for line in offenders(path)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
