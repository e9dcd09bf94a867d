"""Preview mode (PREVIEW_MODE): render only the pages whose inputs changed since the last
build into the same folder, in the same process (`invoke livereload`, `invoke regenerate`).

How a page is skipped: the first time a file is rendered, a Jinja context class records
every top-level name the template (and its includes, imports and context filters) looked
up; the file's key is a digest of the template sources, the settings, and the value of
each of those names. Rendering is a function of exactly those, so while the key is the
same the file already holds what a render would write, and the render is skipped. A name
whose value has no reliable digest (an object we do not know) gets a new one every build:
the pages that read it are always rendered. Feeds are keyed by their items.

Nothing here runs in a published build: without PREVIEW_MODE the plugin returns no writer
and Pelican uses its own.
"""

import contextlib
import dataclasses
import datetime
import functools
import gc
import hashlib
import io
import itertools
import logging
import os
import pickle
import re
import struct
import time
import types
from pathlib import PurePath
from zoneinfo import ZoneInfo

from jinja2.bccache import BytecodeCache
from jinja2.runtime import Context
from pelican import signals
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper
from pelican.utils import SafeDatetime, sanitised_join
from pelican.writers import Writer

logger = logging.getLogger(__name__)

# Names recorded by the template being rendered (None: not recording).
_recording = None
# Preview state per output folder; lives as long as the preview process.
_STATES = {}
_unknown = itertools.count()


# Recorded, as a name no template can have, when a render reads a post's text.
READS_TEXT = " reads a text"
TEXT_ATTRIBUTES = frozenset({"content", "_content", "get_content", "_update_content"})


class RecordingContext(Context):
    """Jinja's Context, noting each top-level name a template resolves."""

    def resolve_or_missing(self, key):
        if _recording is not None:
            _recording.add(key)
        return super().resolve_or_missing(key)


def _noting_text(lookup):
    """Wrap Environment.getattr or .getitem (which templates call for `a.b`, `a["b"]`,
    `attribute=` in filters) to note when a post's or page's text is read."""

    def wrapped(obj, name):
        if (
            _recording is not None
            and name in TEXT_ATTRIBUTES
            and isinstance(obj, Content)
        ):
            _recording.add(READS_TEXT)
        return lookup(obj, name)

    return wrapped


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory between builds (Pelican makes new Jinja
    environments for each); Jinja checks each against its source's checksum."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


_MISSING = object()  # a name the template read that the context does not hold


@dataclasses.dataclass
class _Entry:
    key: bytes
    names: tuple  # sorted
    stat: tuple | None = None


@dataclasses.dataclass
class _State:
    """What the preview knows about one output folder between builds."""

    entries: dict = dataclasses.field(default_factory=dict)
    known: set = dataclasses.field(default_factory=set)
    # What the last build rendered or removed; None until its end is recorded.
    changed: list | None = None


class _Build:
    """One build's bookkeeping: digests of this build's values, what was rendered."""

    def __init__(self):
        self.memo = {}  # id -> (object, digest); the object is held so ids stay unique
        self.pairs = {}  # (name, id, mode) -> (object, a key's part for that name)
        self.produced = set()
        self.rendered = {}
        self.skipped = 0
        self.removed = []
        self.settings_digest = None
        self.template_digests = {}
        self.reported = False


_build = None
# (the context of the run being built, when its first generator started)
_run_started = (None, 0.0)


def _current():
    return _build if _build is not None else _Build()


def _h(*parts):
    """One digest of `parts`, each length-prefixed so that no two lists of parts meet."""
    encoded = [p if isinstance(p, bytes) else str(p).encode() for p in parts]
    sizes = struct.pack(f"<{len(encoded) + 1}Q", len(encoded), *map(len, encoded))
    return hashlib.blake2b(sizes + b"".join(encoded), digest_size=16).digest()


def _unknown_digest(value):
    logger.debug("preview: no digest for a %s; rendering what reads it", type(value))
    return _h("unknown", next(_unknown), os.getpid(), time.perf_counter_ns())


FULL, LISTING, REFERENCE = "full", "listing", "reference"

# The digests of values of these exact types (the commonest), as digest() makes them
# below for any str, None, bool, int or float.
_PLAIN = {
    str: lambda value: b"str:" + value.encode(),
    type(None): lambda value: b"NoneType:None",
    bool: lambda value: f"bool:{value!r}".encode(),
    int: lambda value: f"int:{value!r}".encode(),
    float: lambda value: f"float:{value!r}".encode(),
}


