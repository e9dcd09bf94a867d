"""The site's own tasks: `invoke check`, an audit of the built site."""

import importlib.util
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

from pelican.plugins.rapport_tweets.settings import (
    SettingsFileError,
    read_site_settings,
    site_folder,
)


def require_dev_tools(task_name, *modules):
    """Stop with one sentence when a task needs requirements-dev.txt and it is missing.

    `python3 bootstrap.py build` installs requirements.txt only; the test tools come
    with `python3 bootstrap.py test`.
    """
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise Exit(
            f"Error: `invoke {task_name}` needs the test tools ({', '.join(missing)}), "
            "which `python3 bootstrap.py build` does not install. Run "
            "`python3 bootstrap.py test` once (it installs requirements-dev.txt), "
            "then try again.",
            code=1,
        )


def _settings(c, settings_file, output):
    path = Path(settings_file) if settings_file else site_folder(c) / "pelicanconf.py"
    override = {"OUTPUT_PATH": str(Path(output).resolve())} if output else {}
    try:
        return read_site_settings(path, override)
    except SettingsFileError as exc:
        if not path.is_file():
            raise Exit(f"Error: {exc}; pass --settings FILE.", code=1) from None
        raise Exit(f"Error: {exc}", code=1) from None


@task(
    help={
        "output": "The built site to audit (default: OUTPUT_PATH of the settings).",
        "settings": "Settings the site was built with (default: pelicanconf.py); "
        "its SITEURL and FEED_DOMAIN say which absolute links are the site's own. "
        "After `invoke publish`, pass publishconf.py (with SITEURL set).",
        "skip": "Comma-separated checks to leave out: third-party, inline-code, "
        "scripts, links, html5, xml, metadata, privacy.",
        "limit": "Show at most this many problems per check (0: all; default 50).",
    }
)
def check(c, output=None, settings=None, skip="", limit=50):
    """Audit the built site; exit 1 on any problem.

    Checks third-party requests, inline code, broken links and anchors, HTML5
    validity, XML, page metadata and the privacy audit.
    """
    from .check import run_checks
    from .check_report import render

    conf = _settings(c, settings, output)
    out = Path(conf["OUTPUT_PATH"])
    if not out.is_dir():
        raise Exit(
            f"Error: {out} does not exist; build the site first (`invoke build`).",
            code=1,
        )
    names = [name.strip() for name in skip.split(",") if name.strip()]
    try:
        report = run_checks(out, conf, skip=names)
    except ValueError as exc:
        raise Exit(f"Error: --skip: {exc}.", code=1) from None
    render(report, limit=int(limit))
    if not report.ok:
        raise Exit(
            "Error: the site check failed; fix the problems listed above, rebuild and "
            "run `invoke check` again.",
            code=1,
        )


ns = Collection(check)
