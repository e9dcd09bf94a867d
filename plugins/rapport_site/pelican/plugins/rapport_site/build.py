"""Run Pelican the way the tasks and CI do: fatal on errors, one clear line on failure.

Pelican's own command line logs "Cannot load plugin" and exits 0; here an error log
raises (Pelican's FatalLogger), and our plugins' errors are shown as their message alone,
since they already say what is wrong and what to do.
"""

import logging
import time
from pathlib import Path

from pelican import Pelican
from pelican import log as pelican_log
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

logger = logging.getLogger(__name__)


class BuildFailed(Exception):
    """The site did not build; the message says why and what to do."""


class _Counter(logging.Handler):
    """Counts warnings and errors so the caller can report them."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.warnings = 0

    def emit(self, record):
        self.warnings += 1


def _is_ours(exc):
    # Our plugins' errors name the file at fault and the fix: no traceback for those.
    return type(exc).__module__.startswith("pelican.plugins.rapport_")


def build(settings_file, overrides=None, fatal="errors", verbose=False):
    """Build the site from ``settings_file``; returns (seconds, warnings) or raises BuildFailed."""
    pelican_log.init(
        level=logging.INFO if verbose else logging.WARNING,
        fatal=fatal,
    )
    counter = _Counter()
    logging.getLogger().addHandler(counter)
    started = time.perf_counter()
    try:
        settings = read_settings(str(settings_file), override=overrides or {})
        Pelican(settings).run()
    except Exception as exc:
        if _is_ours(exc):
            raise BuildFailed(str(exc)) from exc
        if isinstance(exc, FileOverwriteFailedError):
            raise BuildFailed(
                f"two pages would be written to one file ({exc}). Two posts or pages "
                "share a slug and a language; Pelican's warning above names their "
                "files. Give one its own `Slug:` (or a `Lang:`, if it is a "
                "translation of the other) and build again."
            ) from exc
        if isinstance(exc, RuntimeError) and str(exc) == "Warning or error encountered":
            raise BuildFailed(
                "the build stopped at the error logged above; fix it and build again."
            ) from exc
        raise
    finally:
        logging.getLogger().removeHandler(counter)
    return time.perf_counter() - started, counter.warnings


def output_path(settings_file, overrides=None):
    """Where a build with these settings writes, without building."""
    settings = read_settings(str(settings_file), override=overrides or {})
    return Path(settings["OUTPUT_PATH"])
