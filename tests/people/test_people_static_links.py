"""{static} and {attach} links never publish the contact log or the private overlay."""

import pytest

from pelican.plugins.rapport_people.static_links import PrivateStaticFileError

pytestmark = pytest.mark.slow

ADA = """
    name: Ada Example
    twitter: adaexample
    listed: true
    consent: 2013-04-20, by email
    private:
      email: ada-secret@example.com
      notes: Ada's private note about the Wren Street office
"""
DEV = """
    name: Dev Fictional
    private:
      email: dev-secret@example.com
"""
OVERLAY = """
    email: ada-overlay-secret@example.com
    notes: Overlay note that only lives in private/
"""
SECRETS = (
    b"ada-secret@example.com",
    b"Wren Street",
    b"dev-secret@example.com",
    b"ada-overlay-secret@example.com",
    b"Overlay note",
)


@pytest.fixture
def site(tiny_site):
    tiny_site.person("ada-example", ADA, "Ada writes about law.\n")
    tiny_site.person("dev-fictional", DEV)
    tiny_site.overlay("ada-example", OVERLAY)
    tiny_site.post("hello", "Hello world.")
    return tiny_site


def assert_nothing_private_written(site):
    for path in site.files():
        data = path.read_bytes()
        assert not any(secret in data for secret in SECRETS), site.rel(path)
        assert path.suffix not in (".md", ".yml"), site.rel(path)


@pytest.mark.parametrize(
    "link",
    [
        "{static}/people/dev-fictional.md",
        "{attach}../people/ada-example.md",
        "{attach}../../private/people/ada-example.yml",
        "{static}../../private/people/ada-example.yml",
    ],
)
def test_a_static_link_to_the_contact_log_fails_the_build_and_copies_nothing(
    site, link
):
    site.post("linker", f"See [this]({link}).")
    with pytest.raises(PrivateStaticFileError) as failed:
        site.build()
    message = str(failed.value)
    assert "posts/linker.md" in message
    assert link in message
    assert "secret" not in message and "note" not in message.lower()
    assert_nothing_private_written(site)


def test_the_build_process_exits_non_zero_naming_post_and_link(
    site, subprocess_build, repo_root
):
    site.post("linker", "See [Dev]({static}/people/dev-fictional.md).")
    settings = site.settings()
    names = ("PATH", "OUTPUT_PATH", "CACHE_PATH", "PLUGINS", "PEOPLE_PRIVATE_PATH")
    overrides = {name: settings[name] for name in names}
    result, report = subprocess_build(repo_root / "pelicanconf.py", overrides)
    assert result.returncode != 0
    assert "posts/linker.md" in report["failed"]
    assert "{static}/people/dev-fictional.md" in report["failed"]
    assert_nothing_private_written(site)


def test_static_paths_that_include_the_overlay_fail_the_build(site):
    (site.content / "private").symlink_to(site.private.parent)
    with pytest.raises(PrivateStaticFileError) as failed:
        site.build(STATIC_PATHS=["private"])
    assert "STATIC_PATHS" in str(failed.value)
    assert_nothing_private_written(site)


def test_ordinary_static_links_still_copy(site):
    """The guard refuses private files only: images beside the posts are copied."""
    (site.content / "images").mkdir()
    (site.content / "images" / "cup.png").write_bytes(b"cup")
    (site.content / "images" / "mug.png").write_bytes(b"mug")
    site.post("linker", "![A]({static}/images/cup.png) ![B]({attach}../images/mug.png)")
    site.build()
    assert (site.output / "images" / "cup.png").read_bytes() == b"cup"
    assert (site.output / "2015" / "01" / "linker" / "mug.png").read_bytes() == b"mug"


def test_a_symlinked_photo_folder_is_still_copied(site, tmp_path):
    """Only climbing out of content/ is refused, not a symlink to photos kept elsewhere."""
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "cup.png").write_bytes(b"cup")
    (site.content / "images").symlink_to(photos)
    site.post("linker", "![A]({static}/images/cup.png)")
    site.build()
    assert (site.output / "images" / "cup.png").read_bytes() == b"cup"


def test_a_symlink_into_the_contact_log_is_refused(site):
    (site.content / "images").mkdir()
    (site.content / "images" / "dev.md").symlink_to(site.people / "dev-fictional.md")
    site.post("linker", "[x]({static}/images/dev.md)")
    with pytest.raises(
        PrivateStaticFileError, match="a person file of the contact log"
    ):
        site.build()
    assert_nothing_private_written(site)


def test_posts_are_read_for_their_links_only_when_a_link_is_refused(tmp_path):
    """The check goes by Pelican's own set of linked paths; a post's text is read only
    to name the post and link at fault."""
    from pelican.plugins.rapport_people.static_links import check_static_files

    class Unread:
        def __getattr__(self, name):
            raise AssertionError(f"a post's {name} was read though no link is refused")

    (tmp_path / "people").mkdir()
    settings = {"PATH": str(tmp_path), "PEOPLE_PATH": "people"}
    sources = {"posts/a.md": Unread()}
    check_static_files(settings, [], sources, {"images/cup.png"})
    with pytest.raises(AssertionError, match="no link is refused"):
        check_static_files(settings, [], sources, {"people/dev.md"})