def digest(value, mode=FULL):
    """A digest of everything a template could read from `value`. The mode says how much
    of a post or page counts: FULL, its text too; LISTING, its summary but not its text
    (for a page that never reads a text); REFERENCE, neither (another post's reference
    to it, such as a translation)."""
    # Plain values stand for themselves (with their type), unhashed: a digest is only
    # ever a part of a larger one, where every part is length-prefixed.
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return plain(value)
    build = _build if _build is not None else _current()
    key = (id(value), mode)
    hit = build.memo.get(key)  # most values are posts met before, in a list
    if hit is not None:
        return hit[1]
    if isinstance(
        value, str
    ):  # a Markup is not a str: the one is escaped, not the other
        return f"{type(value).__qualname__}:".encode() + value.encode()
    if value is None or isinstance(value, bool | int | float):
        return f"{type(value).__name__}:{value!r}".encode()
    if isinstance(value, bytes):
        return b"b" + value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return f"{type(value).__qualname__}:{value!r}".encode()
    result = _digest_object(value, mode)
    build.memo[key] = (value, result)
    return result


def _digest_object(value, mode):
    kind = type(value).__qualname__
    if isinstance(value, list | tuple | set | frozenset):
        items = [digest(v, mode) for v in value]
        if isinstance(value, set | frozenset):
            items.sort()
        return _h(kind, *items)
    if isinstance(value, dict):
        # By its keys' digests: for keys that are all str, their UTF-8 order, which is
        # their own order.
        if all(type(k) is str for k in value):
            keys = sorted(value)
            pairs = [(_PLAIN[str](k), value[k]) for k in keys]
        else:
            pairs = sorted(
                ((digest(k), v) for k, v in value.items()), key=lambda p: p[0]
            )
        return _h(kind, *(part for k, v in pairs for part in (k, digest(v, mode))))
    if isinstance(value, Content):
        # Its url and save_as follow from its attributes and the settings.
        if mode == FULL:
            return _h(kind, mode, value.content, _content_attributes(value))
        if mode == LISTING:
            return _h(kind, mode, value.summary, _content_attributes(value))
        translations = [t.source_path for t in getattr(value, "translations", [])]
        return _h(kind, mode, _content_attributes(value, translations))
    if isinstance(value, URLWrapper):
        # Its slug is computed on first use: ask for it. Its url and save_as follow from
        # the slug and the settings.
        return _h(kind, value.name, value.slug)
    if isinstance(value, Paginator):
        # Templates ask a paginator for its shape (page count, page URLs); the items of
        # a page come from its Page, keyed in full. Keying every item here would make
        # each index page depend on the text of every post.
        items = [getattr(item, "source_path", None) for item in value.object_list]
        return _h(kind, value.name, value.url, value.per_page, value.orphans, *items)
    if isinstance(value, Page):
        # Every attribute (but the settings), by name: its objects, its paginator, its
        # number and URLs. Pelican makes a new Page for a list page's own, previous
        # and next page: a Page with the attributes of one met before has its digest.
        build = _current()
        key = ("page", id(value.paginator), value.number, mode)
        hit = build.memo.get(key)
        if hit is not None and vars(hit[0]) == vars(value):
            return hit[1]
        result = _h(
            kind,
            *(
                part
                for name, item in sorted(vars(value).items())
                if name not in ("settings", "_context")
                for part in (name, digest(item, mode))
            ),
        )
        build.memo[key] = (value, result)
        return result
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Its fields, by name, in the order its class declares them.
        return _h(
            kind,
            *(
                part
                for field in dataclasses.fields(value)
                for part in (field.name, digest(getattr(value, field.name), mode))
            ),
        )
    struct_fields = getattr(type(value), "__struct_fields__", None)  # msgspec.Struct
    if struct_fields is not None:
        return _h(kind, *(digest(getattr(value, f), mode) for f in struct_fields))
    if isinstance(value, PurePath | datetime.tzinfo):
        return _h(kind, repr(value))
    if isinstance(value, re.Pattern):
        return _h(kind, value.pattern, value.flags)
    if isinstance(value, functools.partial):
        return _h(kind, digest(value.func), digest(value.args), digest(value.keywords))
    if hasattr(value, "__wrapped__"):  # functools.lru_cache, wraps
        return _h(kind, digest(value.__wrapped__))
    if callable(value) and hasattr(value, "__code__"):
        code = value.__code__
        return _h(
            "function",
            value.__module__,
            value.__qualname__,
            code.co_code,
            code.co_consts,
        )
    if isinstance(value, type) or type(value).__module__ == "builtins":
        text = repr(value)
        if " at 0x" not in text:
            return _h(kind, text)
    return _unknown_digest(value)


