"""The site plugin's receivers act only in builds that list it (Pelican's signals stay
connected for the life of the process), and its defaults are applied once."""

from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parents[2]


def _build(tmp_path, plugins, **override):
    content = tmp_path / "content"
    content.mkdir(parents=True)
    (content / "hello.md").write_text("Title: Hello\nDate: 2020-01-01\n\nHi.\n")
    settings = read_settings(
        path=None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "PLUGINS": plugins,
            "TIMEZONE": "UTC",
            "JINJA_ENVIRONMENT": {"autoescape": True},
            **override,
        },
    )
    Pelican(settings).run()
    return settings, tmp_path / "output"


def test_a_later_build_without_the_site_plugin_is_left_alone(tmp_path):
    settings, output = _build(tmp_path / "with", ["pelican.plugins.rapport_site"])
    assert (output / "_headers").is_file()
    assert settings["SECURITY_HEADERS_SAVE_AS"] == "_headers"
    settings, output = _build(
        tmp_path / "without", [], JINJA_ENVIRONMENT={"autoescape": False}
    )
    assert not (output / "_headers").exists()
    assert "CONTENT_SECURITY_POLICY" not in settings
