"""The privacy audit's matching, without a site build: what one written file's bytes
become (`reader_views`, `normal`), what is searched for (`collect_secrets`,
`build_automaton`), and which (slug, field) a file gives away (`found_in`, `scan`).

test_people_audit.py plants canaries in real builds; these tests hold the same rules on
one string or one file at a time, in milliseconds.
"""

import gzip
import logging
import types
import zlib

import pytest

from pelican.plugins.rapport_people import audit
from pelican.plugins.rapport_people.audit import (
    Finding,
    PrivacyAuditError,
    audit_build,
    audit_output,
    audit_site,
    build_automaton,
    collect_secrets,
    found_in,
    matches,
    normal,
    reader_views,
    scan,
)
from pelican.plugins.rapport_people.model import Limits, PeopleError, check_people

ADA = "Dev Fictional"


def automaton(*secrets, min_length=4, allow=()):
    return build_automaton(list(secrets), min_length, allow)


def found(data, *secrets, path="page.html"):
    data = data.encode("utf-8") if isinstance(data, str) else data
    return found_in(path, data, automaton(*secrets))


NAME = ("dev", "name", ADA)


# --- the normal form ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Dev  \t Fictional", "dev fictional"),
        ("Dev&nbsp;Fictional", "dev fictional"),
        ("Dev&#32;Fic&shy;tional", "dev fictional"),
        ("<b>Dev</b>\n  <i>Fictional</i>", "dev fictional"),
        ("DEV FICTIONAL", "dev fictional"),
        ("Ｄｅｖ Ｆｉｃｔｉｏｎａｌ", "dev fictional"),
        ("Dev&amp;amp;Co &lt;x&gt; &quot;q&quot; &#39;s", 'dev&co "q" \'s'),
        ("  Dev Fictional  ", "dev fictional"),
        ("Dev\u200bFic\u2060tional", "devfictional"),
        ("Stra\u00dfe", "strasse"),
    ],
)
def test_the_normal_form(written, read):
    assert normal(written) == read


def test_entities_are_decoded_twice_not_three_times():
    assert normal("&amp;#97;da") == "ada"
    assert normal("&amp;amp;lt;b") == "&lt;b"


def test_a_json_escaped_string_is_read_unescaped():
    views = list(reader_views(b'{"name": "Dev \\u0046ictional \\ud83d\\ude00\\n"}'))
    assert "dev fictional \U0001f600" in views[-1]


@pytest.mark.parametrize(
    "data",
    [
        b"<a href='/people/Dev%20Fictional/'>x</a>",
        b"<a href='/search?q=Dev+Fictional'>x</a>",
        b"see Dev%20Fictional",
    ],
)
def test_url_escaped_text_and_attributes_are_read_decoded(data):
    assert found(data, NAME) == {("dev", "name")}


def test_a_tags_attributes_are_searched_as_well_as_its_text():
    assert found('<img alt="Dev Fictional" src="x.png">', NAME) == {("dev", "name")}
    assert found("<p>nothing here</p>", NAME) == set()


def test_text_split_by_tags_reads_as_a_reader_sees_it():
    assert found("<p>Dev</p>\n    <p>Fictional</p>", NAME) == {("dev", "name")}


def test_a_binary_file_is_read_by_its_text_runs():
    data = b"\x00\x01\xff\xfe" + b"Dev Fictional was here" + b"\x00\xff"
    assert found(data, NAME, path="a.bin") == {("dev", "name")}
    assert found(b"\xff\x00Dev Fic\x00\xfe", NAME, path="a.bin") == set()


def test_a_path_is_searched_with_its_separators_as_spaces():
    assert found(b"", NAME, path="photos/Dev_Fictional.jpg") == {("dev", "name")}
    assert found(b"", NAME, path="photos/dev.fictional.jpg") == {("dev", "name")}
    assert found(b"", ("dev", "slug", "dev-fictional"), path="dev-fictional/i.html")