class _AttributePickler(pickle.Pickler):
    """Pickles a post's attributes for their digest: builtin values and containers as
    pickle writes them (in C), dates and time zones as they pickle, any other object
    (a tag, another post, a Markup) as its digest in REFERENCE mode."""

    def reducer_override(self, obj):
        if type(obj) in _PICKLED or obj is _reference or isinstance(obj, type):
            return NotImplemented  # (a class and _reference pickle as their names)
        if isinstance(obj, types.BuiltinFunctionType):
            return NotImplemented  # by name: ZoneInfo's pickle names its constructor
        return _reference, (digest(obj, REFERENCE),)


def _reference(digest_of_object):
    """Stands for an object in _AttributePickler's output (never called)."""
    raise AssertionError("a digest is never unpickled")


# Types pickled as they are: each pickles as its type and its whole value.
_PICKLED = frozenset(
    {datetime.datetime, datetime.date, datetime.time, datetime.timedelta,
     SafeDatetime, ZoneInfo, datetime.timezone}
)  # fmt: skip


def _content_attributes(value, translations=None):
    """A post's or page's attributes but its text; other posts it names (translations)
    as references, or as `translations` (their source paths) when given."""
    build = _current()
    key = (id(value), "attributes", translations is None)
    hit = build.memo.get(key)
    if hit is not None:
        return hit[1]
    attributes = []
    for name, item in sorted(vars(value).items()):
        if name in ("settings", "_context", "_content"):
            continue
        if name == "translations" and translations is not None:
            item = translations
        attributes.append((name, item))
    out = io.BytesIO()
    _AttributePickler(out, protocol=5).dump(attributes)
    result = hashlib.blake2b(out.getbuffer(), digest_size=16).digest()
    build.memo[key] = (value, result)
    return result


def _settings_digest(settings):
    build = _current()
    if build.settings_digest is None:
        build.settings_digest = digest(dict(settings))
    return build.settings_digest


def _template_digest(env):
    """All templates the environment can load: an include may be chosen at run time."""
    build = _current()
    found = build.template_digests.get(id(env))
    if found is None:
        sources = []
        for name in sorted(env.loader.list_templates()):
            source, filename, _ = env.loader.get_source(env, name)
            sources.append(_h(name, filename, source))
        found = _h(*sources)
        build.template_digests[id(env)] = found
    return found


def _stat(path):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


