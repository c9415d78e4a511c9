"""The reporter's side of the public intake, shared by the web pages (/report, /track/<token>) and the public API
(/api/v1/reports): per-address limits, the token lookup, and what a reporter may see of their report.

A reporter sees the issue key, title, status, their own messages and files, and the comments meant for them;
never internal comments, the security level, who can see the issue, its owner or anything else internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from garrison.core import ratelimit, request_context
from garrison.issues.models import IssueAttachment, IssueComment, SecurityIssue
from garrison.issues.selectors import attachments_for_reporter, comments_for_reporter, issue_for_tracking_token

HOUR = timedelta(hours=1)


class Throttled(Exception):
    """This address sent too many reports, or guessed too many tracking links, in the last hour."""


def _address() -> str:
    return request_context.current().ip or "unknown"


def count_report() -> None:
    """Count one report submission (form or API) from this address; raises Throttled past the hourly limit."""
    verdict = ratelimit.hit(f"intake:report:{_address()}", limit=settings.GARRISON_REPORT_RATE_PER_HOUR, window=HOUR)
    if not verdict.allowed:
        raise Throttled


def tracked_issue(token: str) -> SecurityIssue:
    """The issue whose tracking token this is. Unknown tokens raise Http404 and count as a guess against the
    address; past GARRISON_TRACKING_GUESSES_PER_HOUR guesses every lookup from it raises Throttled, whether the
    token is right or not (else the limit would still tell a right guess from a wrong one)."""
    key = f"intake:track:{_address()}"
    if ratelimit.is_blocked(key):
        raise Throttled
    try:
        return issue_for_tracking_token(token)
    except Http404:
        ratelimit.hit(key, limit=settings.GARRISON_TRACKING_GUESSES_PER_HOUR, window=HOUR)
        raise


def tracking_path(token: str) -> str:
    return reverse("intake:track", args=[token])


def tracking_url(token: str) -> str:
    """The reporter's private link, on the configured public address (BASE_URL)."""
    return f"{settings.BASE_URL}{tracking_path(token)}"


def file_path(token: str, attachment: IssueAttachment) -> str:
    return reverse("intake:track_file", args=[token, attachment.pk])


@dataclass(frozen=True)
class Link:
    url: str
    is_web: bool  # only http(s) links are made clickable; anything else (javascript:, data:) stays text


@dataclass(frozen=True)
class Entry:
    comment: IssueComment
    files: list[IssueAttachment]


@dataclass(frozen=True)
class ReporterView:
    issue: SecurityIssue
    entries: list[Entry]
    report_files: list[IssueAttachment]

    @property
    def status_label(self) -> str:
        return self.issue.get_status_display()

    @property
    def close_reason_label(self) -> str:
        return self.issue.get_close_reason_display() if self.issue.close_reason else ""

    @property
    def exposure_label(self) -> str:
        return self.issue.get_exposure_display()

    @property
    def exposure_links(self) -> list[Link]:
        lines = (line.strip() for line in self.issue.exposure_links.splitlines())
        return [Link(url=line, is_web=line.lower().startswith(("https://", "http://"))) for line in lines if line]


def reporter_view(issue: SecurityIssue) -> ReporterView:
    """Two queries: the reporter-visible comments, and the reporter-visible files (without their sealed bytes)."""
    files: dict[object, list[IssueAttachment]] = {}
    for attachment in attachments_for_reporter(issue).order_by("created_at"):
        files.setdefault(attachment.comment_id, []).append(attachment)
    comments = comments_for_reporter(issue).prefetch_related(None).order_by("created_at")
    entries = [Entry(comment, files.get(comment.pk, [])) for comment in comments]
    return ReporterView(issue=issue, entries=entries, report_files=files.get(None, []))