# --- what is searched for ------------------------------------------------------------


def test_matches_needs_the_whole_secret_past_the_window():
    long = "Canary notes Q7 thinking of leaving the company next spring"
    auto = automaton(("dev", "private.notes", long))
    assert list(matches(auto, normal(long))) == [(("dev", "private.notes"),)]
    assert list(matches(auto, normal(long[:40]))) == []
    assert list(matches(auto, "xx " + normal(long) + " yy")) == [
        (("dev", "private.notes"),)
    ]


def test_two_people_sharing_a_string_are_both_named():
    auto = automaton(
        ("ada", "where", "Old Bank Tea Rooms"), ("bo", "where", "Old Bank Tea Rooms")
    )
    assert list(matches(auto, "old bank tea rooms")) == [
        (("ada", "where"), ("bo", "where"))
    ]


def test_short_common_and_one_word_strings_are_not_searched():
    assert automaton(("dev", "where", "Leeds")) is None  # one word
    assert automaton(("dev", "private.notes", "abc"), min_length=4) is None
    assert automaton(("dev", "body", "## About me")) is None  # common words
    assert automaton(("dev", "name", "Bo")) is None
    assert automaton(("dev", "name", "Bo Li"), min_length=4) is not None
    long_common = "the one and the other and all of them are here"
    assert automaton(("dev", "body", long_common)) is not None


def test_a_secret_is_searched_by_each_line_and_without_closing_punctuation():
    notes = ("dev", "private.notes", "Leaving Acme Widgets soon.\nMoving to Quxtown!")
    assert found("<p>leaving acme widgets soon</p>", notes) == {
        ("dev", "private.notes")
    }
    assert found("<p>Moving to Quxtown</p>", notes) == {("dev", "private.notes")}


def test_a_title_made_of_a_secret_is_found_as_its_slug():
    where = ("dev", "where", "Qxtea Rooms Manchester")
    assert found(b"", where, path="2015/01/qxtea-rooms-manchester/index.html") == {
        ("dev", "where")
    }


def test_an_allowed_field_or_string_is_not_searched(caplog):
    where = ("dev", "where", "Old Bank Tea Rooms")
    assert automaton(where, allow=[("dev", "where")]) is None
    assert automaton(where, allow=[("dev", "where", "old bank tea rooms.")]) is None
    notes = ("dev", "private.notes", "Qxalpha line one\nQxbeta line two")
    auto = automaton(notes, allow=[("dev", "private", "Qxalpha line one")])
    assert list(matches(auto, "qxalpha line one")) == []
    assert list(matches(auto, "qxbeta line two")) == [(("dev", "private.notes"),)]


def test_an_allow_entry_that_matches_nothing_is_a_warning(caplog):
    automaton(("dev", "where", "Old Bank Tea Rooms"), allow=[("dev", "where", "nope")])
    assert [r.getMessage() for r in caplog.records] == [
        "PEOPLE_AUDIT_ALLOW: the entry for field 'where' of dev matches no string the "
        "audit searches for; check its slug, field and string, or remove it"
    ]


@pytest.mark.parametrize(
    "entry", [("dev",), ("dev", "where", "x", "y"), ("dev", 3), "dev"]
)
def test_a_malformed_allow_entry_is_refused(entry):
    with pytest.raises(PeopleError) as refused:
        automaton(("dev", "name", ADA), allow=[("dev", "where"), entry])
    assert str(refused.value) == (
        "PEOPLE_AUDIT_ALLOW, entry 2: is not a pair or a triple of text. Write "
        '("slug", "field") to allow a whole field, or ("slug", "field", "the exact '
        'string") to allow one string of it.'
    )


def test_allowing_the_whole_value_of_a_field_allows_each_of_its_lines():
    notes = ("dev", "private.notes", "Qxalpha line one\nQxbeta line two")
    allow = [("dev", "private.notes", "Qxalpha line one\nQxbeta line two")]
    assert automaton(notes, allow=allow) is None