class _Skipped:
    """A file object that writes nothing: the file on disk is already this output."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        return len(text)


class _MemoTemplate:
    """Stands in for a Jinja template in Writer.write_file: renders only on a new key."""

    def __init__(self, template, writer, kind):
        self.template, self.writer, self.kind = template, writer, kind

    def __getattr__(self, name):
        return getattr(self.template, name)

    def _key(self, names, localcontext):
        """The key of this render: `names` (sorted) are those the template read."""
        writer = self.writer
        mode = FULL if READS_TEXT in names else LISTING
        settings = writer.settings
        pairs = writer.build.pairs
        parts = [
            self.template.name,
            _template_digest(self.template.environment),
            _settings_digest(settings),
        ]
        for name in names:
            value = localcontext.get(name, _MISSING)
            # Most values are the context's own, the same object on every page.
            hit = pairs.get((name, id(value), mode))
            if hit is None:
                if value is _MISSING:
                    part = _h(name, "-")
                elif name in settings and value is settings[name]:
                    part = None  # a setting as it is: in the settings' digest already
                else:
                    part = _h(name, digest(value, mode))
                hit = pairs[(name, id(value), mode)] = (value, part)
            if hit[1] is not None:
                parts.append(hit[1])
        return _h(*parts)

    def render(self, localcontext):
        global _recording
        writer = self.writer
        joined, path = writer.where(localcontext["output_file"])
        if writer.can_skip(joined, path, lambda e: self._key(e.names, localcontext)):
            writer.skip_next = joined
            return ""
        outer, _recording = _recording, set()
        names = _recording
        try:
            output = self.template.render(localcontext)
        finally:
            _recording = outer
        names = tuple(sorted(names))
        writer.state.entries[path] = _Entry(self._key(names, localcontext), names)
        writer.build.rendered[path] = self.kind
        return output


class PreviewWriter(Writer):
    """Pelican's Writer, skipping every file whose key is unchanged (see the module doc)."""

    def __init__(self, output_path, settings=None):
        global _build
        super().__init__(output_path, settings=settings)
        self.real_root = os.path.realpath(output_path)
        self.abs_root = os.path.abspath(output_path)
        self.state = _STATES.setdefault(self.real_root, _State())
        self.state.changed = None
        _build = self.build = _Build()
        self.skip_next = None

    def real(self, joined):
        """The real path of `joined`, a path in the output folder as sanitised_join
        makes it: the folder's own real path, then the rest."""
        if self.real_root == self.abs_root:
            return joined
        return self.real_root + joined[len(self.abs_root) :]

    def where(self, name):
        """(the path Pelican writes output file `name` to, its real path)."""
        joined = sanitised_join(self.output_path, name)
        return joined, self.real(joined)

    def can_skip(self, joined, full, key_of):
        """True when the file at `joined` (real path `full`) holds what a render would
        write now; `key_of(entry)` is the key of this build's inputs, for the inputs
        the last render used."""
        if joined in self._written_files:
            return False  # a second write to one file: Pelican decides, we render
        entry = self.state.entries.get(full)
        if entry is None or entry.stat is None or entry.stat != _stat(full):
            return False
        return key_of(entry) == entry.key

    def write_file(self, name, template, context, *args, **kwargs):
        memo = _MemoTemplate(template, self, _kind(template))
        return super().write_file(name, memo, context, *args, **kwargs)

    def write_feed(self, elements, context, path=None, url=None, *args, **kwargs):
        if not path:
            return super().write_feed(elements, context, path, url, *args, **kwargs)
        key = _h(
            "feed",
            _settings_digest(self.settings),
            digest(list(elements[: self.settings["FEED_MAX_ITEMS"]])),
            path,
            url,
            digest(list(args)),
            digest(kwargs),
            digest(context.get("SITEURL")),
            digest(context.get("FEED_DOMAIN")),
        )
        joined, full = self.where(path)
        if self.can_skip(joined, full, lambda entry: key):
            self._skip(joined, kwargs.get("override_output", False))
            return None
        self.state.entries[full] = _Entry(key, ())
        self.build.rendered[full] = "feed"
        return super().write_feed(elements, context, path, url, *args, **kwargs)

    def _skip(self, filename, override):
        # Pelican's own bookkeeping for a first write (can_skip ruled out a second one),
        # so that a later write to the same file is still refused or skipped as usual.
        self._written_files.add(filename)
        if override:
            self._overridden_files.add(filename)
        self._produced(filename)
        self.build.skipped += 1

    def _produced(self, filename):
        path = self.real(filename)
        self.build.produced.add(path)
        self.state.known.add(path)

    def _open_w(self, filename, encoding, override=False):
        if self.skip_next == filename:
            self.skip_next = None
            self._skip(filename, override)
            return _Skipped()
        self._produced(filename)
        return super()._open_w(filename, encoding, override=override)


def _kind(template):
    name = getattr(template, "name", "") or ""
    return {
        "article.html": "post",
        "page.html": "page",
        "people/person.html": "person page",
    }.get(name, "list page")


