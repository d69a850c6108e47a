"""A remix under its parent's title is named for what was done, counted down a chain."""

import pytest

from studio.jobs.outputs import remix_title
from studio.models.music import Relation


@pytest.mark.parametrize(
    ("parent", "relation", "title"),
    [
        ("Neon Street", Relation.EXTEND, "Neon Street · extend"),
        ("Neon Street · extend", Relation.EXTEND, "Neon Street · extend 2"),
        ("Neon Street · extend 2", Relation.EXTEND, "Neon Street · extend 3"),
        # Titles of the older form count as the chain they are.
        ("Neon Street (extension) (extension)", Relation.EXTEND, "Neon Street · extend 3"),
        ("Neon Street · extend 2", Relation.COVER, "Neon Street · extend 2 · cover"),
        ("Aurora", Relation.VOCALS_SWAP, "Aurora · vocals swap"),
    ],
)
def test_chains_are_counted_not_repeated(parent, relation, title):
    assert remix_title(parent, relation) == title


def test_a_long_title_keeps_its_count_within_the_limit():
    title = remix_title("x" * 200 + " · extend 9", Relation.EXTEND)
    assert len(title) == 200
    assert title.endswith(" · extend 10")
