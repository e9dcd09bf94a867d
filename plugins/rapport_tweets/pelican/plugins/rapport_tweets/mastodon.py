"""Mastodon's account archive (zip or its folder) into the Mastodon store.

The archive (Preferences → Import and export → Data export → Request your archive)
holds `outbox.json`, an ActivityStreams OrderedCollection of the owner's activities:
`Create` (its `object` a `Note`: HTML `content`, `inReplyTo`, `tag`, `attachment`,
`to`/`cc`) and `Announce` (a boost: `object` is the boosted post's URI, nothing more);
`actor.json`, the owner; `media_attachments/...`, the owner's attachments.

Only public and unlisted posts enter the store: a post is public when the public
collection is in its `to` or `cc` (unlisted: in `cc`). Followers-only posts and direct
messages are counted and never stored, whatever else they hold.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import msgspec
from msgspec import Raw, Struct

from .archive import ArchiveError, _open_source, _same_account
from .gcpause import paused_gc
from .mastodon_html import parse_status_html
from .networks import open_store
from .record import MASTODON, BadRecord, media_name, network_of_id, tweet_of

PUBLIC = frozenset(
    ("https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public")
)
_STATUS_URI = re.compile(r"^https://([^/]+)/users/([^/]+)/statuses/[^/]+$")
_MEDIA_TYPES = (("image/gif", "animated_gif"), ("image/", "photo"), ("video/", "video"))


def is_public(*audiences):
    """Whether the public collection is among the addressees (`to` and `cc` lists or
    single values): public and unlisted posts are; followers-only and direct are not."""
    for audience in audiences:
        if isinstance(audience, str):
            audience = [audience]
        if isinstance(audience, list) and any(a in PUBLIC for a in audience):
            return True
    return False


def is_public_visibility(visibility):
    """The API's word for it: "public" and "unlisted" are public; "private"
    (followers only) and "direct" are not."""
    return visibility in ("public", "unlisted")


def with_warning(text, entities, warning):
    """(text, entities) with a content warning shown first, as Mastodon shows it: it
    is the owner's public words too. Entity offsets move with the text."""
    if not (isinstance(warning, str) and warning.strip()):
        return text, entities
    prefix = f"CW: {warning.strip()}\n\n"
    for group in entities:
        for entity in group:
            entity["start"] += len(prefix)
            entity["end"] += len(prefix)
    return prefix + text, entities


_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def utc(stamp):
    """An ISO 8601 time as the store writes it ("2023-05-01T09:00:00Z"), or None."""
    if isinstance(stamp, str) and _STORED_TIME.fullmatch(stamp):
        return stamp  # already so (Mastodon writes its archive this way)
    try:
        when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def account_of_status(uri):
    """(actor URI, "user@instance") of a Mastodon status URI, or ("", "")."""
    m = _STATUS_URI.match(uri or "")
    if not m:
        return "", ""
    host, user = m.groups()
    return f"https://{host}/users/{user}", f"{user}@{host}"


def media_type(mime):
    for prefix, kind in _MEDIA_TYPES:
        if (mime or "").startswith(prefix):
            return kind
    return "document"


# What the import reads of an outbox activity, and nothing else: msgspec decodes each
# activity straight into these, skipping every other field (a Note's contentMap repeats
# its content; its replies, atomUri, conversation...). An activity whose fields have
# other types is skipped and counted. Field names are ActivityStreams'. No cycles in
# decoded JSON: gc=False.
_Audience = list[str] | str | None
_Str = str | None


class Tag(Struct, gc=False):
    type: str = ""
    name: _Str = None
    href: _Str = None


class Attachment(Struct, gc=False):
    url: _Str = None
    mediaType: _Str = None
    name: _Str = None
    width: int | None = None
    height: int | None = None


class Note(Struct, gc=False):
    id: _Str = None
    published: _Str = None
    to: _Audience = None
    cc: _Audience = None
    content: _Str = None
    summary: _Str = None
    inReplyTo: _Str = None
    contentMap: dict[str, Raw] | None = None  # its keys: the languages
    tag: list[Tag] | None = None
    attachment: list[Attachment] | None = None


class Activity(Struct, gc=False):
    type: str = ""
    id: _Str = None
    published: _Str = None
    to: _Audience = None
    cc: _Audience = None
    object: Note | str | None = None


class _Outbox(Struct):
    orderedItems: list[Raw] | None = None


