"""Atom feeds of published advisories: all of them, or those naming one (unlabelled) component."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from garrison.disclosure.models import Advisory
from garrison.disclosure.provider import updated_at

CONTENT_TYPE = "application/atom+xml; charset=utf-8"


def atom_feed(*, title: str, feed_path: str, advisories: Iterable[Advisory]) -> bytes:
    """The Atom document (bytes) of ``advisories`` (already published, newest first, revisions prefetched)."""
    base = settings.BASE_URL
    feed = Atom1Feed(
        title=title,
        link=f"{base}{reverse('public:advisory_list')}",
        description=f"Security advisories published by {settings.GARRISON_PUBLISHER_NAME}.",
        feed_url=f"{base}{feed_path}",
        feed_guid=f"{base}{feed_path}",
        language="en",
        author_name=settings.GARRISON_PUBLISHER_NAME,
    )
    for advisory in advisories:
        link = f"{base}{reverse('public:advisory_detail', args=[advisory.identifier])}"
        feed.add_item(
            title=f"{advisory.identifier}: {advisory.title}",
            link=link,
            description=advisory.summary or advisory.title,
            unique_id=link,
            pubdate=advisory.published_at,
            updateddate=updated_at(advisory),
        )
    return feed.writeString("utf-8").encode("utf-8")
