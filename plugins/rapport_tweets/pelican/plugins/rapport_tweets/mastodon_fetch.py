"""The Mastodon API as a top-up of the Mastodon store: the owner's new statuses and the
mentions of the owner, since the newest ones a fetch stored, with Mastodon.py.

The instance and the token come from the environment (MASTODON_API_BASE_URL,
MASTODON_ACCESS_TOKEN), never from a file. Each timeline is read from its cursor
(`min_id`, kept in meta.json as "fetch"), a page of 40 at a time, and a page shorter
than that is the last: an idle fetch makes one request per timeline. Errors are
handled as the X fetch handles them (fetch.py): a rate limit that resets soon is
waited for, one that resets far off stops the run, 5xx and network errors are retried
with a backoff, and whatever was read is kept.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from .fetch import AccessDenied, FetchError, FetchSummary, NoToken
from .mastodon import boost_of, is_public_visibility, utc, with_warning
from .mastodon_html import parse_status_html
from .networks import open_store
from .record import MASTODON, BadRecord, network_of_id, order_key, tweet_of

logger = logging.getLogger(__name__)

PAGE = 40  # the most a Mastodon timeline page holds
ENV_URL, ENV_TOKEN = "MASTODON_API_BASE_URL", "MASTODON_ACCESS_TOKEN"
_KINDS = {"image": "photo", "gifv": "animated_gif", "video": "video"}


class _Stop(Exception):
    """Stop reading, keep what was read."""


def client_from_env(environ, session=None):
    """A Mastodon client for the instance and token in the environment."""
    base, token = environ.get(ENV_URL, "").strip(), environ.get(ENV_TOKEN, "").strip()
    if not base or not token:
        raise NoToken(
            f"no Mastodon instance or token: set {ENV_URL} (your instance, such as "
            f"https://mastodon.social) and {ENV_TOKEN} (Preferences, Development, New "
            "application, with the read scope; copy 'Your access token')."
        )
    return Mastodon(
        access_token=token,
        api_base_url=base,
        ratelimit_method="throw",
        version_check_mode="none",
        request_timeout=30,
        session=session,
    )


def _full_acct(acct, host):
    """ "ada" (an account of the owner's instance) as "ada@host"; others as they are."""
    return acct if "@" in acct else f"{acct}@{host}"


def _media(attachments, status_url):
    out = []
    for m in attachments or ():
        entry = {"type": _KINDS.get(m.get("type"), "document"), "expanded": status_url}
        if m.get("description"):
            entry["alt"] = m["description"]
        out.append(entry)
    return out


class MastodonFetcher:
    """One fetch run: calls through one boundary (counting, retrying, waiting)."""

    def __init__(
        self,
        api,
        max_reads=2000,
        *,
        retries=3,
        backoff=2.0,
        max_wait=900,
        sleep=time.sleep,
        now=time.time,
    ):
        self.api = api
        self.max_reads = max_reads
        self.retries, self.backoff, self.max_wait = retries, backoff, max_wait
        self.sleep, self.now = sleep, now
        self.summary = FetchSummary()
        self.host = ""  # the owner's instance: its accounts' acct has no domain
        self._uris = {}  # local status id -> URI, of statuses seen in this run

    def call(self, method, *args, **kwargs):
        attempt = 0
        while True:
            self.summary.requests += 1
            try:
                return method(*args, **kwargs)
            except MastodonRatelimitError:
                reset = self.api.ratelimit_reset
                wait = None if reset is None else reset - self.now() + 1
                if wait is None or wait > self.max_wait:
                    when = (
                        ""
                        if wait is None
                        else f"; it resets in {int(wait // 60)} minutes"
                    )
                    raise _Stop(
                        f"the Mastodon rate limit was hit (429){when}"
                    ) from None
                self.sleep(max(wait, 0))
            except MastodonUnauthorizedError:
                raise AccessDenied(
                    "the Mastodon API refused the token (401): it is wrong, expired or "
                    "revoked; make a new one under Preferences, Development."
                ) from None
            except (MastodonServerError, MastodonNetworkError) as err:
                if attempt >= self.retries:
                    kind = (
                        f"{err.args[1]} errors"
                        if isinstance(err, MastodonServerError) and len(err.args) > 1
                        else "network errors"
                    )
                    raise _Stop(
                        f"the Mastodon API kept failing ({kind}, {attempt + 1} tries)"
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                attempt += 1
            except MastodonAPIError as err:
                status = err.args[1] if len(err.args) > 1 else "?"
                reason = str(err.args[2])[:60] if len(err.args) > 2 else "error"
                raise FetchError(
                    f"the Mastodon API refused the request ({status} {reason})."
                ) from None

    def pages(self, method, cursor, **kwargs):
        """Pages newer than `cursor` (min_id), oldest page first; one page of the
        newest without a cursor. Stops at a short page or the read cap."""
        while self.summary.reads < self.max_reads:
            page = list(self.call(method, min_id=cursor, limit=PAGE, **kwargs) or ())
            if not page:
                return
            self.summary.reads += len(page)
            yield page
            cursor = max((str(item["id"]) for item in page), key=order_key)
            if len(page) < PAGE:
                return
        self.summary.stopped = f"the read cap ({self.max_reads}) was reached"

    def record(self, status, owner, owner_account_id):
        """The store record of a status, or None (not public, or no valid URI)."""
        if not is_public_visibility(status.get("visibility")):
            return None
        uri = str(status.get("uri") or "").removesuffix("/activity")
        if network_of_id(uri) != MASTODON:
            return None
        self._uris[str(status["id"])] = uri
        account = status.get("account") or {}
        created = status.get("created_at")
        created = utc(created.isoformat() if hasattr(created, "isoformat") else created)
        base = {
            "id": uri,
            "network": MASTODON,
            "created_at": created,
            "user_id": account.get("uri") or account.get("url") or "",
            "handle": _full_acct(str(account.get("acct") or ""), self.host),
            "name": account.get("display_name") or "",
            "likes": int(status.get("favourites_count") or 0),
            "retweets": int(status.get("reblogs_count") or 0),
            "replies": int(status.get("replies_count") or 0),
        }
        reblog = status.get("reblog")
        if reblog:
            target = str(reblog.get("uri") or reblog.get("url") or "")
            return {**base, **boost_of(target)}
        accounts = {
            m["url"]: _full_acct(m["acct"], self.host)
            for m in status.get("mentions") or ()
            if m.get("url") and m.get("acct")
        }
        text, mentions, hashtags, urls = parse_status_html(
            status.get("content"), accounts
        )
        text, (mentions, hashtags, urls) = with_warning(
            text, (mentions, hashtags, urls), status.get("spoiler_text")
        )
        record = {
            **base,
            "text": text,
            "lang": status.get("language") or "",
            "mentions": mentions,
            "hashtags": hashtags,
            "urls": urls,
            "media": _media(status.get("media_attachments"), status.get("url")),
        }
        parent = status.get("in_reply_to_id")
        if parent:
            parent_account = str(status.get("in_reply_to_account_id") or "")
            record["reply_to_id"] = self._parent_uri(
                str(parent), parent_account, owner, owner_account_id
            )
            whom = next(
                (
                    m
                    for m in status.get("mentions") or ()
                    if str(m.get("id")) == parent_account
                ),
                None,
            )
            if parent_account == owner_account_id:
                record["reply_to_handle"] = owner["handle"]
                record["reply_to_user_id"] = owner["id"]
            elif whom:
                record["reply_to_handle"] = _full_acct(whom["acct"], self.host)
        return record

    def _parent_uri(self, parent, parent_account, owner, owner_account_id):
        """The URI of the status answered: seen in this run, the owner's own (its URI
        is the owner's actor and its id), or asked of the instance (one request)."""
        if parent in self._uris:
            return self._uris[parent]
        if parent_account == owner_account_id:
            return f"{owner['id']}/statuses/{parent}"
        try:
            status = self.call(self.api.status, parent)
        except FetchError:
            return ""  # gone or hidden: the reply stands on its own
        uri = str(status.get("uri") or "")
        self._uris[parent] = uri
        return uri if network_of_id(uri) == MASTODON else ""


def _newest_own(update, owner):
    """The largest status id of the owner's stored statuses (their URI's last part)."""
    prefix = f"{owner.get('id')}/statuses/"
    ids = [i[len(prefix) :] for i in update.ids() if i.startswith(prefix)]
    digits = [i for i in ids if i.isdigit()]
    return max(digits, key=order_key) if digits else None


def fetch_mastodon(store_root, api, max_reads=2000, **options):
    """Top up the Mastodon store from the API; returns a FetchSummary."""
    fetcher = MastodonFetcher(api, max_reads, **options)
    store = open_store(store_root, MASTODON)
    with store.update() as update:
        cursors = dict(update.meta.get("fetch") or {})
        try:
            account_id = cursors.get("account_id")
            owner = update.owner
            if not account_id or not owner:
                me = fetcher.call(api.account_verify_credentials)
                account_id = str(me["id"])
                profile = me.get("uri") or me.get("url") or ""
                mine = {
                    "id": profile,
                    "handle": _full_acct(me["acct"], urlsplit(profile).hostname or ""),
                    "name": me.get("display_name") or "",
                }
                if owner and owner.get("handle") != mine["handle"]:
                    raise FetchError(
                        f"the token is @{mine['handle']}'s, but the Mastodon store "
                        f"holds @{owner['handle']}'s posts; use that account's token."
                    )
                owner = owner or mine
                update.set_owner(owner)
                cursors["account_id"] = account_id
            fetcher.host = owner["handle"].partition("@")[2]
            # Mentions first: the owner's replies to them then find their URIs.
            for page in fetcher.pages(
                api.notifications, cursors.get("mentions"), types=["mention"]
            ):
                cursors["mentions"] = _largest(page, cursors.get("mentions"))
                statuses = [n["status"] for n in page if n.get("status")]
                _add(update, fetcher, statuses, owner, account_id)
            since = cursors.get("statuses") or _newest_own(update, owner)
            for page in fetcher.pages(api.account_statuses, since, id=account_id):
                cursors["statuses"] = _largest(page, cursors.get("statuses"))
                _add(update, fetcher, page, owner, account_id)
        except _Stop as stop:
            fetcher.summary.stopped = str(stop)
        except FetchError as err:
            if not fetcher.summary.reads:
                raise
            fetcher.summary.stopped = str(err).rstrip(".")  # keep what was read
        update.meta["fetch"] = cursors
        if fetcher.summary.stopped and not fetcher.summary.reads:
            raise FetchError(f"{fetcher.summary.stopped}.")
    return fetcher.summary


def _largest(page, current):
    ids = [str(item["id"]) for item in page]
    if current:
        ids.append(str(current))
    return max(ids, key=order_key)


def _add(update, fetcher, statuses, owner, account_id):
    # Oldest first, so that a reply finds the status it answers among those seen.
    for status in sorted(statuses, key=lambda s: order_key(s["id"])):
        record = fetcher.record(status, owner, account_id)
        if record is None:
            fetcher.summary.skipped += 1
            continue
        try:
            outcome = update.add(tweet_of(record))
        except BadRecord:
            fetcher.summary.skipped += 1
            continue
        if outcome in ("new", "updated"):
            setattr(fetcher.summary, outcome, getattr(fetcher.summary, outcome) + 1)
        elif outcome == "forgotten":
            fetcher.summary.skipped += 1