def _people(tmp_path, files):
    people, private = tmp_path / "people", tmp_path / "private"
    for name, text in files.items():
        path = (private if name.endswith(".yml") else people) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return check_people(people, private, Limits())


def test_secrets_of_an_unlisted_and_a_listed_person(tmp_path):
    people = _people(
        tmp_path,
        {
            "dev-fictional.md": "---\nname: Dev Fictional\nwebsite: https://www.dev.example/\n"
            "where: Qxtea Rooms\nconsent: by email\nprivate:\n  notes: Knows Qx\n"
            "  keep_in_touch: 8w\n  log:\n    - {date: 2013-04-16, via: coffee, note: Qxnote}\n"
            "---\n## About\n\nBuilds *booking* tools.\nLikes tea.\n",
            "ada.md": "---\nname: Ada\nlisted: true\nconsent: Qxconsent\nprivate:\n"
            "  email: ada@example.org\n---\nPublic blurb.\n",
            "ada.yml": "email: ada@private.example\n",
            "gone.yml": "notes: Orphan Qx\n",
        },
    )
    assert collect_secrets(people) == [
        ("ada", "private.email", "ada@example.org"),
        ("ada", "private.email", "ada@private.example"),
        ("ada", "consent", "Qxconsent"),
        ("dev-fictional", "private.notes", "Knows Qx"),
        ("dev-fictional", "private.log[0].note", "Qxnote"),
        ("dev-fictional", "consent", "by email"),
        ("dev-fictional", "name", "Dev Fictional"),
        ("dev-fictional", "slug", "dev-fictional"),
        ("dev-fictional", "website", "https://www.dev.example/"),
        ("dev-fictional", "website", "dev.example"),
        ("dev-fictional", "where", "Qxtea Rooms"),
        ("dev-fictional", "body", "About"),
        ("dev-fictional", "body", "Builds booking tools. Likes tea."),
        ("dev-fictional", "body", "Builds  booking tools."),  # normal() folds it
        ("dev-fictional", "body", "Likes tea."),
        ("gone", "private.notes", "Orphan Qx"),
    ]


# --- files and the error -------------------------------------------------------------


def test_a_gzip_file_and_a_pngs_text_are_read_decompressed(tmp_path):
    text = b"Comment\0\0" + zlib.compress(b"by Dev Fictional")
    ztxt = len(text).to_bytes(4, "big") + b"zTXt" + text + b"\0\0\0\0"
    idat = (13).to_bytes(4, "big") + b"IDAT" + b"Dev Fictional" + b"\0\0\0\0"
    png = b"\x89PNG\r\n\x1a\n" + idat + ztxt
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.gz").write_bytes(gzip.compress(b"Dev Fictional"))
    (out / "card.png").write_bytes(png)
    (out / "pixels.png").write_bytes(b"\x89PNG\r\n\x1a\n" + idat)
    (out / "bad.gz").write_bytes(b"\x1f\x8bDev Fictional")
    assert scan(out, automaton(NAME)) == [
        Finding("bad.gz", "dev", "name"),  # not gzip after all: read as written
        Finding("card.png", "dev", "name"),
        Finding("index.gz", "dev", "name"),
    ]


def test_scan_names_every_file_that_holds_a_secret(tmp_path):
    out = tmp_path / "output"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("<p>Dev Fictional</p>\n<p>same line</p>\n")
    (out / "b.html").write_text("<p>Dev Fictional</p>\n<p>same line</p>\n")
    (out / "c.html").write_text("<p>nothing</p>\n")
    assert scan(out, automaton(NAME)) == [
        Finding("a/index.html", "dev", "name"),
        Finding("b.html", "dev", "name"),
    ]
    assert scan(out, None) == [] and scan(tmp_path / "none", automaton(NAME)) == []


