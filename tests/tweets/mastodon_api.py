"""A recorded Mastodon instance on 127.0.0.1: the REST API's real reply shapes
(docs.joinmastodon.org/entities/Status, Account, Notification), served to Mastodon.py.

Each test gives the replies; the server records every request it was asked, so a
test can count them. Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "sample.social"


def account(id_="1", username="sam", acct="sam", name="Sam Sample", host=HOST):
    return {
        "id": id_,
        "username": username,
        "acct": acct,
        "display_name": name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": "2022-11-01T00:00:00.000Z",
        "note": "<p>Fictional.</p>",
        "url": f"https://{host}/@{username}",
        "uri": f"https://{host}/users/{username}",
        "avatar": f"https://files.{host}/accounts/avatars/{id_}.png",
        "avatar_static": f"https://files.{host}/accounts/avatars/{id_}.png",
        "header": f"https://{host}/headers/original/missing.png",
        "header_static": f"https://{host}/headers/original/missing.png",
        "followers_count": 10,
        "following_count": 12,
        "statuses_count": 100,
        "last_status_at": "2023-07-01",
        "emojis": [],
        "fields": [],
    }


OWNER = account()
ADA = account("2001", "ada", "ada@example.social", "Ada Example", "example.social")


def status(id_, content, created, who=OWNER, visibility="public", **extra):
    host = "example.social" if who is ADA else HOST
    data = {
        "id": id_,
        "created_at": created,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": visibility,
        "language": "en",
        "uri": f"https://{host}/users/{who['username']}/statuses/{id_}",
        "url": f"https://{host}/@{who['username']}/{id_}",
        "replies_count": 0,
        "reblogs_count": 1,
        "favourites_count": 4,
        "edited_at": None,
        "favourited": False,
        "reblogged": False,
        "muted": False,
        "bookmarked": False,
        "content": content,
        "filtered": [],
        "reblog": None,
        "application": {"name": "Web", "website": None},
        "account": who,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    data.update(extra)
    return data


def mention(id_, of_status, created):
    return {
        "id": id_,
        "type": "mention",
        "created_at": created,
        "account": of_status["account"],
        "status": of_status,
        "group_key": f"ungrouped-{id_}",
    }


class Instance:
    """Serve `routes` ({path: callable(query) -> (status, body, headers)} or a JSON
    body) on 127.0.0.1; `requests` lists (path, query) of every request."""

    def __init__(self, routes):
        self.routes = routes
        self.requests = []
        instance = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                instance.requests.append((parts.path, query))
                route = instance.routes.get(parts.path)
                if route is None:
                    code, body, headers = 404, {"error": "Record not found"}, {}
                elif callable(route):
                    code, body, headers = route(query)
                else:
                    code, body, headers = 200, route, {}
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # shutdown() returns when serve_forever next looks at its flag: every 20 ms
        # rather than the default 0.5 s, which each test would otherwise wait out.
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.02,), daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def paths(self):
        return [path for path, _query in self.requests]
