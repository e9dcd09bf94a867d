"""The contact log as this process last parsed it, for preview mode.

A preview process (`invoke livereload`, `invoke regenerate`: PREVIEW_MODE) builds the
site on every save, and each build parses the whole contact log twice (the people
pages, then the privacy audit). The parse is a function of the files in the people and
private folders and of the size limits, so while every one of those files has the same
stat (size, mtime, ctime, inode) and no file came or went (the tweets plugin's
files_stat, which preview mode's kept cards go by too), the last parse is the answer.
Anything else parses again. Published builds and `invoke check` always parse.
"""

from pelican.plugins.rapport_tweets.memo import files_stat

from .model import load_people

# (people folder, private folder, limits) -> (stamp of their files, People)
_KEPT = {}


def contact_log(people_dir, private_dir, limits, preview=False):
    """load_people(people_dir, private_dir, limits); in preview mode, the last parse
    of the same files when none changed."""
    if not preview:
        return load_people(people_dir, private_dir, limits)
    key = (people_dir, private_dir, limits)
    stamp = files_stat((people_dir, private_dir), recursive=True)
    hit = _KEPT.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    people = load_people(people_dir, private_dir, limits)
    _KEPT.clear()  # one contact log per process
    _KEPT[key] = (stamp, people)
    return people
