"""`invoke --help NAME` run by invoke's own CLI in the test process."""

import contextlib
import io
import re


def help_text(search_root, name):
    """(stdout, stderr) of `invoke --search-root SEARCH_ROOT --help NAME`: the same parser
    and help printer as the command, without one Python start-up and tasks.py import
    per task (the tests that run a task itself run it as a subprocess)."""
    from invoke import Program, __version__

    program = Program(
        name="Invoke",
        binary="inv[oke]",
        binary_names=["invoke", "inv"],
        version=__version__,
    )
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        program.run(
            ["invoke", "--search-root", str(search_root), "--help", name], exit=False
        )
    return out.getvalue(), err.getvalue()


def help_problems(search_root, name):
    """What is missing from a task's help: a docstring, a line for each option."""
    text, error = help_text(search_root, name)
    if error or not text.startswith("Usage: "):
        return [f"{name}: `invoke --help {name}` fails: {error.strip()}"]
    problems = []
    docstring = text.split("Docstring:", 1)[-1].split("Options:", 1)[0].strip()
    if "Docstring:" not in text or docstring in ("", "none"):
        problems.append(f"{name}: no docstring")
    options = text.split("Options:", 1)[-1].splitlines()
    for line in options:
        if line.startswith("  -") and not re.search(r"\S\s{2,}\S", line.strip()):
            problems.append(f"{name}: option without help: {line.strip()}")
    return problems
