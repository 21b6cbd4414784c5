"""The base of every django-tables2 table of the app: pagination options read from the
query string (``?per_page=``, ``?page=``) stay within bounds, so ``?per_page=-5`` or
``?per_page=99999`` neither crashes a page nor renders a million rows."""
from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator

from .querystring import MAX_ID, clamp_int

MAX_PER_PAGE = 100


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, when the page has already counted them in
    its own aggregate (the "n contributions · h" line), so the table does not COUNT again."""

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


class Table(tables.Table):
    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        per_page = clamp_int(per_page or self._meta.per_page, minimum=1, maximum=MAX_PER_PAGE,
                             default=self._meta.per_page)
        page = clamp_int(page, minimum=1, maximum=MAX_ID, default=1)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)