def test_the_error_names_files_and_fields_never_values():
    findings = [Finding(f"p{n:02}.html", "dev", "name") for n in range(52)]
    message = str(PrivacyAuditError([Finding("a.html", "dev", "where"), *findings]))
    assert message.startswith(
        "Privacy audit: 53 written file(s) contain private or unlisted contact-log "
        "data (values are not shown):\n  - a.html: where of dev\n  - p00.html: name of dev\n"
    )
    assert "  - p48.html: name of dev\n  - and 3 more\nThe build failed" in message
    assert "p49.html" not in message


def test_a_pngs_pixels_are_not_searched_even_with_bytes_after_its_last_chunk(tmp_path):
    """Compressed pixels are not text a reader sees; a few stray bytes after the last
    chunk (fewer than a chunk header) do not make the file a broken PNG."""
    idat = (13).to_bytes(4, "big") + b"IDAT" + b"Dev Fictional" + b"\0\0\0\0"
    out = tmp_path / "output"
    out.mkdir()
    (out / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + idat + b"\0\0\0\x09X")
    assert scan(out, automaton(NAME)) == []


def test_a_compressed_itxt_chunk_is_read_decompressed(tmp_path):
    body = b"Description\0\x01\x00en\0Beschreibung\0" + zlib.compress(b"Dev Fictional")
    itxt = len(body).to_bytes(4, "big") + b"iTXt" + body + b"\0\0\0\0"
    out = tmp_path / "output"
    out.mkdir()
    (out / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + itxt)
    assert scan(out, automaton(NAME)) == [Finding("card.png", "dev", "name")]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("where", "Qxtea Rooms"),  # two words: a place, searched
        ("private.notes", "qx zz"),  # short words that are not common ones
        ("private.notes", "the 123"),  # a number of three digits
        ("body", "and the one of all the other of them here"),  # 41 characters
        ("body", "and the one of all the other of them are"),  # exactly 40
    ],
)
def test_what_is_distinctive_enough_to_search(field, text):
    assert automaton(("dev", field, text)) is not None


@pytest.mark.parametrize(
    ("field", "text"), [("private.notes", "the 12 of"), ("body", "and the one of all")]
)
def test_common_words_and_small_numbers_are_not_searched(field, text):
    assert automaton(("dev", field, text)) is None


def test_a_name_split_between_two_text_runs_of_a_binary_file_is_found():
    data = b"\x00\x01xxxx Dev\xffFictional zz\x00"
    assert found(data, NAME, path="font.woff") == {("dev", "name")}


def test_private_booleans_and_empty_values_are_not_secrets(tmp_path):
    people = _people(
        tmp_path,
        {"ada.md": "---\nname: Ada\nprivate:\n  newsletter: true\n  kids:\n---\n"},
    )
    assert [s for s in collect_secrets(people) if s[1].startswith("private")] == []