_ACTIVITY = msgspec.json.Decoder(Activity)


@dataclass
class MastodonSummary:
    owner: dict
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    forgotten: int = 0
    boosts: int = 0
    private: int = 0  # followers-only and direct posts: never stored
    media: int = 0
    total: int = 0
    replaced: dict | None = None
    warnings: list = field(default_factory=list)


def owner_of_actor(actor):
    """{"id", "handle", "name"} of the archive's actor.json."""
    uri = actor.get("id") if isinstance(actor, dict) else None
    user = actor.get("preferredUsername") if isinstance(actor, dict) else None
    host = urlsplit(uri or "").hostname
    if not (uri and user and host):
        return {}
    return {"id": uri, "handle": f"{user}@{host}", "name": actor.get("name") or ""}


def _mention_accounts(tags):
    """{profile URL or actor URI: "user@instance"} of a Note's Mention tags."""
    accounts = {}
    for tag in tags or ():
        if tag.type == "Mention":
            name, href = tag.name or "", tag.href or ""
            user, _, host = name.lstrip("@").partition("@")
            host = host or urlsplit(href).hostname or ""
            if user and host:
                accounts[href] = f"{user}@{host}"
                accounts[f"https://{host}/@{user}"] = f"{user}@{host}"
    return accounts


def record_from_note(note, owner, media):
    """The store record of a public Note by the owner; `media(id, attachment)` gives
    the stored media entry of an Attachment, or None. None when it is not a post."""
    uri, created = note.id, utc(note.published)
    if uri is None or network_of_id(uri) != MASTODON or not created:
        return None
    text, mentions, hashtags, urls = parse_status_html(
        note.content, _mention_accounts(note.tag)
    )
    text, (mentions, hashtags, urls) = with_warning(
        text, (mentions, hashtags, urls), note.summary
    )
    record = {
        **_by_owner(uri, created, owner),
        "text": text,
        "mentions": mentions,
        "hashtags": hashtags,
        "urls": urls,
    }
    reply_to = note.inReplyTo
    if reply_to is not None and network_of_id(reply_to) == MASTODON:
        record["reply_to_id"] = reply_to
        actor, acct = account_of_status(reply_to)
        record["reply_to_user_id"], record["reply_to_handle"] = actor, acct
    languages = note.contentMap
    if languages is not None and len(languages) == 1:
        record["lang"] = next(iter(languages))
    stored = []
    for attachment in note.attachment or ():
        entry = media(uri, attachment)
        if entry:
            stored.append(entry)
    record["media"] = stored
    return record


def record_of_boost(activity, owner):
    """The store record of an Announce (a boost): the owner's, with the boosted post's
    address as its text; kept out of highlights and conversations like a retweet."""
    uri = (activity.id or "").removesuffix("/activity")
    target = activity.object
    target = target.id if isinstance(target, Note) else target
    created = utc(activity.published)
    if network_of_id(uri) != MASTODON or not isinstance(target, str) or not created:
        return None
    return {**_by_owner(uri, created, owner), **boost_of(target)}


def _by_owner(uri, created, owner):
    return {
        "id": uri,
        "network": MASTODON,
        "created_at": created,
        "user_id": owner["id"],
        "handle": owner["handle"],
        "name": owner.get("name", ""),
    }


def boost_of(target):
    """The fields of a boost of the post at `target`: the archive knows only its
    address, so that is its text, as a link."""
    return {
        "retweet": True,
        "text": target,
        "urls": [{"start": 0, "end": len(target), "expanded": target}],
    }


def _load_json(source, name):
    try:
        return json.loads(source.read_bytes(name))
    except (ValueError, UnicodeError) as err:
        raise ArchiveError(
            f"{source.label}: {name} is not valid JSON ({err}); the archive may be "
            "damaged. Request a new archive from your instance and import that."
        ) from None


def _find(source, name):
    """The path of `name` in the archive: at its top, or in its one top folder."""
    if name in source.names:
        return name
    inside = sorted(n for n in source.names if n.count("/") == 1 and n.endswith(name))
    return inside[0] if inside else None


