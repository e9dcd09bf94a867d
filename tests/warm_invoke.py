"""`invoke` for the people tests, forked from a process that has imported it once.

Started by `tests/warm.py` with the environment a task's command gets in the tests; reads
one request a line on stdin (JSON: argv, cwd, env, stdout and stderr paths), forks,
and answers with the child's exit status. The child is what `.venv/bin/invoke ARGS` is
(the same script, sys.path, environment, streams to files, stdin from /dev/null), minus
the 0.4 s of CPU of starting Python and importing invoke, Pelican and the people tasks,
which import nothing that depends on the environment, the folder or the arguments.
"""

import atexit
import json
import os
import signal
import sys
import threading
import traceback

# As the invoke script runs: its own folder first on sys.path, not this one's.
sys.path[0] = os.path.dirname(sys.executable)

from invoke.main import program  # noqa: E402

import pelican.plugins.rapport_people.tasks  # noqa: E402, F401


def exit_code(exc):
    """What the interpreter exits with on SystemExit(exc.code), printing as it does."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def run(request):
    """In the forked child: become `invoke ARGS` and never return."""
    code = 1
    try:
        signal.alarm(request["timeout"])
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, fd)
            os.close(out)
        sys.argv = request["argv"]
        code = program.run()
        code = 0 if code is None else code
    except SystemExit as exc:
        code = exit_code(exc)
    except BaseException:  # as the interpreter: the traceback on stderr, status 1
        traceback.print_exc()
        code = 1
    finally:
        # As the interpreter's exit: wait for threads, then the atexit functions.
        threading._shutdown()
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                code = code or 120  # what Python exits with when it cannot flush
        os._exit(code)


def main():
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run(request)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(json.dumps(os.waitstatus_to_exitcode(status)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
