"""A Bluesky post record (`app.bsky.feed.post`) as a store record (network "bluesky").

The same post record comes from a repository export (DAG-CBOR, blob links as CID bytes)
and from the AppView (JSON, blob links as {"$link": cid}); both are read here, once. The
store record holds: id = the post's at:// URI, user_id = the author's DID,
reply_to_id = the parent's URI, conversation_id = the thread root's URI, quote_of = the
embedded post's URI, entities from the facets (code-point offsets), and one media entry
per image of `app.bsky.embed.images` with its alt text and aspect ratio; `remote` is the
image on Bluesky's CDN, which names the blob's CID (a CAR holds no blobs).
"""

from __future__ import annotations

from collections import Counter

import libipld

from ..archive import BadItem, parse_created_at
from ..record import BLUESKY, Media, Tweet
from .facets import entities

POST = "app.bsky.feed.post"
IMAGES = "app.bsky.embed.images"
RECORD = "app.bsky.embed.record"
RECORD_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"


def post_uri(did, rkey):
    return f"at://{did}/{POST}/{rkey}"


def did_of(uri):
    """The DID (or handle) an at:// URI names: 'at://did:plc:x/app.bsky.feed.post/1' ->
    'did:plc:x'; '' for anything else."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return ""
    return uri[5:].partition("/")[0]


def _ref_uri(ref):
    """The uri of a strong ref ({"uri", "cid"}), '' if there is none."""
    uri = ref.get("uri") if isinstance(ref, dict) else None
    return uri if isinstance(uri, str) and uri.startswith("at://") else ""


def blob_cid(blob):
    """The CID (string) of a blob: {"ref": CID bytes} from a CAR, {"ref": {"$link"}}
    from JSON, or the legacy {"cid": "..."}; '' if it names none."""
    if not isinstance(blob, dict):
        return ""
    ref = blob.get("ref")
    if isinstance(ref, bytes):
        try:
            return libipld.encode_cid(ref)
        except ValueError:
            return ""
    if isinstance(ref, dict) and isinstance(ref.get("$link"), str):
        return ref["$link"]
    return blob["cid"] if isinstance(blob.get("cid"), str) else ""


def _images(embed):
    """The app.bsky.embed.images part of an embed (alone or beside a quoted post)."""
    if not isinstance(embed, dict):
        return []
    kind = embed.get("$type")
    if kind == RECORD_WITH_MEDIA:
        return _images(embed.get("media"))
    if kind == IMAGES and isinstance(embed.get("images"), list):
        return [i for i in embed["images"] if isinstance(i, dict)]
    return []


def quoted_uri(embed):
    """The URI of the post an embed quotes ('' when it quotes no post: a feed, a list)."""
    if not isinstance(embed, dict):
        return ""
    kind = embed.get("$type")
    if kind == RECORD_WITH_MEDIA:
        return quoted_uri(embed.get("record"))
    if kind == RECORD:
        uri = _ref_uri(embed.get("record"))
        if uri and uri.split("/")[3:4] == [POST]:
            return uri
    return ""


def media_of(did, embed):
    """The record type's Media entries for the images of a post by `did`."""
    out = []
    for image in _images(embed):
        cid = blob_cid(image.get("image"))
        ratio = image.get("aspectRatio")
        ratio = ratio if isinstance(ratio, dict) else {}
        entry = {"type": "photo"}
        if isinstance(image.get("alt"), str):
            entry["alt"] = image["alt"]
        for name in ("width", "height"):
            if type(ratio.get(name)) is int and ratio[name] > 0:
                entry[name] = ratio[name]
        if cid:
            entry["remote"] = f"{CDN}/{did}/{cid}@jpeg"
        out.append(Media(**entry))
    return out


def record_from_post(uri, post, handle="", name="", counts=None):
    """The Tweet (the store's record type) of the post record `post` (a dict) at `uri`
    (at://DID/...).

    `counts` (a Counter) gathers what was mended: facets skipped, features unknown.
    BadItem when the post lacks what a record needs (its text is not text, no date)."""
    if not isinstance(post, dict) or post.get("$type", POST) != POST:
        raise BadItem("it is not an app.bsky.feed.post record")
    text = post.get("text", "")
    if not isinstance(text, str):
        raise BadItem("its text is not text")
    created = post.get("createdAt")
    if not isinstance(created, str):
        raise BadItem("it has no createdAt date")
    did = did_of(uri)
    # Only the fields a post has: the store leaves empty ones out of its line anyway.
    fields = {
        "id": uri,
        "network": BLUESKY,
        "created_at": parse_created_at(created),
        "user_id": did,
        "handle": handle,
        "name": name,
        "text": text,
    }
    langs = post.get("langs")
    if langs and isinstance(langs, list) and isinstance(langs[0], str):
        fields["lang"] = langs[0]
    mentions = ()
    if post.get("facets"):
        found = entities(text, post["facets"])
        if counts is not None:
            counts["facets skipped"] += found.skipped
            counts["features unknown"] += found.unknown
        mentions = found.mentions
        fields["mentions"] = mentions
        fields["hashtags"] = found.hashtags
        fields["urls"] = found.urls
    reply = post.get("reply")
    if reply and isinstance(reply, dict):
        parent = _ref_uri(reply.get("parent"))
        fields["reply_to_id"] = parent
        fields["conversation_id"] = _ref_uri(reply.get("root"))
        parent_did = did_of(parent)
        if parent_did:
            # The parent's author is named by DID only: their handle is known when it
            # is the author's own thread, or when the reply @mentions them.
            known = {m.id: m.handle for m in mentions}
            known[did] = handle
            fields["reply_to_user_id"] = parent_did
            fields["reply_to_handle"] = known.get(parent_did, "")
    embed = post.get("embed")
    if embed:
        fields["quote_of"] = quoted_uri(embed)
        fields["media"] = media_of(did, embed)
    return Tweet(**fields)


def records_from_repo(repo, handle="", counts=None):
    """Store records of a Repo's posts (bluesky.car); a post that cannot be one is
    counted in `counts["posts skipped"]` and left out."""
    counts = Counter() if counts is None else counts
    name = repo.profile.get("displayName", "")
    name = name if isinstance(name, str) else ""
    for rkey, post in repo.posts():
        try:
            yield record_from_post(post_uri(repo.did, rkey), post, handle, name, counts)
        except BadItem:
            counts["posts skipped"] += 1
