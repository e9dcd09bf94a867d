"""`python3 bootstrap.py build` installs requirements.txt alone; every task must run on it.

This reads the imports of every module the tasks load (tasks.py, the plugins, the bench)
and checks that each third-party one comes from a distribution that requirements.txt
pins or that one of those pins depends on. It proves the imports are covered, not that
pip can resolve the pins: the installed metadata of the shared virtualenv stands in for
a fresh install. Imports inside `try: ... except ImportError` are optional by design
(the HTML5 validator's jar) and left out; so are the tasks that need the test
tools (test, lint, bench), which say so in one sentence when they are missing.
"""

import ast
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "pelican.plugins.rapport_site",
    "pelican.plugins.rapport_people",
    "pelican.plugins.rapport_tweets",
    "bench",
    "pelicanconf",
}


def task_modules():
    """What `invoke` loads for the tasks. The bench itself (bench/run.py and friends)
    is a development tool: `invoke bench` asks for the test tools before it starts."""
    yield ROOT / "tasks.py"
    yield from sorted((ROOT / "plugins").rglob("*.py"))
    yield ROOT / "bench" / "tasks.py"
    yield ROOT / "bench" / "mutants.py"


def _guarded(tree):
    """Import nodes inside a try whose handlers catch ImportError."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name)
            and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            for statement in node.body:
                guarded.update(id(n) for n in ast.walk(statement))
    return guarded


def imported_modules(path):
    """(top-level module, line) of every absolute import in one file, guarded ones left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    guarded = _guarded(tree)
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def pinned(requirements):
    names = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(canonicalize_name(Requirement(line).name))
    return names


def with_dependencies(names):
    """The distributions these names install, dependencies included (markers applied)."""
    environment = {**default_environment(), "extra": ""}
    seen, queue = set(), list(names)
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                queue.append(canonicalize_name(requirement.name))
    return seen


def missing_imports(requirements):
    installed = with_dependencies(pinned(requirements))
    providers = metadata.packages_distributions()
    problems = []
    for path in task_modules():
        for module, line in imported_modules(path):
            if module in sys.stdlib_module_names or module in OURS:
                continue
            dists = {canonicalize_name(d) for d in providers.get(module, [])}
            if not dists & installed:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                problems.append(f"{where}:{line} imports {module}")
    return problems


def test_every_module_the_tasks_import_comes_with_requirements_txt():
    problems = missing_imports(ROOT / "requirements.txt")
    assert not problems, "\n".join(problems)


def test_the_import_audit_notices_a_missing_pin(tmp_path):
    """Guards the test above: drop the pin of a package the tasks import, and it says so."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    without = re.sub(r"(?m)^nh3==.*$", "", text)
    assert without != text
    trimmed = tmp_path / "requirements.txt"
    trimmed.write_text(without, encoding="utf-8")
    problems = missing_imports(trimmed)
    assert any(p.endswith("imports nh3") for p in problems), problems
