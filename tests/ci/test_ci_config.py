"""CI: the GitHub Pages workflow is valid and deploys; .ci/run runs the README's tests."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
DEPLOY = WORKFLOWS / "deploy.yml"
CI_RUN = ROOT / ".ci" / "run"
ACTIONLINT = Path(sys.executable).parent / "actionlint"


def readme_commands():
    """The shell commands of the README's Quick start code block, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    assert block, "README's Quick start has no code block"
    return [
        line.split("#", 1)[0].strip()
        for line in block.group(1).splitlines()
        if line.split("#", 1)[0].strip()
    ]


def readme_test_command():
    commands = [c for c in readme_commands() if "test" in shlex.split(c)]
    assert len(commands) == 1, readme_commands()
    return commands[0]


def workflow():
    return yaml.safe_load(DEPLOY.read_text(encoding="utf-8"))


def steps(flow):
    for name, job in flow["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def actionlint(*paths):
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_the_readme_quick_start_is_exactly_two_commands():
    commands = readme_commands()
    assert commands == ["python3 bootstrap.py build", "python3 bootstrap.py test"]


def test_every_workflow_passes_actionlint():
    assert ACTIONLINT.is_file(), "actionlint is not in .venv/bin (requirements-dev.txt)"
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert DEPLOY in files
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    """Guards the test above: actionlint really checks (bad key, unknown job in needs)."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    needs: nope\n"
        "    stepz:\n      - run: echo hi\n",
        encoding="utf-8",
    )
    result = actionlint(bad)
    assert result.returncode != 0
    assert "nope" in result.stdout


def test_the_workflow_runs_on_push_to_main():
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "main" in triggers["push"]["branches"]


def test_the_workflow_runs_the_readme_test_command():
    runs = [step.get("run", "") for _, step in steps(workflow())]
    command = readme_test_command()
    assert any(command in run.splitlines() for run in runs), f"no step runs `{command}`"


def test_the_workflow_builds_with_publishconf_and_deploys_to_pages():
    flow = workflow()
    uses = {name: [] for name in flow["jobs"]}
    for name, step in steps(flow):
        if "uses" in step:
            uses[name].append(step["uses"].split("@")[0])
    upload = [n for n, u in uses.items() if "actions/upload-pages-artifact" in u]
    deploy = [n for n, u in uses.items() if "actions/deploy-pages" in u]
    assert upload and deploy, uses
    build_job, deploy_job = flow["jobs"][upload[0]], flow["jobs"][deploy[0]]
    # The site is published only after the tests pass, and only from the build.
    assert upload[0] in _needs(deploy_job)
    test_jobs = {
        n for n, step in steps(flow) if readme_test_command() in step.get("run", "")
    }
    assert test_jobs & set(_needs(build_job)), "the build must wait for the tests"
    build_runs = "\n".join(s.get("run", "") for s in build_job["steps"])
    assert re.search(r"invoke (publish|preview)|publishconf\.py", build_runs)
    siteurl = [s.get("env", {}).get("SITEURL") for s in build_job["steps"]]
    assert any(siteurl), "the publish build must get SITEURL from the Pages setup"
    permissions = deploy_job.get("permissions", flow.get("permissions", {}))
    assert permissions.get("pages") == "write"
    assert permissions.get("id-token") == "write"


def _needs(job):
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def test_ci_run_is_an_executable_script_that_runs_the_readme_test_command():
    assert os.access(CI_RUN, os.X_OK), ".ci/run is not executable"
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!"), ".ci/run has no shebang"
    syntax = subprocess.run(["bash", "-n", str(CI_RUN)], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    commands = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert "set -euo pipefail" in commands
    assert readme_test_command() == "python3 bootstrap.py test"
    assert readme_test_command() in commands
    # After the tests, CI audits a published build of the sample site.
    later = commands[commands.index(readme_test_command()) + 1 :]
    assert any("invoke check" in line for line in later), later


def test_ci_run_installs_chromium_when_missing():
    text = CI_RUN.read_text(encoding="utf-8")
    assert re.search(r"apt-get install[^\n]*\"\$\{need\[@\]\}\"", text)
    assert "need+=(chromium)" in text
