"""Reader's lazy people index behaves like the parsed file."""

from pelican.plugins.rapport_tweets.reader import _BytesLines, _PeopleIndex


def _index(text):
    return _PeopleIndex(_BytesLines(text.encode("utf-8")))


def test_people_index_reads_one_handle_at_a_time():
    rows = sorted(
        (h, str(root), str(tid), f"2020-01-0{tid % 9 + 1}")
        for h in ("ada", "adam", "bo", "zed")
        for root, tid in ((1, 10), (1, 11), (2, 20))
    )
    index = _index("".join("\t".join(r) + "\n" for r in rows))
    for handle in ("ada", "adam", "bo", "zed"):
        assert index.get(handle) == [r[1:] for r in rows if r[0] == handle]
        assert handle in index
    assert index.get("ad", ()) == ()
    assert index.get("zzz", ()) == ()
    assert "a" not in index
    assert _index("").get("ada", ()) == ()
