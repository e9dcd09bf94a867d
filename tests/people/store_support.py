"""A tweet store written through the store's own update API, in its record shape."""

import msgspec

from pelican.plugins.rapport_tweets.record import Tweet
from pelican.plugins.rapport_tweets.store import Store

OWNER = {"id": "100", "handle": "samsample", "name": "Sam Sample"}


class Conversation:
    """Builds records of threads between the owner and others."""

    def __init__(self):
        self.records = []
        self.next_id = 1000

    def thread(self, handle, name, user_id, days, *, opener="owner"):
        """One thread: posts on `days` (ISO dates), taking turns, `opener` first."""
        parent = None
        by_owner = opener == "owner"
        for day in days:
            self.next_id += 1
            tid = str(self.next_id)
            author = OWNER if by_owner else {
                "id": user_id, "handle": handle, "name": name
            }  # fmt: skip
            other = {"id": user_id, "handle": handle} if by_owner else OWNER
            text = f"@{other['handle']} let's talk"
            record = {
                "id": tid,
                "created_at": f"{day}T10:00:00Z",
                "user_id": author["id"],
                "handle": author["handle"],
                "text": text,
                "mentions": [
                    {"start": 0, "end": len(other["handle"]) + 1,
                     "handle": other["handle"], "id": other["id"]}
                ],
            }  # fmt: skip
            if not by_owner:
                record["name"] = name
            if parent:
                record |= {
                    "reply_to_id": parent,
                    "reply_to_user_id": other["id"],
                    "reply_to_handle": other["handle"],
                }
            self.records.append(record)
            parent, by_owner = tid, not by_owner
        return self

    def write(self, root):
        with Store(root).update() as update:
            update.set_owner(OWNER)
            for record in self.records:
                update.add(msgspec.convert(record, Tweet))
        return root
