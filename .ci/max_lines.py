"""Fail when a Python file grows past the house limit (STYLE.md: aim for 400 lines, 800 at most)."""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 800
ROOTS = ("garrison", "config", "tests")


def too_long(root: Path) -> list[tuple[Path, int]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        with path.open("rb") as handle:
            count = sum(1 for _ in handle)
        if count > LIMIT:
            found.append((path, count))
    return found


def main() -> int:
    base = Path(__file__).resolve().parent.parent
    offenders = [item for name in ROOTS if (base / name).is_dir() for item in too_long(base / name)]
    for path, count in offenders:
        print(f"{path.relative_to(base)}: {count} lines (limit {LIMIT}); split it into a package")  # noqa: T201
    if offenders:
        return 1
    print(f"no Python file in {', '.join(ROOTS)} is over {LIMIT} lines")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