def test_damaged_compressed_data_is_read_as_written(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    whole = gzip.compress(b"Dev Fictional " * 50)
    (out / "cut.gz").write_bytes(whole[: len(whole) // 2])  # ends early: EOFError
    (out / "bad.gz").write_bytes(whole[:10] + b"\xff" * 20 + b"Dev Fictional")
    bad = b"Comment\0\0" + b"\xff\xfe not zlib"
    ztxt = len(bad).to_bytes(4, "big") + b"zTXt" + bad + b"\0\0\0\0"
    text = b"Author\0Dev Fictional"
    t = len(text).to_bytes(4, "big") + b"tEXt" + text + b"\0\0\0\0"
    (out / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + ztxt + t)
    assert scan(out, automaton(NAME)) == [
        Finding("bad.gz", "dev", "name"),
        Finding("card.png", "dev", "name"),
    ]


def test_a_secret_of_exactly_the_minimum_length_is_searched():
    assert found("<p>Bo Li</p>", ("bo", "name", "Bo Li")) == {("bo", "name")}
    auto = automaton(("bo", "name", "Bo Li"), min_length=5)
    assert list(matches(auto, "bo li")) == [(("bo", "name"),)]


def test_a_slug_of_exactly_the_minimum_length_is_searched_and_a_shorter_one_is_not():
    # "Zoë Li" is slugged "zoe-li" (6 characters), "Dr. Bo" "dr-bo" (5).
    auto = automaton(("zoe", "name", "Zoë Li"), min_length=6)
    assert list(matches(auto, "/people/zoe-li/")) == [(("zoe", "name"),)]
    auto = automaton(("bo", "name", "Dr. Bo"), min_length=6)
    assert list(matches(auto, "dr. bo")) == [(("bo", "name"),)]
    assert list(matches(auto, "see dr-bob's notes")) == []


def test_a_secret_is_searched_as_its_slug_up_to_a_titles_length():
    title = "Qxleaving " + "b" * 60 + " Qx rooms"  # 79 characters, 80 and 81
    for text, slugged in ((title, True), (title + "s", True), (title + "ss", False)):
        slug = normal(text).replace(" ", "-")
        secret = ("dev", "private.notes", text)
        assert found(b"", secret, path=f"{slug}.html") == (
            {("dev", "private.notes")} if slugged else set()
        )
        assert found(f"<p>{text}</p>", secret) == {("dev", "private.notes")}


def test_a_secret_with_a_space_before_its_closing_punctuation_is_found():
    notes = ("dev", "private.notes", "Déménage à Quxville !")  # French spacing
    assert found("<p>Elle déménage à Quxville</p>", notes) == {("dev", "private.notes")}


def test_a_bare_website_is_searched_to_its_last_letter(tmp_path):
    people = _people(
        tmp_path,
        {
            "dev.md": "---\nname: Dev Fictional\nwebsite: https://qx.example/LaTeX/\n---\n"
        },
    )
    auto = build_automaton(collect_secrets(people), 4, ())
    assert list(matches(auto, normal("see qx.example/LaTeX for notes"))) == [
        (("dev", "website"),)
    ]
    assert list(matches(auto, normal("see qx.example/latest for news"))) == []


def test_a_plus_is_a_space_only_in_a_query_string():
    # C+Qx is not "c qx": only a query value's + stands for a space (100% too).
    assert found("<p>100% of C+Qx Rooms</p>", ("dev", "where", "C Qx Rooms")) == set()
    assert found("<p>C+Qx Rooms</p>", ("dev", "where", "C Qx Rooms")) == set()
    link = "<a href='/search?q=C+Qx+Rooms'>x</a>"
    assert found(link, ("dev", "where", "C Qx Rooms")) == {("dev", "where")}


def test_a_binary_file_is_searched_whole_even_where_a_clean_page_had_its_lines(
    tmp_path,
):
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.html").write_text("<p>x</p>\nFictional zz\n")
    (out / "b.woff").write_bytes(b"\xff\x00xxxx Dev\nFictional zz")
    assert scan(out, automaton(NAME)) == [Finding("b.woff", "dev", "name")]


def test_compressed_itxt_with_empty_language_and_translated_keyword_is_read(tmp_path):
    # As Pillow writes it (lang="", tkey=""); the compressed text holds NUL bytes.
    text = zlib.compress(b"Dev Fictional")
    assert b"\0" in text
    body = b"Description\0\x01\x00\0\0" + text
    itxt = len(body).to_bytes(4, "big") + b"iTXt" + body + b"\0\0\0\0"
    out = tmp_path / "output"
    out.mkdir()
    (out / "card.png").write_bytes(b"\x89PNG\r\n\x1a\n" + itxt)
    assert scan(out, automaton(NAME)) == [Finding("card.png", "dev", "name")]


def test_the_sites_own_slug_substitutions_are_used(tmp_path):
    people = _people(tmp_path, {"dev.md": "---\nname: Dev Qxfictional\n---\n"})
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("<a href='/people/dev_qxfictional/'>x</a>\n")
    subs = [
        (r"[^\w\s-]", ""),
        (r"(?u)\A\s*", ""),
        (r"(?u)\s*\Z", ""),
        (r"[-\s]+", "_"),
    ]
    assert audit_output(out, people, {"SLUG_REGEX_SUBSTITUTIONS": subs}) == [
        Finding("index.html", "dev", "name")
    ]
    assert audit_output(out, people, {}) == []


def test_the_audit_says_when_it_is_off_and_how_long_it_took(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="pelican.plugins.rapport_people.audit")
    out = tmp_path / "output"
    out.mkdir()
    settings = {
        "PATH": str(tmp_path),
        "PEOPLE_PRIVATE_PATH": str(tmp_path / "private"),
        "OUTPUT_PATH": str(out),
    }
    off = types.SimpleNamespace(settings={**settings, "PEOPLE_AUDIT": False})
    audit_build(off)
    audit_build(types.SimpleNamespace(settings=settings, output_path=str(out)))
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "The privacy audit is off (PEOPLE_AUDIT = False)"
    assert messages[1].startswith(f"Privacy audit of {out} took ")
    assert messages[1].endswith(" s") and len(messages) == 2
    assert 0 <= float(messages[1].split()[-2]) < 60


def test_the_audit_reads_the_contact_log_within_the_sites_limits(tmp_path):
    _people(tmp_path, {"dev.md": "---\nname: Dev Fictional\n---\n" + "Tea.\n" * 40})
    out = tmp_path / "output"
    out.mkdir()
    settings = {
        "PATH": str(tmp_path),
        "PEOPLE_PATH": "people",
        "PEOPLE_PRIVATE_PATH": str(tmp_path / "private"),
        "OUTPUT_PATH": str(out),
    }
    assert audit_site(settings) == []
    with pytest.raises(PeopleError, match=r"dev\.md"):
        audit_site({**settings, "PEOPLE_MAX_FILE_BYTES": 100})


def test_each_distinct_line_is_searched_once_and_only_so_many_are_remembered(
    tmp_path, monkeypatch
):
    """What keeps the audit quick: a line searched clean is not searched again, and
    memory stays flat: past _MAX_SEARCHED lines the audit forgets them."""
    out = tmp_path / "output"
    out.mkdir()
    (out / "a.html").write_text("<p>Café a</p>\n<p>from a</p>\n", encoding="utf-8")
    (out / "b.html").write_text("<p>Café b</p>\n", encoding="utf-8")
    (out / "c.html").write_text("<p>Café c</p>\n<p>from a</p>\n", encoding="utf-8")
    (out / "d.html").write_text("<p>Café a</p>\n", encoding="utf-8")
    searched = []
    real = audit.found_in
    monkeypatch.setattr(
        audit, "found_in", lambda *args: searched.append(args[:2]) or real(*args)
    )
    monkeypatch.setattr(audit, "_MAX_SEARCHED", 3)
    assert scan(out, automaton(NAME)) == []
    assert searched == [
        ("a.html", "<p>Café a</p>\n<p>from a</p>\n".encode()),  # 3 lines remembered
        ("b.html", "<p>Café b</p>".encode()),  # 3, not more than 3: kept, and 1 more
        ("c.html", "<p>Café c</p>".encode()),  # then 4: all forgotten
        ("d.html", "<p>Café a</p>".encode()),
    ]


def test_only_a_fields_whole_value_is_slugged_not_each_of_its_lines():
    """A title made from a field is its whole value; each line is searched as written
    (a page shows it), and slugging every line too would grow the automaton with
    every line of every note."""
    auto = automaton(("dev", "private.notes", "Qxalpha line one\nQxbeta line two"))
    assert len(auto) == 4  # the whole value and its slug, and each line
    assert list(matches(auto, "qxalpha-line-one-qxbeta-line-two")) == [
        (("dev", "private.notes"),)
    ]
