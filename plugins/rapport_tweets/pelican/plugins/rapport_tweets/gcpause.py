"""Cyclic garbage collection paused for a batch import.

An import decodes a whole export at once (a Bluesky CAR of 20,000 posts is some 500,000
dicts, lists and strings; a Mastodon outbox as many) and builds a record and a store
line per post. None of it holds a reference cycle, so the cyclic collector frees
nothing; yet every 700 new objects it runs, and its older passes walk everything
decoded so far again: 80% of atproto's own decode of that CAR, a third of the import.
Reference counting still frees everything as usual; collection resumes afterwards.
"""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused_gc():
    """Pause cyclic garbage collection inside the block (as it was, after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
