"""Admin change lists over tables that grow without bound (jobs, songs, files, activity):
counting stops at a cap, so a page view never counts every row of the table."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000  # rows counted at most: 200 pages of 50; narrow the list to see further


class CappedCountPaginator(Paginator):
    """A Paginator whose count reads at most COUNT_CAP rows (`SELECT COUNT(*) FROM (… LIMIT
    n)`), so pages past the cap are not offered; a search or filter narrows the list."""

    @cached_property
    def count(self) -> int:
        return self.object_list[:COUNT_CAP].count()
