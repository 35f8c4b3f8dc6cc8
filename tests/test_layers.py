"""The package tree is the data flow: each stage imports only the stages below it.

Every import counts: at the top of a module, inside a function, and under
``if TYPE_CHECKING:``. The one kind of upward import allowed is a
convenience method of :class:`rmatch.MatchResult` (``explain``, ``report``,
``stability``, ...) importing the stage that does the work inside the method
body: the result is data, and those methods are API sugar over the stages
above it. They are listed in ``CONVENIENCE`` and checked to stay inside
methods.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import rmatch

SRC = Path(__file__).resolve().parents[1] / "src" / "rmatch"

# Lowest first: a package may import any package listed before it.
STAGES = ["errors", "jit", "model", "constraints", "program", "io", "synth", "scoring", "result",
          "solvers", "analysis", "report", "lifecycle", "cli", "__init__", "app", "__main__"]

# (module, imported stage): the result's convenience methods.
CONVENIENCE = {("result.match_result", "analysis"), ("result.match_result", "report"),
               ("result.match_result", "solvers")}


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _name(path: Path) -> str:
    name = ".".join(path.relative_to(SRC).with_suffix("").parts)
    return name.removesuffix(".__init__") if name != "__init__" else name


def _stage(module: str) -> str:
    return module.split(".")[0]


def _imports(tree: ast.Module) -> list[tuple[str, bool]]:
    """Every rmatch module a module imports, and whether it is imported only when needed.

    Only when needed: inside a function, or for annotations (``if TYPE_CHECKING:``).
    """
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
                and node.test.id == "TYPE_CHECKING":
            for typing_only in node.body:
                visit(typing_only, True)
            for other in node.orelse:
                visit(other, in_function)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and (node.module == "rmatch" or node.module.startswith("rmatch.")):
            if node.module == "rmatch":
                found.extend((alias.name, in_function) for alias in node.names)
            else:
                found.append((node.module.removeprefix("rmatch."), in_function))
        if isinstance(node, ast.Import):
            found.extend((alias.name.removeprefix("rmatch."), in_function)
                         for alias in node.names if alias.name.startswith("rmatch."))
        inside = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


def _edges() -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """(stage, imported stage) -> the importing modules, with where the import sits."""
    out: dict[tuple[str, str], list[tuple[str, bool]]] = defaultdict(list)
    for path in _modules():
        here = _name(path)
        for dep, in_function in _imports(ast.parse(path.read_text("utf-8"))):
            if _stage(dep) != _stage(here):
                out[_stage(here), _stage(dep)].append((here, in_function))
    return out


def test_every_module_belongs_to_a_stage() -> None:
    missing = sorted({_stage(_name(p)) for p in _modules()} - set(STAGES))
    assert not missing, f"packages with no place in STAGES: {missing}"


@pytest.mark.parametrize("stage", STAGES)
def test_stages_import_only_the_stages_below(stage: str) -> None:
    upward = []
    for (src, dst), sites in _edges().items():
        if src != stage or STAGES.index(dst) < STAGES.index(src):
            continue
        upward += [f"{module} imports {dst}" for module, _ in sites
                   if (module, dst) not in CONVENIENCE]
    assert not upward, upward


def test_convenience_imports_stay_inside_methods() -> None:
    for (_, dst), sites in _edges().items():
        for module, in_function in sites:
            if (module, dst) in CONVENIENCE:
                assert in_function, f"{module} imports {dst} at run time at module level"


def test_no_circle_between_modules_once_convenience_methods_are_set_aside() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    names = {_name(p) for p in _modules()}
    for path in _modules():
        here = _name(path)
        for dep, _ in _imports(ast.parse(path.read_text("utf-8"))):
            if (here, _stage(dep)) in CONVENIENCE or dep == here:
                continue
            # "from rmatch.x import y" may name a module y of package x
            target = dep if dep in names else _stage(dep)
            if target in names and target != here and not here.startswith(target + "."):
                graph[here].add(target)
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*trail[trail.index(nxt):], nxt]))
            if nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for start in sorted(names):
        if start not in state:
            walk(start, [start])


def test_no_private_name_crosses_a_package() -> None:
    crossing = []
    for path in _modules():
        here = _name(path)
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.startswith("rmatch.") \
                    and _stage(node.module.removeprefix("rmatch.")) != _stage(here):
                crossing += [f"{here}: {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_")]
    assert not crossing, crossing


def test_modules_stay_small_and_the_top_level_holds_few() -> None:
    long = {_name(p): n for p in _modules()
            if (n := len(p.read_text("utf-8").splitlines())) > 600}
    assert not long, f"modules over 600 lines: {long}"
    top = [p.name for p in SRC.glob("*.py")]
    assert len(top) <= 12, top


def test_every_stage_says_what_it_may_import() -> None:
    for pkg in SRC.iterdir():
        if (pkg / "__init__.py").exists():
            doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text("utf-8")))
            assert doc, f"rmatch.{pkg.name} has no docstring"
            assert "import" in doc.lower(), f"rmatch.{pkg.name} does not say what it imports"


def test_the_package_init_only_re_exports() -> None:
    tree = ast.parse((SRC / "__init__.py").read_text("utf-8"))
    kinds = {type(node).__name__ for node in tree.body}
    assert kinds <= {"Expr", "ImportFrom", "Assign"}, kinds
    for name in rmatch.__all__:
        assert hasattr(rmatch, name), name


def test_the_check_sees_every_kind_of_import() -> None:
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from rmatch.report import Report\n"
                     "def f():\n    from rmatch.solvers.match import solve\n")
    assert _imports(tree) == [("report", True), ("solvers.match", True)]
    assert _imports(ast.parse("from rmatch.model import Participant\n")) == [("model", False)]
