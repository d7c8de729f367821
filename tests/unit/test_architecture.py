"""What the import contracts cannot say: every module sits in a package that says its role,
and presentation never reaches for telegram.ext."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.harness import ROOT

HANDLER_ROLES = {"capabilities", "plumbing", "presentation"}
BOT_ROLES = {"sync", "deliver", "serve", "transport", "cluster"}
# The composition root: what the bot/ layers contract names above the roles.
BOT_ROOT = {
    "__init__", "__main__", "app", "capabilities", "check", "console", "logs", "runner",
    "settings", "stores",
}  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_every_handlers_module_is_in_a_role_package() -> None:
    loose = {p.name for p in (ROOT / "handlers").glob("*.py")} - {"__init__.py"}
    roles = {p.name for p in (ROOT / "handlers").iterdir() if (p / "__init__.py").exists()}
    assert loose == set()
    assert roles == HANDLER_ROLES


def test_bot_holds_the_composition_root_and_its_roles_only() -> None:
    """A module added at bot/'s top would escape the layers contract's role packages."""
    top = {p.stem for p in (ROOT / "bot").glob("*.py")}
    roles = {p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()}
    assert top == BOT_ROOT
    assert roles == BOT_ROLES


def test_presentation_imports_no_telegram_ext() -> None:
    offenders = {
        path.name: sorted(name for name in _imports(path) if name.startswith("telegram.ext"))
        for path in (ROOT / "handlers" / "presentation").glob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}
