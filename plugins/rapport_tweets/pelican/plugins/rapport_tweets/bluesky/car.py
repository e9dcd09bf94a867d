"""A Bluesky repository export (a `.car` file) read into its records.

Bluesky's "Export my data" writes the account's repository as a CAR file: a commit
block (naming the account's DID, not its handle) whose `data` is the root of a Merkle
Search Tree, whose entries map "collection/rkey" keys to record blocks. The CAR and its
DAG-CBOR blocks are decoded by the AT Protocol SDK's decoder (`libipld.decode_car`,
all that `atproto.CAR.from_bytes` calls); this module only walks the tree, so that a
record's key (its rkey: the last part of its at:// URI) is known, and blocks that no
entry reaches (records deleted since) are left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Not `atproto.CAR`: it wraps each of the export's blocks (33,000 for 20,000 posts) in
# a CID object, only for this walk to look them up again by their bytes, and its module
# imports pydantic; the whole SDK takes 0.7 s to import. libipld is the SDK's decoder.
import libipld

POST = "app.bsky.feed.post"
PROFILE = "app.bsky.actor.profile"
EXPORT_HINT = (
    "Export it again in the Bluesky app (Settings, Account, Export my data) and pass "
    "the .car file it saves."
)


class CarError(Exception):
    """The file is not a readable repository export; the message names it."""


@dataclass
class Repo:
    """What an export holds: the owner's DID, their profile, and every record by key."""

    did: str
    profile: dict
    records: list  # ("collection/rkey", record dict), in key order
    missing: int = 0  # entries whose record block is not in the file
    others: Counter = field(default_factory=Counter)  # records by other collection

    def posts(self):
        """(rkey, record) of each app.bsky.feed.post record."""
        prefix = POST + "/"
        for key, record in self.records:
            if key.startswith(prefix):
                yield key[len(prefix) :], record


def _link(value):
    """A CID link as decoded in a block (its binary form), which is also how
    libipld keys the CAR's blocks; None for anything else."""
    return value if isinstance(value, bytes) else None


def read_car(path):
    """The Repo in the CAR file at `path`; CarError naming the file for anything that
    is not a whole repository export."""
    label = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise CarError(
            f"{label}: cannot read it ({err.strerror or err}). {EXPORT_HINT}"
        ) from None
    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, TypeError, RecursionError) as err:
        why = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise CarError(
            f"{label}: not a CAR file, or a damaged one ({why}). {EXPORT_HINT}"
        ) from None
    roots = header.get("roots") if isinstance(header, dict) else None
    root = _link(roots[0]) if isinstance(roots, list) and roots else None
    return repo_of(root, blocks, label)


def repo_of(root, blocks, label):
    """The Repo of a decoded CAR (its root CID and blocks, both keyed by CID bytes): its
    commit, then its tree in key order."""
    commit = blocks.get(root) if root is not None else None
    if (
        not isinstance(commit, dict)
        or not isinstance(commit.get("did"), str)
        or _link(commit.get("data")) is None
    ):
        raise CarError(
            f"{label}: a CAR file, but not a repository export (its root is not a "
            f"signed commit naming an account). {EXPORT_HINT}"
        )
    repo = Repo(did=commit["did"], profile={}, records=[])
    for key, value in _walk(blocks, _link(commit["data"]), label):
        record = blocks.get(value) if value is not None else None
        if not isinstance(record, dict):
            repo.missing += 1
            continue
        collection = key.partition("/")[0]
        if collection == PROFILE:
            repo.profile = record
        if collection != POST:
            repo.others[collection] += 1
        repo.records.append((key, record))
    return repo


def _walk(blocks, root, label):
    """(key, value CID) of each tree entry, in key order. A node is {"l": left subtree,
    "e": entries}; an entry is {"p": bytes shared with the previous key, "k": the rest,
    "v": the record, "t": the subtree after it}."""
    # An explicit stack: a tree built by a hostile file may be as deep as it likes.
    stack, seen = [("node", root)], set()
    while stack:
        kind, item = stack.pop()
        if kind == "entry":
            yield item
            continue
        node = blocks.get(item) if item not in seen else None
        seen.add(item)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            raise CarError(
                f"{label}: the export is incomplete (a block of its record tree is "
                f"missing or damaged). {EXPORT_HINT}"
            )
        steps, key = [], b""
        for entry in node["e"]:
            try:
                key = key[: entry["p"]] + entry["k"]
                name = key.decode("utf-8")
            except (KeyError, TypeError, UnicodeDecodeError):
                raise CarError(
                    f"{label}: the export is damaged (an entry of its record tree "
                    f"has no readable key). {EXPORT_HINT}"
                ) from None
            steps.append(("entry", (name, _link(entry.get("v")))))
            if entry.get("t") is not None:
                steps.append(("node", _link(entry["t"])))
        if node.get("l") is not None:
            steps.insert(0, ("node", _link(node["l"])))
        stack.extend(reversed(steps))
