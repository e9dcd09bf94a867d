"""people.show (issue 12, item 4): one person's story, on a real tweet store."""

import pytest
from store_support import Conversation
from task_output import rows

pytestmark = pytest.mark.slow


def test_show_tells_the_story_in_time_order_with_the_next_follow_up(task_repo):
    (
        Conversation()
        .thread("adaexample", "Ada", "201", ["2013-03-01", "2013-03-02"])
        .thread("adaexample", "Ada", "201", ["2013-05-01"], opener="them")
        .write(task_repo.base / "data" / "tweets")
    )
    task_repo.person(
        "ada",
        """
        name: Ada Ńowak
        twitter: AdaExample
        met: 2013-04-16
        where: The Old Bank
        private:
          keep_in_touch: 8w
          log:
            - {date: 2013-04-02, via: ask, note: Coffee?, outcome: yes}
            - {date: 2013-04-16, via: coffee, note: Long chat}
        """,
    )
    result = task_repo.invoke("people.show", "ada", "--today", "2013-06-20")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Ada Ńowak · @AdaExample · unlisted"
    assert rows(result.stdout) == [
        ["2013-03-01", "x: 2 posts", "https://x.com/samsample/status/1001"],
        ["2013-04-02", "ask: yes", "Coffee?"],
        ["2013-04-16", "coffee", "Long chat"],
        ["2013-04-16", "met", "The Old Bank"],
        ["2013-05-01", "x: 1 post", "https://x.com/adaexample/status/1003"],
    ]
    assert result.stdout.splitlines()[-1] == (
        "Next follow-up: 2013-06-11 (9 days overdue)."
    )


def test_show_a_typo_gets_a_did_you_mean(task_repo):
    task_repo.person("ada-example", "name: Ada")
    result = task_repo.invoke("people.show", "ada-exmaple")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: no one in the contact log has the slug ada-exmaple. "
        "Did you mean ada-example?"
    )