def _prune(path, root):
    """Remove `path`, then each folder it leaves empty (never the output folder)."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
    folder = os.path.dirname(path)
    if folder != root:
        with contextlib.suppress(OSError):
            os.removedirs(folder)  # stops at the first folder that is not empty


def _plural(count, noun):
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def changed_files(output_path):
    """The files this preview save rendered or removed, relative to `output_path`
    (from preview mode's finalized receiver on); None when that is not known."""
    root = os.path.realpath(output_path)
    state = _STATES.get(root)
    if state is None or state.changed is None:
        return None
    return [os.path.relpath(path, root).replace(os.sep, "/") for path in state.changed]


def produced_files(output_path):
    """The files the last finished preview save wrote or left as they were, relative to
    `output_path` with "/" separators; None outside preview mode."""
    root = os.path.realpath(output_path)
    state = _STATES.get(root)
    if state is None or state.changed is None:
        return None
    cut = len(root) + 1
    return {path[cut:].replace(os.sep, "/") for path in state.known}


def summary_line(build):
    """What the build rendered, e.g. "1 post, 12 list pages, 0.8 s"."""
    counts = {}
    for kind in build.rendered.values():
        counts[kind] = counts.get(kind, 0) + 1
    order = ("post", "page", "person page", "list page", "feed")
    parts = [_plural(counts[k], k) for k in order if counts.get(k)] or ["nothing"]
    seconds = time.perf_counter() - _run_started[1]
    return (
        f"Preview: rendered {', '.join(parts)}; {build.skipped:,} unchanged; "
        f"{_plural(len(build.removed), 'file')} removed; {seconds:.1f} s"
    )


# Whether this module paused the cyclic garbage collector for the build under way.
_gc_paused = False


def _pause_gc():
    """Pause cyclic garbage collection for a preview build. A preview process holds the
    last build's pages and caches (some 200,000 objects at 2,000 posts), and every
    pass of the collector's oldest generation walks all of them: two or three such
    passes a build, a fifth of a save's time, to free a few hundred objects (nearly
    everything is freed by reference counting). _resume_gc collects what the build
    left."""
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def _resume_gc():
    """Resume cyclic garbage collection after a preview build and collect the young
    generations: what this build made and left in reference cycles (inside the save's
    time). The oldest generation is collected when Python's own thresholds say so
    (gc.get_threshold()), between saves. A build that
    fails resumes it at the next one's end."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.enable()
        gc.collect(1)


def start_run(pelican):
    """get_generators receiver (sent once a run, before any generator is made): in
    PREVIEW_MODE, pause cyclic garbage collection for the run. Returns no generator."""
    if pelican.settings.get("PREVIEW_MODE"):
        _pause_gc()


def use_recording_context(generator):
    """generator_init receiver: in PREVIEW_MODE, templates note the names they read;
    the first generator of a run starts the clock of the summary line."""
    global _run_started
    if not generator.settings.get("PREVIEW_MODE"):
        return
    if _run_started[0] is not generator.context:  # the context a run's generators share
        _run_started = (generator.context, time.perf_counter())
    env = getattr(generator, "env", None)
    if env is not None:
        env.context_class = RecordingContext
        env.bytecode_cache = _COMPILED
        env.getattr = _noting_text(env.getattr)
        env.getitem = _noting_text(env.getitem)


def preview_writer(pelican):
    """get_writer receiver: the preview writer in PREVIEW_MODE, else none (Pelican's)."""
    if not pelican.settings.get("PREVIEW_MODE"):
        return None
    # Connected now, after every plugin's own finalized receivers (the audit, search
    # indexing): the summary line comes last and its time covers them.
    signals.finalized.connect(report)
    return PreviewWriter


def finish(pelican):
    """finalized receiver, before the other plugins' (the audit reads what is left):
    note what was written, remove what a full build would not have written (a deleted
    post's page)."""
    build = _build
    if build is None or not pelican.settings.get("PREVIEW_MODE"):
        return
    root = os.path.realpath(pelican.output_path)
    state = _STATES[root]
    for path in build.rendered:
        state.entries[path].stat = _stat(path)
    build.removed = sorted(state.known - build.produced)
    for path in build.removed:
        _prune(path, root)
        state.entries.pop(path, None)
    state.known = set(build.produced)
    state.changed = [*build.rendered, *build.removed]


def report(pelican):
    """finalized receiver, last: print what was rendered, once. The build's record
    stays until the next build's writer replaces it: a receiver that runs after this
    one (connected earlier than the plugins') still finds it."""
    build = _build
    if (
        build is not None
        and not build.reported
        and pelican.settings.get("PREVIEW_MODE")
    ):
        build.reported = True
        build.memo, build.pairs = {}, {}  # what the next save needs is in the state
        _resume_gc()
        print(summary_line(build), flush=True)


def preview_settings(pelican):
    """initialized receiver: in PREVIEW_MODE, Pelican's content cache is written
    uncompressed (gzip was a fifth of a warm run's time at 2,000 posts), in a folder of
    its own so that a compressed cache of another build is never read as a plain one."""
    settings = pelican.settings
    if settings.get("PREVIEW_MODE") and settings.get("GZIP_CACHE", True):
        settings["GZIP_CACHE"] = False
        settings["CACHE_PATH"] = os.path.join(settings["CACHE_PATH"], "preview")


def register():
    signals.initialized.connect(preview_settings)
    signals.generator_init.connect(use_recording_context)
    signals.get_writer.connect(preview_writer)
    signals.get_generators.connect(start_run)
    signals.finalized.connect(finish)
