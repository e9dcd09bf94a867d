"""`invoke mutants`: mutation testing of the privacy and escaping modules.

Beside `invoke bench` because, like it, it measures the project and is not run by CI.
The work is done by bench/mutation.py in its own process, since it needs mutmut (a test
tool, requirements-dev.txt). The root tasks.py adds the tasks of `ns` at the top level.
"""

import shlex
import sys
from pathlib import Path

from invoke import Collection, task

BENCH = Path(__file__).resolve().parent
MODULE_NAMES = (
    "audit",
    "public",
    "model",
    "render",
    "record",
    "check",
)  # bench/mutation.py's MODULES


@task(
    help={
        "module": "Only this module: " + ", ".join(MODULE_NAMES) + " (default: all).",
        "report": "Only rewrite tests/MUTANTS.md from the last results in mutants/.",
        "jobs": "Mutants tested at once (default 2).",
    }
)
def mutants(c, module=None, report=False, jobs=2):
    """Mutation-test the privacy and escaping modules; write tests/MUTANTS.md.

    Runs mutmut (pyproject.toml, [tool.mutmut]) one module at a time and fails when a
    module is below its target. Results are kept in mutants/ (git-ignored): a second run
    tests only the functions that changed, and every earlier survivor again.
    """
    from pelican.plugins.rapport_site.tasks import require_dev_tools

    require_dev_tools("mutants", "mutmut")
    argv = [sys.executable, str(BENCH / "mutation.py"), "--jobs", str(jobs)]
    if report:
        argv.append("--report")
    if module:
        argv.append(module)
    c.run(shlex.join(argv), pty=False)


ns = Collection(mutants)
