"""A scripted XRPC server on 127.0.0.1 and Bluesky replies in their real JSON shapes
(as recorded from the public AppView and a PDS), for the Bluesky fetch tests. No test
reaches the internet: the atproto Client is pointed at this server by base URL."""

from __future__ import annotations

import base64
import json
import threading
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OWNER = "did:plc:ownerexample0000000000"
OWNER_HANDLE = "sam.example.com"
OTHER = "did:plc:otherperson000000000000"
OTHER_HANDLE = "ada.bsky.social"
POST = "app.bsky.feed.post"
CID = "bafyreidwmdrkiw2yoa3roboq2qcd4zyfwmb3f5xwasfuorqkzwg2rfciz4"
IMAGE_CID = "bafkreihx3cyp6mnv3x3khmbb2vmmt7y3n6eeygvn5bumrdw5u4r6oxrbxe"
PASSWORD = "abcd-efgh-ijkl-mnop"


class Xrpc:
    """Replies queued per NSID ((status, body, headers)); each request is recorded."""

    def __init__(self):
        self.images = {}  # CDN path -> (status, bytes, content type)
        self.queues = defaultdict(deque)
        self.requests = []  # (nsid, query params, headers, body)
        self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def reply(self, nsid, body, status=200, headers=None):
        self.queues[nsid].append((status, body, headers or {}))

    def calls(self, nsid):
        return [r for r in self.requests if r[0] == nsid]

    def env(self, login=True):
        env = {
            "BLUESKY_APPVIEW": self.url,
            "BLUESKY_PDS": self.url,
            "BLUESKY_CDN": self.url,
        }
        if login:
            env.update(BLUESKY_HANDLE=OWNER_HANDLE, BLUESKY_APP_PASSWORD=PASSWORD)
        return env


def serve():
    xrpc = Xrpc()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            parts = urlsplit(self.path)
            nsid = parts.path.removeprefix("/xrpc/")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            xrpc.requests.append(
                (nsid, parse_qs(parts.query), dict(self.headers), body)
            )
            if parts.path.startswith("/img/"):
                status, data, kind = xrpc.images.get(
                    parts.path, (404, b"Not Found", "text/plain")
                )
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            queue = xrpc.queues[nsid]
            if queue:
                status, reply, headers = queue.popleft()
            else:
                status, reply, headers = (
                    501,
                    {"error": "MethodNotImplemented", "message": f"unscripted {nsid}"},
                    {},
                )
            data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format, *args):
            pass

    xrpc.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=xrpc.server.serve_forever, args=(0.02,), daemon=True
    ).start()
    return xrpc


# --------------------------------------------------------------- recorded shapes


def _b64(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def session():
    """com.atproto.server.createSession's reply for an app password (no didDoc: the
    client keeps talking to the PDS it logged in at)."""
    jwt = ".".join(
        [
            _b64({"typ": "at+jwt", "alg": "ES256K"}),
            _b64(
                {
                    "scope": "com.atproto.appPass",
                    "sub": OWNER,
                    "iat": 1733011200,
                    "exp": 4102444800,
                    "aud": "did:web:puffball.us-east.host.bsky.network",
                }
            ),
            "c2lnbmF0dXJl",
        ]
    )
    return {
        "did": OWNER,
        "handle": OWNER_HANDLE,
        "email": "sam@example.com",
        "emailConfirmed": True,
        "emailAuthFactor": False,
        "accessJwt": jwt,
        "refreshJwt": jwt,
        "active": True,
    }


def author(did=OWNER, handle=OWNER_HANDLE, name="Sam Sample"):
    return {
        "did": did,
        "handle": handle,
        "displayName": name,
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/{IMAGE_CID}@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2023-04-27T16:49:37.918Z",
    }


def post_view(rkey, text, created, did=OWNER, handle=OWNER_HANDLE, **record):
    uri = f"at://{did}/{POST}/{rkey}"
    return {
        "uri": uri,
        "cid": CID,
        "author": author(did, handle, "Sam Sample" if did == OWNER else "Ada Example"),
        "record": {
            "$type": POST,
            "createdAt": created,
            "langs": ["en"],
            "text": text,
            **record,
        },
        "bookmarkCount": 0,
        "replyCount": 2,
        "repostCount": 1,
        "likeCount": 7,
        "quoteCount": 0,
        "indexedAt": created,
        "viewer": {
            "bookmarked": False,
            "threadMuted": False,
            "embeddingDisabled": False,
        },
        "labels": [],
    }


def ref(view):
    return {"uri": view["uri"], "cid": view["cid"]}


def feed(*items, cursor=None):
    reply = {"feed": list(items)}
    if cursor:
        reply["cursor"] = cursor
    return reply


def notification(view, reason):
    return {
        "uri": view["uri"],
        "cid": view["cid"],
        "author": view["author"],
        "reason": reason,
        "reasonSubject": f"at://{OWNER}/{POST}/3lownroot0022",
        "record": view["record"],
        "isRead": False,
        "indexedAt": view["indexedAt"],
        "labels": [],
    }


def notifications(*items, cursor=None):
    reply = {
        "notifications": list(items),
        "priorities": False,
        "seenAt": "2024-05-01T00:00:00.000Z",
    }
    if cursor:
        reply["cursor"] = cursor
    return reply
