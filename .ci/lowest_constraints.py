"""Write a pip constraints file that pins every dependency to its lowest allowed version.

Reads ``[project] dependencies`` and ``[project.optional-dependencies] test`` from
pyproject.toml and prints one ``name==lower`` line for each, keeping any environment
marker (``tomli==1.1; python_version < '3.11'``), so pip applies it only where the
requirement applies. A requirement without a lower bound (``>=``, ``~=`` or ``==``) is
an error: the lowest-version run would not test anything.

Usage: python3 .ci/lowest_constraints.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import re
import sys
import tomllib  # Python 3.11 on, as in CI
from pathlib import Path

_REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*   # distribution name
        (?:\[[^\]]*\])?\s*                          # extras, dropped
        (?P<specs>[^;]*?)\s*                        # version specifiers
        (?:;\s*(?P<marker>.+?))?\s*$                # environment marker
    """,
    re.VERBOSE,
)
_LOWER = re.compile(r"(?:>=|~=|===?)\s*([^\s,]+)")


def lowest(requirement: str) -> str:
    """The constraint line pinning ``requirement`` to its lower bound."""
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"cannot read requirement {requirement!r}")
    lowers = _LOWER.findall(match["specs"])
    if len(lowers) != 1:
        raise ValueError(f"requirement {requirement!r} needs exactly one lower bound (>=, ~= or ==)")
    line = f"{match['name']}=={lowers[0]}"
    return f"{line}; {match['marker']}" if match["marker"] else line


def main(argv: list[str]) -> int:
    """Print the constraint lines for the pyproject.toml named in ``argv`` (default: this repository's)."""
    path = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "pyproject.toml"
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for requirement in requirements:
        print(lowest(requirement))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
