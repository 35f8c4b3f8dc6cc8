"""The flow's stages sit in layers: a module imports only its own layer or lower ones.

models -> scoring/candidates -> solvers -> result -> explanations, reports and
the matcher. Imports for type annotations only (``if TYPE_CHECKING:``) do not
count; imports inside functions do (they run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "rmatch"

LAYERS: list[set[str]] = [
    {"errors", "_malloc", "_kernel", "_values", "_languages", "_files", "_columns", "_read",
     "models", "components", "constraints", "arrays", "io", "synth"},
    {"scoring", "candidates"},
    {"solvers"},
    {"result"},
    {"_explain", "matching", "report", "plot", "stability", "rematching", "rounds", "suggest",
     "many", "calibration", "cli", "__main__", "__init__"},
]


def _layer(module: str) -> int:
    top = module.split(".")[0]
    (layer,) = [k for k, names in enumerate(LAYERS) if top in names]
    return layer


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Modules of rmatch imported outside ``if TYPE_CHECKING:`` blocks."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rmatch"):
            if node.module == "rmatch":
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module.removeprefix("rmatch."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_modules_import_only_their_layer_or_lower(path: Path) -> None:
    here = _name(path)
    own = 2 if here.startswith("solvers") else _layer(here)
    upward = sorted(dep for dep in _runtime_imports(ast.parse(path.read_text("utf-8")))
                    if _layer(dep) > own)
    assert not upward, f"{here} (layer {own}) imports {upward} from above"


def test_every_module_has_a_layer() -> None:
    for path in _modules():
        name = _name(path)
        if not name.startswith("solvers"):
            _layer(name)  # raises when the module is in no layer or in two


def test_the_check_sees_function_level_imports() -> None:
    tree = ast.parse("def f():\n    from rmatch.matching import solve\n")
    assert _runtime_imports(tree) == {"matching"}
    typed = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                      "    from rmatch.report import Report\n")
    assert _runtime_imports(typed) == set()
