"""The contact log: people pages for listed people, a privacy audit of every build.

Receivers are module-level functions: Pelican (blinker) holds them weakly. Signals stay
connected for the life of the process, so each receiver first checks that this plugin is
enabled for the build at hand.
"""

from pelican import signals

from . import settings as defaults
from .audit import PrivacyAuditError, audit_build, audit_site, audit_staged
from .generator import PeopleGenerator
from .model import PeopleError, PeopleInvalid, PersonFileError
from .static_links import PrivateStaticFileError, check_static_files

__all__ = [
    "PeopleError",
    "PeopleGenerator",
    "PeopleInvalid",
    "PersonFileError",
    "PrivacyAuditError",
    "PrivateStaticFileError",
    "audit_site",
    "enabled",
    "register",
]


def enabled(settings):
    """True when a build with `settings` uses this plugin: PLUGINS names it (short or
    dotted name, or the module), or is unset (Pelican loads every installed plugin).
    Receivers stay connected for the life of the process, and a later build in it may
    not use this plugin."""
    plugins = settings.get("PLUGINS")
    names = (str(getattr(p, "__name__", p)) for p in plugins or ())
    return plugins is None or any(
        n.rsplit(".", 1)[-1] == "rapport_people" for n in names
    )


def configure(pelican):
    """Fill in our defaults and keep every reader away from the person files."""
    if not enabled(pelican.settings):
        return
    for name, value in defaults.DEFAULTS.items():
        pelican.settings.setdefault(name, value)
    # A person file read as an article or copied as a static file would publish its
    # private: mapping; exclude the folder whatever ARTICLE_PATHS and STATIC_PATHS say.
    people_path = pelican.settings["PEOPLE_PATH"]
    for name in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        excludes = list(pelican.settings.get(name) or [])
        if people_path not in excludes:
            pelican.settings[name] = [*excludes, people_path]


def get_generators(pelican):
    return PeopleGenerator if enabled(pelican.settings) else None


def static_files(generator):
    """Before anything is copied: no static file from the contact log, the overlay or
    outside PATH."""
    if enabled(generator.settings):
        check_static_files(
            generator.settings,
            generator.staticfiles,
            generator.context.get("generated_content", {}),
            generator.context.get("static_links", ()),
        )


# Sent before the audit so that files written at the end of the build (the search
# index) are written, and audited, whatever order blinker calls finalized receivers in.
before_audit = signals.signal("rapport_before_audit")


def finalized(pelican):
    if enabled(pelican.settings):
        before_audit.send(pelican)
        audit_build(pelican)


def audit_staged_files(pelican, root):
    """rapport_audit_staged receiver: audit files written after the build (preview
    mode's search index) before they are moved into the output folder."""
    if enabled(pelican.settings):
        audit_staged(pelican, root)


def register():
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
    signals.static_generator_finalized.connect(static_files)
    signals.finalized.connect(finalized)
    signals.signal("rapport_audit_staged").connect(audit_staged_files)
