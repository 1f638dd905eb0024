"""docs/security.md points each claim at a test: every `file::test` it names exists."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_REFERENCE = re.compile(r"`(tests/[\w/]+\.py|…)::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_named_in_the_security_document_exists():
    text = (ROOT / "docs" / "security.md").read_text()
    references, current = [], None
    for file, name in _REFERENCE.findall(text):
        current = current if file == "…" else file
        references.append((current, name))
    assert len(references) > 50
    missing = [f"{file}::{name}" for file, name in references if name not in _tests_in(ROOT / file)]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"
