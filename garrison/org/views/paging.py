"""Page-number paging for the list pages, keeping the filters in the links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


def paged(request: HttpRequest, qs: QuerySet[Any]) -> dict[str, Any]:
    """``page`` (the rows of the requested page) and ``filter_query`` (the filters, for the page links)."""
    page: Page[Any] = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"page": page, "filter_query": params.urlencode()}
