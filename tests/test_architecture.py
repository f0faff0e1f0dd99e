"""The package's layering: no import cycles between its modules nor between its packages, and a fast start for `--help` and `query`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def module_imports() -> dict[str, set[str]]:
    """pactgraph module -> the pactgraph modules it imports (module level and inside functions alike).

    A package importing its own submodules is left out: that is how a package exposes them.
    """
    modules = {}
    for path in SRC.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package[: len(package) - (node.level - 1)]
                    base = ".".join(parts + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target in modules and target != name and not target.startswith(name + "."):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def members_imports(graph: dict[str, set[str]], package: str) -> dict[str, set[str]]:
    """The members of `package` (its modules and subpackages) -> the members they import.

    A module inside a subpackage stands for the subpackage, so two packages that each
    import a module of the other form a cycle even when their modules do not.
    """
    prefix = package + "."

    def member(name: str) -> str | None:
        return prefix + name[len(prefix) :].split(".")[0] if name.startswith(prefix) else None

    members: dict[str, set[str]] = {m: set() for m in (member(name) for name in graph) if m is not None}
    for name, targets in graph.items():
        source = member(name)
        if source is None:
            continue
        for target in targets:
            into = member(target)
            if into is not None and into != source:
                members[source].add(into)
    return members


def package_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles among the members of every package: a package may import a lower one, never one that imports it back."""
    packages = {name.rsplit(".", 1)[0] for name in graph if "." in name}
    return [cycle for package in sorted(packages) for cycle in cycles(members_imports(graph, package))]


def test_the_analysis_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_analysis_finds_a_cycle_between_packages_that_modules_alone_do_not_show():
    graph = {
        "p": set(),
        "p.a": set(),
        "p.a.x": {"p.b.y"},
        "p.a.w": set(),
        "p.b": set(),
        "p.b.y": set(),
        "p.b.z": {"p.a.w"},
        "p.c": {"p.a.x"},
    }
    assert cycles(graph) == []
    assert package_cycles(graph) == [["p.a", "p.b"]]
    assert package_cycles({**graph, "p.b.z": set()}) == []


def test_the_analysis_sees_function_level_and_relative_imports():
    graph = module_imports()
    assert "pactgraph.rdf.loading" in graph["pactgraph.stores.memory"]  # imported inside a method
    assert "pactgraph.cli.app" in graph["pactgraph.cli.query"]


def test_no_import_cycles():
    assert cycles(module_imports()) == []


def test_no_import_cycles_between_packages():
    assert package_cycles(module_imports()) == []


def heavy_modules_after(argv: list[str]) -> tuple[int, list[str], str]:
    """(exit status, rdflib/pyshacl modules imported, stderr) of `pactgraph ARGV` run in a fresh process."""
    script = (
        "import sys\n"
        f"sys.argv = ['pactgraph', *{argv!r}]\n"
        "from pactgraph.cli.main import main\n"
        "code = 0\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    code = stop.code or 0\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'pyshacl', 'pyshacl_turbo'))\n"
        "print('HEAVY', code, ','.join(heavy), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    last = done.stderr.strip().splitlines()[-1].split(" ")
    assert last[0] == "HEAVY", done.stderr
    return int(last[1]), [m for m in (last[2:] or [""])[0].split(",") if m], done.stderr


def test_help_imports_neither_rdflib_nor_pyshacl():
    code, heavy, stderr = heavy_modules_after(["--help"])
    assert (code, heavy) == (0, []), stderr


def test_query_imports_neither_rdflib_nor_pyshacl():
    code, heavy, stderr = heavy_modules_after(["query", "parties-and-date"])
    assert (code, heavy) == (0, []), stderr


def test_no_module_imports_another_modules_private_names():
    """A name with a leading underscore is its module's own: a module that needs another's
    helper gets it under a public name, so what a module promises is what it exports (`_` is
    gettext's, by convention)."""
    borrowed = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pactgraph"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") and alias.name != "_":
                        borrowed.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.module}.{alias.name}")
    assert borrowed == []


def imports_a_module(finding: str) -> bool:
    """Whether a ruff F401 finding is about a pactgraph module imported for what importing it does
    (cli.main registers the commands that way), not about a name passed on."""
    name = finding.split("`")[1] if finding.count("`") >= 2 else ""
    where = SRC.joinpath(*name.split("."))
    return name.startswith("pactgraph.") and (where.with_suffix(".py").is_file() or where.is_dir())


def reexports(paths: list[Path]) -> list[str]:
    """Names the modules at `paths` import without using them: ruff's F401, which no `noqa` silences,
    and imported names listed in a module's `__all__` (which F401 would count as a use)."""
    if not paths:
        return []
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F401", "--ignore-noqa",
         "--output-format", "concise", "--no-cache", *map(str, paths)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    found = [line for line in done.stdout.splitlines() if ": F401 " in line and not imports_a_module(line)]
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            (alias.asname or alias.name).split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
                listed = {elt.value for elt in getattr(node.value, "elts", []) if isinstance(elt, ast.Constant)}
                found += [f"{path}:{node.lineno}: {name} in __all__ is imported" for name in sorted(listed & imported)]
    return found


def test_the_reexport_check_finds_a_name_imported_only_to_be_offered(tmp_path):
    facade = tmp_path / "facade.py"
    facade.write_text(
        "from os.path import join  # noqa: F401 - re-exported\nfrom os import sep\n"
        "from pactgraph.cli import store  # noqa: F401 - registers commands\n\nROOT = sep\n"
    )
    listed = tmp_path / "listed.py"
    listed.write_text('from os import sep\n\n__all__ = ["ROOT", "sep"]\nROOT = sep\n')
    plain = tmp_path / "plain.py"
    plain.write_text('from os import sep\n\n__all__ = ["ROOT"]\nROOT = sep\n')
    found = reexports([facade, listed, plain])
    assert len(found) == 2, found
    assert "facade.py:1:" in found[0] and "join" in found[0]
    assert "listed.py:3: sep in __all__" in found[1]


def test_no_module_reexports_names():
    """A name is imported from the module that defines it, never from one that passes it on: a
    module imports only what it uses. Package `__init__` files too: no package is a facade. The one
    exception is the package root's `pactgraph.validate`, the library's public entry point, which
    the root offers lazily (a module `__getattr__`) so `import pactgraph` stays light."""
    root = SRC / "pactgraph" / "__init__.py"
    assert reexports(sorted(p for p in (SRC / "pactgraph").rglob("*.py") if p != root)) == []
    assert reexports([root]) == [f"{root}:11: validate in __all__ is imported"]
