"""Create new posts: a dated Markdown file with a metadata skeleton, never overwriting."""

import re
from pathlib import Path

from pelican.utils import slugify

SKELETON = """\
Title: {title}
Date: {date} 09:00
Category: {category}
Tags: {tags}
Slug: {slug}
Summary: One sentence that says what this post is about.
Status: draft

Write here. Remove the `Status: draft` line above to publish.
"""

_SLUG_LINE = re.compile(r"^slug:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


class PostError(Exception):
    """A post could not be created; the message says why and what to do."""


def existing_slugs(posts_dir):
    """Slugs already used in ``posts_dir``: from `Slug:` lines, or file names."""
    slugs = set()
    for path in Path(posts_dir).glob("*.md"):
        match = _SLUG_LINE.search(path.read_text(encoding="utf-8", errors="replace"))
        slugs.add(
            match.group(1) if match else re.sub(r"^\d{4}-\d\d-\d\d-", "", path.stem)
        )
    return slugs


def unique_slug(title, taken):
    base = slugify(
        title,
        regex_subs=[
            (r"[^\w\s-]", ""),
            (r"(?u)\A\s*", ""),
            (r"(?u)\s*\Z", ""),
            (r"[-\s]+", "-"),
        ],
    )
    if not base:
        raise PostError(
            f"the title {title!r} has no letters or digits to make a slug from."
        )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def new_post(posts_dir, title, day, category="Networking", tags=""):
    """Write a draft post for ``title`` dated ``day``; returns its path."""
    title = " ".join(str(title).split())
    if not title:
        raise PostError('a post needs a title: invoke post.new "My title".')
    posts_dir = Path(posts_dir)
    posts_dir.mkdir(parents=True, exist_ok=True)
    slug = unique_slug(title, existing_slugs(posts_dir))
    path = posts_dir / f"{day.isoformat()}-{slug}.md"
    text = SKELETON.format(
        title=title,
        date=day.isoformat(),
        category=" ".join(category.split()) or "Networking",
        tags=", ".join(t.strip() for t in tags.split(",") if t.strip()),
        slug=slug,
    )
    try:
        # "x" refuses to replace a file that appeared since we chose the name.
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise PostError(f"{path} already exists; nothing was changed.") from None
    return path
