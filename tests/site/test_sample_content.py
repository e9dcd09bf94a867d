"""The sample content is a new user's first impression: its posts, people and tweets agree."""

import datetime as dt
import json
import re
from pathlib import Path

from pelican.plugins.rapport_people.model import check_people
from pelican.plugins.rapport_tweets.reader import Reader

ROOT = Path(__file__).resolve().parents[2]
POSTS = ROOT / "content" / "posts"
TWEET_LINE = re.compile(r"^https://(?:x|twitter)\.com/\w+/status/(\d+)\S*$", re.M)


def post_date(text):
    value = re.search(r"^Date: (\d{4}-\d{2}-\d{2})", text, re.M).group(1)
    return dt.date.fromisoformat(value)


def test_no_sample_post_shows_a_tweet_from_after_it_was_written():
    reader = Reader(ROOT / "data" / "tweets")
    problems = []
    for path in sorted(POSTS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for tweet_id in TWEET_LINE.findall(text):
            tweeted = dt.date.fromisoformat(reader.get(tweet_id).created_at[:10])
            if tweeted > post_date(text):
                problems.append(
                    f"{path.name} ({post_date(text)}) shows {tweet_id} ({tweeted})"
                )
    assert not problems, "\n".join(problems)


def sample_tweets():
    for shard in sorted((ROOT / "data" / "tweets" / "tweets").glob("*.jsonl")):
        for line in shard.read_text(encoding="utf-8").splitlines():
            yield json.loads(line)


def test_sample_people_did_not_plan_a_coffee_long_before_they_met():
    """A tweet between the owner and a person about coffee comes at most a month
    before the day the person file says they met."""
    people = check_people(str(ROOT / "content" / "people"))
    assert not people.problems
    problems = []
    for person in people.persons:
        if not (person.met and person.twitter):
            continue
        handle = person.twitter.lower()
        for tweet in sample_tweets():
            mentioned = {m["handle"].lower() for m in tweet.get("mentions", [])}
            involved = tweet["handle"].lower() == handle or handle in mentioned
            day = dt.date.fromisoformat(tweet["created_at"][:10])
            text = tweet["text"].lower()
            if (
                involved
                and "coffee" in text
                and not text.startswith("rt @")  # a retweet is not a conversation
                and (person.met.first_day - day).days > 31
            ):
                problems.append(
                    f"{person.slug}: met {person.met.iso}, but tweet {tweet['id']} "
                    f"of {day} is about coffee together"
                )
    assert not problems, "\n".join(problems)
