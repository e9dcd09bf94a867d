"""Local preview servers for `invoke serve` and `invoke livereload`.

Live reload without weakening the published policy: livereload builds set
LIVERELOAD_SCRIPT, so base.html loads the dev server's same-origin `/livereload.js` and
the plugin derives a local-only CSP from CONTENT_SECURITY_POLICY (headers.py); the
server's own inline `<script>`, which every page's CSP blocks, is not injected.
"""

import errno
import logging
import socket

import livereload.server
from livereload import Server
from livereload.handlers import LiveReloadHandler
from tornado.web import OutputTransform


class PortBusy(Exception):
    """The port cannot be listened on; the message says which and what to do."""


def port_busy_message(command, host, port, exc):
    """One sentence: why `port` cannot be used, and `command` on the next port."""
    if exc.errno == errno.EADDRINUSE:
        why = "is in use (another `invoke serve` or `invoke livereload`?)"
    else:
        why = f"cannot be used ({exc.strerror or exc})"
    return (
        f"port {port} on {host} {why}. Stop the other server, or pick a free port: "
        f"{command} --port {port + 1}"
    )


def check_port(command, host, port):
    """Raise PortBusy unless host:port can be listened on, as the servers will;
    `command` is the task as the user types it, for the hint."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As Pelican's and tornado's servers do: a port in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortBusy(port_busy_message(command, host, port, exc)) from None


def livereload_script(port):
    """The LIVERELOAD_SCRIPT setting of a livereload build served on `port`."""
    return f"/livereload.js?port={int(port)}"


class _Server(Server):
    """livereload's Server: one log line per event, no inline script."""

    def _setup_logging(self):
        # Pelican's handler on the root logger already prints livereload's records;
        # livereload's own handlers would print every line a second time.
        logging.getLogger("livereload").setLevel(logging.INFO)

    def application(self, *args, **kwargs):
        # The server builds its script injector from this module-level name; a plain
        # OutputTransform passes pages through unchanged (base.html loads the script).
        injector = livereload.server.LiveScriptInjector
        livereload.server.LiveScriptInjector = OutputTransform
        try:
            return super().application(*args, **kwargs)
        finally:
            livereload.server.LiveScriptInjector = injector


def serve_and_reload(root, host, port, watched, rebuild, command="invoke livereload"):
    """Serve `root`; on a change under `watched`, run `rebuild`, then reload the browser.

    The watcher runs `rebuild` to its end before it tells the browser to reload.
    """
    # livereload ignores a change that comes less than 3 s after the last reload (a
    # debounce for tools that write many files); here the build has already run by
    # then, so ignoring it would leave the browser on the old page.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    server = _Server()
    for path in watched:
        server.watch(str(path), rebuild)
    try:
        server.serve(host=host, port=port, root=str(root))
    except OSError as exc:
        raise PortBusy(port_busy_message(command, host, port, exc)) from None
