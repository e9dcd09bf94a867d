"""Tag, category and author pages pick their posts from sets (rapport_site/taxonomy.py),
with the answers a list gives."""

import random
import types

from pelican.plugins.rapport_site.taxonomy import PostList, post_lists


class Post:
    """Equal only to itself, as Pelican's Article."""


def test_a_post_list_answers_in_as_a_list_does():
    rng = random.Random(5)
    posts = [Post() for _ in range(60)]
    for _ in range(200):
        members = rng.sample(posts, rng.randrange(0, 12))
        fast = PostList(members)
        assert fast == members
        assert [p for p in posts if p in fast] == [p for p in posts if p in members]


def test_a_changed_post_list_still_answers_right():
    a, b, c = Post(), Post(), Post()
    posts = PostList([a])
    posts.append(b)
    assert b in posts and c not in posts
    posts[0] = c
    assert a not in posts and c in posts
    posts = PostList([a, b])
    posts.remove(a)
    assert a not in posts
    posts = PostList([a])
    posts += [b]
    assert b in posts


def test_objects_with_their_own_equality_compare_as_in_a_list():
    assert "".join(["t", "ag"]) in PostList(["tag"])  # equal, not the same object
    assert 1.0 in PostList([1])

    class Proxy:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    assert Post() in PostList([Proxy()])  # as a list asks the item's own equality


def test_a_post_list_changed_around_its_methods_or_pickled_still_answers_right():
    import copy
    import pickle

    a, b = Post(), Post()
    posts = PostList([a])
    list.append(posts, b)  # in C, past PostList's own append
    assert b in posts
    for twin in (
        pickle.loads(pickle.dumps(PostList([a]))),
        copy.deepcopy(PostList([a])),
    ):
        assert type(twin) is PostList and len(twin) == 1
        assert twin[0] in twin and a not in twin


def test_post_lists_swaps_every_list_in_place_and_in_the_context():
    a, b = Post(), Post()
    tags = {"x": [a], "y": [a, b]}
    categories, authors = [("misc", [a, b])], [("ann", [b])]
    # As Pelican's _update_context leaves them: the context holds the same lists.
    context = {"tags": list(tags.items()), "categories": categories, "authors": authors}
    generator = types.SimpleNamespace(
        tags=tags, categories=categories, authors=authors, context=context
    )
    pairs = context["tags"]
    post_lists(generator)
    assert all(type(v) is PostList for v in generator.tags.values())
    assert context["tags"] is pairs  # replaced in place, as categories and authors
    assert pairs == list(generator.tags.items())
    assert pairs[1][1] is generator.tags["y"]  # one list a tag, as before
    assert generator.categories is categories and context["authors"] is authors
    assert type(categories[0][1]) is PostList and categories[0][1] == [a, b]
    assert type(authors[0][1]) is PostList and authors[0][1] == [b]
