"""Signal receivers for the site plugin. Receivers are module-level: Pelican holds them weakly."""

import logging

from pelican import signals

from . import incremental
from .filters import FILTERS
from .headers import META_CSP, livereload_policy, write_headers

logger = logging.getLogger(__name__)


class UnsafeSettingsError(Exception):
    """The settings would publish unescaped user input."""


def check_autoescape(pelican):
    """Fail the build when Jinja autoescape is off: every template relies on it."""
    env = pelican.settings.get("JINJA_ENVIRONMENT", {})
    if env.get("autoescape") is not True:
        raise UnsafeSettingsError(
            "JINJA_ENVIRONMENT['autoescape'] must be True: Rapport's templates print "
            "names, tweets and other third-party text and rely on Jinja to escape it. "
            "Set JINJA_ENVIRONMENT = {'autoescape': True, ...} in pelicanconf.py."
        )


def default_settings(pelican):
    """One Content-Security-Policy for the pages' meta tag and the `_headers` file (in a
    livereload build, LIVERELOAD_SCRIPT, the local policy derived from it), and the
    theme's Jinja filters (a filter of the same name in JINJA_FILTERS wins)."""
    settings = pelican.settings
    settings.setdefault("CONTENT_SECURITY_POLICY", META_CSP)
    settings.setdefault("LIVERELOAD_SCRIPT", "")
    settings.setdefault("PREVIEW_MODE", False)
    if settings["LIVERELOAD_SCRIPT"]:
        policy = livereload_policy(settings["CONTENT_SECURITY_POLICY"])
        settings["CONTENT_SECURITY_POLICY"] = policy
    settings["JINJA_FILTERS"] = {**FILTERS, **settings.get("JINJA_FILTERS", {})}


def register():
    signals.initialized.connect(check_autoescape)
    signals.initialized.connect(default_settings)
    signals.finalized.connect(write_headers)
    incremental.register()
