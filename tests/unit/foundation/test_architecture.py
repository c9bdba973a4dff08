"""Guards: the layer contracts (import-linter) hold and can fail; no string imports of
litellm outside llm/, no raw SQL outside storage/, no import cycles, no module of 450 lines
or more; the core imports without textual or litellm; --help imports no heavy module."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = "feedback_writer"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

CORE = [
    "feedback_writer.ladder.loader",
    "feedback_writer.notes.parse",
    "feedback_writer.storage.repository",
    "feedback_writer.config",
    "feedback_writer.context",
    "feedback_writer.cli",
]
OPTIONAL_CORE = [
    "feedback_writer.mapping.service",
    "feedback_writer.drafting.service",
    "feedback_writer.review.gate",
    "feedback_writer.review.export",
]


# --- import-linter -----------------------------------------------------------------------


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root`` with ``root/pyproject.toml``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A throwaway copy of the package and its pyproject, to seed violations in."""
    shutil.copytree(
        ROOT / PACKAGE, tmp_path / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _seed(root: Path, module: str, code: str) -> None:
    path = root / PACKAGE / module
    path.write_text(path.read_text() + "\n" + code + "\n")


def _contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["id"]: c["name"] for c in config["contracts"]}


def _assert_broken(result: subprocess.CompletedProcess[str], contract: str) -> None:
    assert result.returncode != 0, result.stdout
    assert f"{_contract_names()[contract]} BROKEN" in result.stdout, result.stdout


def test_the_import_contracts_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_top_level_module_has_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    named = {m.strip() for layer in layers["layers"] for m in re.split(r"[|:]", layer)}
    tops = {
        f"{PACKAGE}.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / PACKAGE).iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
        or (p / "__init__.py").exists()
    }
    assert tops <= named, sorted(tops - named)


def test_a_textual_import_in_the_core_breaks_a_contract(copy: Path):
    _seed(copy, "mapping/coverage.py", "import textual  # noqa")
    _assert_broken(_lint(copy), "core-no-textual")


def test_a_litellm_import_outside_llm_breaks_a_contract(copy: Path):
    _seed(copy, "drafting/render.py", "def _f() -> None:\n    import litellm  # noqa")
    _assert_broken(_lint(copy), "only-llm-imports-litellm")


def test_sqlite3_outside_storage_breaks_a_contract(copy: Path):
    _seed(copy, "mapping/coverage.py", "import sqlite3  # noqa")
    _assert_broken(_lint(copy), "only-storage-imports-sqlite3")


def test_a_core_module_importing_a_service_breaks_the_layers(copy: Path):
    _seed(copy, "storage/records.py", "from feedback_writer.mapping import matcher  # noqa")
    _assert_broken(_lint(copy), "layers")


def test_a_service_importing_a_front_end_breaks_the_layers(copy: Path):
    _seed(copy, "review/gate.py", "def _f() -> None:\n    from feedback_writer import cli  # noqa")
    _assert_broken(_lint(copy), "layers")


# --- what import-linter cannot see: string imports and raw SQL -------------------------

_SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE)\s")
_IMPORTERS = {"import_module", "__import__"}


def _sources(root: Path) -> Iterator[tuple[str, ast.Module]]:
    for path in sorted((root / PACKAGE).rglob("*.py")):
        yield path.relative_to(root / PACKAGE).as_posix(), ast.parse(path.read_text())


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def source_problems(root: Path) -> list[str]:
    """String imports of litellm outside llm/ and SQL statements outside storage/."""
    problems = []
    for rel, tree in _sources(root):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _called_name(node) in _IMPORTERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).split(".")[0] == "litellm"
                and not rel.startswith("llm/")
            ):
                problems.append(f"{rel}:{node.lineno}: imports litellm by name")
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and _SQL.match(node.value)
                and not rel.startswith("storage/")
            ):
                problems.append(f"{rel}:{node.lineno}: SQL {node.value.strip()[:40]!r}")
    return problems


def test_no_string_imports_of_litellm_nor_sql_outside_their_homes():
    assert source_problems(ROOT) == []


def test_a_string_import_of_litellm_is_found(copy: Path):
    _seed(copy, "mapping/coverage.py", 'import importlib\n_lt = importlib.import_module("litellm")')
    _seed(copy, "drafting/render.py", '_lt = __import__("litellm.utils")')
    problems = source_problems(copy)
    assert [p.split(":")[0] for p in problems] == ["drafting/render.py", "mapping/coverage.py"]


def test_raw_sql_outside_storage_is_found(copy: Path):
    seeded = (
        "import sqlite3\n\n"
        "def _wipe(db: sqlite3.Connection) -> None:\n"
        '    db.execute("DELETE FROM notes")'
    )
    _seed(copy, "mapping/coverage.py", seeded)
    (problem,) = source_problems(copy)
    assert problem.startswith("mapping/coverage.py:") and "DELETE FROM notes" in problem
    _assert_broken(_lint(copy), "only-storage-imports-sqlite3")


# --- module size ----------------------------------------------------------------------------

MAX_LINES = 450


def oversized_modules(root: Path) -> list[str]:
    """Every module of the package with ``MAX_LINES`` lines or more, with its size."""
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        lines = len(path.read_text().splitlines())
        if lines >= MAX_LINES:
            found.append(f"{path.relative_to(root).as_posix()}: {lines} lines")
    return found


def test_every_module_is_under_450_lines():
    assert oversized_modules(ROOT) == []


def test_an_oversized_module_is_named(copy: Path):
    path = copy / PACKAGE / "errors.py"
    lines = len(path.read_text().splitlines())
    _seed(copy, "errors.py", "\n" * (MAX_LINES - lines - 2))
    assert oversized_modules(copy) == [f"{PACKAGE}/errors.py: {MAX_LINES} lines"]


# --- no import cycles ---------------------------------------------------------------------


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node``, in functions too, but not under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        kept = (
            child.orelse if isinstance(child, ast.If) and _is_type_checking(child.test) else [child]
        )
        for stmt in kept:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                yield stmt
            else:
                yield from _imports(stmt)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports at run time."""
    files = {}
    for path in (root / PACKAGE).rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        files[".".join(parts)] = (path, is_package)
    graph: dict[str, set[str]] = {}
    for module, (path, is_package) in files.items():
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names
                ]
            targets |= {n for n in names if n in files and n != module}
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


# Import edges a known cycle goes through, ignored until it is removed: none today.
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()


def test_the_package_has_no_import_cycle():
    graph = import_graph(ROOT)
    for source, target in KNOWN_CYCLE_EDGES:
        graph[source].discard(target)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_seeded_cycle_is_found(copy: Path):
    _seed(copy, "errors.py", "def _f() -> None:\n    from feedback_writer import config  # noqa")
    _seed(
        copy,
        "ladder/model.py",
        "if TYPE_CHECKING:\n    from feedback_writer.cli import main  # noqa",
    )
    cycle = find_cycle(import_graph(copy))
    assert cycle is not None and {"feedback_writer.errors", "feedback_writer.config"} <= set(cycle)


# --- what a process actually loads ---------------------------------------------------------


def _imported(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_core_imports_without_textual_or_litellm():
    modules = list(CORE)
    for name in OPTIONAL_CORE:
        if (ROOT / (name.replace(".", "/") + ".py")).exists():
            modules.append(name)
    loaded = _imported("\n".join(f"import {m}" for m in modules))
    assert "textual" not in loaded
    assert "litellm" not in loaded


def test_help_imports_no_heavy_module():
    loaded = _imported(
        "from feedback_writer.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not {"textual", "litellm", "jinja2", "feedback_writer.storage.repository"} & loaded
