"""Each tag's, category's and author's posts answer `post in posts` from a set.

Pelican 4.12's ArticlesGenerator picks each tag, category and author page's posts out
of every post in date order before it writes the page (generate_tags:
`[article for article in self.dates if article in articles]`): every post is looked up
in every such list, a scan of the list each time. At 2,000 posts and some 800 tags that
is about 0.1 s of every build (a tenth of a preview save). post_lists (connected to
article_generator_finalized by the plugin) makes each of those lists a PostList, which
answers the same question from a set of its posts.
Templates, feeds and paginators see the same posts in the same order: the output is
byte-identical.
"""


class PostList(list):
    """A list of posts whose `in` is a set lookup (for posts, each equal only to
    itself) until the list changes; then, or for a list or an object with an equality
    of its own, it scans as a list does."""

    def __init__(self, posts):
        super().__init__(posts)
        # Ids of the posts the list holds (and so keeps alive), with their count; None
        # once the list changed, or when an item compares otherwise than by identity.
        self._members = None
        if all(type(post).__eq__ is object.__eq__ for post in self):
            self._members = frozenset(map(id, self))
        self._count = len(self)

    def __contains__(self, item):
        if (
            self._members is not None
            and len(self) == self._count  # list.append(posts, p) bypasses ours
            and type(item).__eq__ is object.__eq__
        ):
            return id(item) in self._members
        return super().__contains__(item)

    def __reduce__(self):
        # A copy or an unpickled list holds other objects: it makes its own set.
        return PostList, (list(self),)


def _forgetting(name):
    """list's method `name`, which also forgets the list's members."""
    method = getattr(list, name)

    def forgetting(self, *args):
        self._members = None
        return method(self, *args)

    forgetting.__name__ = forgetting.__qualname__ = name
    return forgetting


for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append",
              "extend", "insert", "pop", "remove", "clear"):  # fmt: skip
    setattr(PostList, _name, _forgetting(_name))


def post_lists(generator):
    """Make every tag's, category's and author's list of posts a PostList, in the
    generator and in the context (where Pelican's _update_context put the same lists:
    its pairs are replaced in place)."""
    made = {}  # id of a list -> (that list, held so the id stays its own; its PostList)

    def post_list(posts):
        hit = made.get(id(posts))
        if hit is None:
            hit = made[id(posts)] = (posts, PostList(posts))
        return hit[1]

    for tag, posts in generator.tags.items():
        generator.tags[tag] = post_list(posts)
    for pairs in (
        generator.context.get("tags"),
        generator.categories,
        generator.authors,
    ):
        for at, (name, posts) in enumerate(pairs or ()):
            pairs[at] = (name, post_list(posts))
