"""Seeded English-ish text for the synthetic benchmark sites: posts, blurbs, tweets, notes.

The vocabulary is about the blog's subject (networking, coffees, freelancing, code) so that
Markdown, Pygments and the audit see text shaped like the real thing. It never contains a
person's name or handle: those come from bench/generate.py's name pools only, so a synthetic
post can never leak an unlisted person by accident.
"""

import random


def words(text: str, sep: str | None = None) -> tuple[str, ...]:
    """The words of a literal, so that long vocabularies stay readable."""
    return tuple(text.split(sep))


NOUNS = words(
    "coffee meetup conversation follow-up email introduction thread reply client "
    "newsletter project workshop talk conference community habit calendar reminder "
    "question answer invitation lunch walk call message note list spreadsheet "
    "contact relationship friend colleague mentor network audience proposal invoice "
    "deadline release feature bug review plugin template theme build deploy pipeline "
    "test script function module library server cache queue database query index "
    "archive timeline feed sitemap page post draft outline summary story lesson idea "
    "routine week month year morning afternoon evening weekend office cafe city "
    "train station table whiteboard notebook pencil laptop phone budget price"
)
ADJECTIVES = words(
    "quick slow small large simple honest awkward friendly useful careful busy quiet "
    "noisy local remote early late first last new old warm cold clear vague polite "
    "direct patient curious generous brief long regular occasional practical"
)
VERBS = words(
    "ask answer write send read follow keep meet plan book cancel move share learn "
    "build test ship fix review sketch draft publish schedule remember forget track "
    "notice suggest accept decline thank introduce invite repeat measure compare"
)
ADVERBS = words(
    "quickly slowly carefully honestly rarely often always never politely directly "
    "gently briefly eventually usually simply"
)
CONNECTIVES = (
    "because",
    "although",
    "so",
    "and then",
    "but",
    "which is why",
    "even when",
    "as long as",
    "unless",
    "after",
)
OPENERS = (
    "In my experience",
    "Most of the time",
    "The trick is that",
    "What surprised me is that",
    "Looking back",
    "For a freelancer",
    "On a good week",
    "Every time",
    "Years later",
    "To be fair",
)
HASHTAGS = words(
    "coffee networking freelance python pelican indieweb writing meetup remote "
    "product design opensource manchester leeds community career"
)
EMOJI = ("☕", "🎉", "👋🏽", "🙌", "😅", "🚀", "📚", "🇬🇧", "✨", "👍", "🧑‍💻", "🍰")
CATEGORIES = (
    "Networking",
    "Freelancing",
    "Coffees",
    "Following up",
    "Writing",
    "Tools",
    "Events",
    "Community",
    "Code",
    "Notes",
)
TAGS = sorted(
    set(
        words(
            "coffee email twitter meetups follow-up introductions cold-outreach "
            "conferences habits calendars crm spreadsheets python pelican static-sites "
            "writing newsletters clients pricing proposals remote-work london manchester "
            "leeds bristol glasgow mentoring saying-no gratitude small-talk listening "
            "questions introverts extroverts lunch walks calls podcasts blogging "
            "indieweb microformats privacy consent notes journaling reviews retros "
            "teaching talks workshops open-source community hiring career side-projects "
            "burnout boundaries reminders"
        )
    )
)
CODE_SNIPPETS = (
    (
        "python",
        "def {n1}({n2}, days=14):\n"
        '    """Return the {n3} that are due for a follow-up."""\n'
        "    cutoff = date.today() - timedelta(days=days)\n"
        "    return [c for c in {n2} if c.last_seen < cutoff]\n"
        "\n"
        "for {n3} in {n1}(load('{n2}.csv')):\n"
        "    print(f'{{{n3}.name}}: last seen {{{n3}.last_seen:%d %b}}')\n",
    ),
    (
        "bash",
        "# keep a dated note for every {n1}\n"
        'today=$(date +%F)\nmkdir -p notes/"$today"\n'
        'echo "{n2} -> {n3}" >> notes/"$today"/{n1}.txt\n'
        "grep -c {n3} notes/*/{n1}.txt | sort -t: -k2 -nr | head\n",
    ),
    (
        "yaml",
        "{n1}:\n  every: 8w\n  via: [email, coffee]\n  {n2}:\n"
        "    - first: {n3}\n      note: ask about the {n1}\n    - first: {n2}\n"
        "      note: send the {n3} link\n",
    ),
    (
        "javascript",
        "const {n1} = ({n2}) =>\n  {n2}\n    .filter((x) => x.{n3} !== undefined)\n"
        "    .map((x) => ({{ ...x, due: addWeeks(x.{n3}, 8) }}))\n"
        "    .sort((a, b) => a.due - b.due);\n\nconsole.log({n1}(contacts).slice(0, 5));\n",
    ),
    (
        "python",
        "class {N1}:\n    def __init__(self, {n2}):\n        self.{n2} = {n2}\n"
        "        self.{n3} = []\n\n    def log(self, note):\n"
        "        self.{n3}.append((datetime.now(), note))\n"
        "        return len(self.{n3})\n",
    ),
)


def sentence(rng: random.Random, words: int | None = None) -> str:
    """One sentence of roughly `words` words, capitalised, with a full stop."""
    target = words or rng.randint(9, 22)
    parts = []
    if rng.random() < 0.25:
        parts.append(rng.choice(OPENERS) + ",")
    while len(" ".join(parts).split()) < target:
        parts.append(
            f"the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} "
            f"{third_person(rng.choice(VERBS))} {rng.choice(('a', 'the', 'every', 'one'))} "
            f"{rng.choice(NOUNS)}"
        )
        if rng.random() < 0.4:
            parts.append(rng.choice(ADVERBS))
        if rng.random() < 0.5:
            parts.append(rng.choice(CONNECTIVES))
    text = " ".join(parts).rstrip(",")
    for tail in CONNECTIVES:
        if text.endswith(" " + tail):
            text = text[: -len(tail) - 1]
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?"))


def third_person(verb: str) -> str:
    return verb + ("es" if verb.endswith(("s", "sh", "ch", "x")) else "s")


def paragraph(rng: random.Random, sentences: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(sentences or rng.randint(3, 5)))


def title(rng: random.Random) -> str:
    shapes = (
        "How I {v} the {a} {n}",
        "Why you should {v} every {n}",
        "The {a} {n} and the {a2} {n2}",
        "{V}ing a {n} after the {n2}",
        "What a {a} {n} taught me about the {n2}",
        "A {a} guide to the {n}",
        "When to {v} a {n}",
        "Notes on the {a} {n}",
    )
    text = rng.choice(shapes).format(
        v=rng.choice(VERBS),
        V=rng.choice(VERBS).capitalize(),
        a=rng.choice(ADJECTIVES),
        a2=rng.choice(ADJECTIVES),
        n=rng.choice(NOUNS),
        n2=rng.choice(NOUNS),
    )
    return text[0].upper() + text[1:]


def code_block(rng: random.Random) -> str:
    lang, template = rng.choice(CODE_SNIPPETS)
    n1, n2, n3 = rng.sample(NOUNS, 3)
    body = template.format(n1=n1, n2=n2, n3=n3, N1=n1.capitalize())
    return f"```{lang}\n{body}```"


def hex_token(rng: random.Random, length: int = 10) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))
