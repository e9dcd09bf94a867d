"""The client of warm_invoke.py: an `invoke` command forked from a warm process."""

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class WarmInvoke:
    """One warm_invoke.py per test process, started on first use with the environment
    `make_env()` gives and stopped at exit. The caller runs a command whose environment
    differs (a test's own variables) as a plain subprocess: see `fits`."""

    def __init__(self, make_env):
        self.make_env = make_env
        self.process = None
        self.env = None
        self.pid = None

    def start(self):
        self.pid = os.getpid()
        self.env = self.make_env()
        self.scratch = Path(tempfile.mkdtemp(prefix="warm-invoke-"))
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("warm_invoke.py"))],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            encoding="utf-8",
        )
        atexit.register(self.stop)

    def stop(self):
        if self.pid != os.getpid():
            return
        self.process.stdin.close()
        self.process.wait(timeout=30)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def fits(self, env):
        """True when `env` is the warm process's, but for the test that pytest names."""
        if self.process is None or self.pid != os.getpid():  # not one shared by forks
            self.start()
        ignore = "PYTEST_CURRENT_TEST"
        started = {k: v for k, v in self.env.items() if k != ignore}
        return started == {k: v for k, v in env.items() if k != ignore}

    def run(self, command, cwd, env, timeout):
        """Run `command` (an invoke command line) forked from the warm process."""
        out, err = self.scratch / "stdout", self.scratch / "stderr"
        request = {
            "argv": command,
            "cwd": str(cwd),
            "env": env,
            "stdout": str(out),
            "stderr": str(err),
            "timeout": timeout,
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        returncode = json.loads(self.process.stdout.readline())
        # As subprocess.run(encoding="utf-8") reads them: universal newlines.
        stdout = out.read_text(encoding="utf-8")
        stderr = err.read_text(encoding="utf-8")
        out.unlink()
        err.unlink()
        if returncode == -signal.SIGALRM:
            raise subprocess.TimeoutExpired(command, timeout, stdout, stderr)
        return subprocess.CompletedProcess(command, returncode, stdout, stderr)