def _outbox_items(source, name):
    """Each activity of outbox.json, as its JSON text (decoded one by one, so that an
    odd one is skipped and the rest kept); None when it has no orderedItems list."""
    try:
        outbox = msgspec.json.decode(source.read_bytes(name), type=_Outbox)
    except msgspec.ValidationError:  # not an object, or orderedItems not a list
        return None
    except (msgspec.DecodeError, UnicodeError) as err:
        raise ArchiveError(
            f"{source.label}: {name} is not valid JSON ({err}); the archive may be "
            "damaged. Request a new archive from your instance and import that."
        ) from None
    return outbox.orderedItems


@paused_gc()
def import_mastodon(path, store_root, replace=False):
    """Import a Mastodon archive (zip or folder) into the Mastodon store of the store
    folder `store_root`; returns a MastodonSummary. ArchiveError or StoreError leave
    the store as it was."""
    source = _open_source(path)
    outbox_name = _find(source, "outbox.json")
    actor_name = _find(source, "actor.json")
    if outbox_name is None or actor_name is None:
        raise ArchiveError(
            f"{source.label}: no outbox.json and actor.json, so this is not a Mastodon "
            "archive. Pass the zip your instance gave you (Preferences, Import and "
            "export, Data export, Request your archive) or its unpacked folder."
        )
    base = outbox_name[: -len("outbox.json")]
    owner = owner_of_actor(_load_json(source, actor_name))
    if not owner:
        raise ArchiveError(
            f"{source.label}: {actor_name} names no account (id and "
            "preferredUsername); the archive may be damaged. Request a new one."
        )
    items = _outbox_items(source, outbox_name)
    if items is None:
        raise ArchiveError(
            f"{source.label}: {outbox_name} has no orderedItems list; the archive may "
            "be damaged. Request a new archive from your instance and import that."
        )
    summary = MastodonSummary(owner=owner)
    problems = Counter()
    store = open_store(store_root, MASTODON)
    with store.update() as update:
        staged = set()

        def media(post_id, attachment):
            url = attachment.url or ""
            # Object storage writes /<bucket>/media_attachments/...; the archive holds
            # media_attachments/... (the part from there on is the same).
            at = url.find("media_attachments/")
            name = base + url[at:] if at >= 0 else None
            if name is None or name not in source.names:
                problems["an attachment missing from the archive (not shown)"] += 1
                return None
            file_name = media_name(post_id, url[at:])
            dest = store.media_dir / file_name
            if file_name not in staged and not update.has_file(dest, source.size(name)):
                update.add_file(dest, lambda out: source.copy(name, out))
                staged.add(file_name)
                summary.media += 1
            entry = {"file": file_name, "type": media_type(attachment.mediaType)}
            if attachment.name:
                entry["alt"] = attachment.name
            for key in ("width", "height"):
                if getattr(attachment, key) is not None:
                    entry[key] = getattr(attachment, key)
            return entry

        held = len(update)
        if replace:
            summary.replaced = {"owner": update.owner, "posts": held}
            update.clear()
            update.meta.pop("fetch", None)  # the API cursors of the old account
        elif held and update.owner and not _same_account(update.owner, owner):
            raise ArchiveError(
                f"{source.label} is the archive of @{owner['handle']}, but the "
                f"Mastodon store {store.root} holds {held:,} posts of "
                f"@{update.owner.get('handle')}; importing would mix two accounts. To "
                "replace them with this archive's, run the import again with --replace."
            )
        update.set_owner(owner)
        for raw in items:
            summary.read += 1
            try:
                item = _ACTIVITY.decode(raw)
            except msgspec.ValidationError:
                item = None  # not an object, or not the shape of an activity
            kind = item.type if item is not None else None
            if kind == "Announce":
                if not is_public(item.to, item.cc):
                    summary.private += 1
                    continue
                record = record_of_boost(item, owner)
                summary.boosts += record is not None
            elif kind == "Create" and isinstance(item.object, Note):
                note = item.object
                if not is_public(note.to, note.cc):
                    summary.private += 1  # direct or followers-only: never stored
                    continue
                record = record_from_note(note, owner, media)
            else:
                problems["an activity that is not a post or a boost (skipped)"] += 1
                continue
            if record is None:
                problems["a post without a valid id or date (skipped)"] += 1
                continue
            try:
                outcome = update.add(tweet_of(record))
            except BadRecord:
                problems["a post the store cannot hold (skipped)"] += 1
                continue
            setattr(summary, outcome, getattr(summary, outcome) + 1)
        summary.total = len(update)
    summary.warnings = [f"{n:,} x {what}" for what, n in sorted(problems.items())]
    return summary
