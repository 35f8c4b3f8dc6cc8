"""Every code example in the docs and the README runs, in order, as a reader would run it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

import rmatch as rm
from rmatch.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(page: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of a page: (language, code)."""
    return FENCE.findall(page.read_text(encoding="utf-8"))


@pytest.fixture
def workdir(tmp_path: Path) -> Any:
    # Examples refer to examples/... from the repository root, and write files there.
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    old = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


def test_every_page_has_examples_and_is_in_the_site() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        if page.parent.name == "docs":
            assert f": {page.name}" in nav, f"{page.name} is not in mkdocs.yml's nav"
    runnable = {page.name for page in PAGES
                if any(lang in ("python", "console") for lang, _ in blocks(page))}
    assert runnable >= {"index.md", "constraints.md", "solvers.md", "cli.md", "privacy.md",
                        "explanations-and-reports.md", "scoring.md", "README.md"}


NEEDS_EXTRA = "# needs the "  # first line of a block that needs an optional extra


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run(page: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_page(page, capsys, base_install=False)


@pytest.mark.usefixtures("no_extras")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run_on_the_base_install(page: Path, workdir: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Without matplotlib and openpyxl every example runs, but those marked as needing them."""
    run_page(page, capsys, base_install=True)


def run_page(page: Path, capsys: pytest.CaptureFixture[str], *, base_install: bool) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for n, (lang, code) in enumerate(blocks(page)):
        where = f"{page.name}, block {n + 1}"
        if base_install and code.startswith(NEEDS_EXTRA):
            continue
        if lang == "python":
            exec(compile(code, where, "exec"), namespace)
        elif lang == "console":
            for line in code.splitlines():
                if line.startswith("$ rmatch "):
                    status = main(shlex.split(line)[2:])
                    assert status == 0, f"{where}: {line}\n{capsys.readouterr().err}"
        elif lang == "json":
            data = json.loads(code)
            if isinstance(data, dict) and "constraints" in data:
                rm.Program.model_validate(data)
