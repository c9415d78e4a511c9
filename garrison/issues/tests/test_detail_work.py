"""Comments, attachment downloads and the backport matrix on the issue page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from garrison.audit.models import AuditEvent
from garrison.issues import services
from garrison.issues.models import BackportEntry, CommentVisibility, IssueComment
from garrison.issues.tests.detail_support import public_issue, team_issue, url
from garrison.org.models import ReleaseLine, ReleaseLineStatus

pytestmark = pytest.mark.django_db


# --- comments -----------------------------------------------------------------------------------------------------


def test_developer_comments_internally_with_a_file(personas):
    issue = team_issue(personas)
    upload = SimpleUploadedFile("trace.log", b"stack trace bytes", content_type="text/plain")
    response = personas.client("developer").post(
        url("comment_add", issue), {"body": "Reproduced on main.", "visibility": "internal", "attachments": [upload]}
    )
    assert response.status_code == 302
    comment = IssueComment.objects.get(issue=issue, author=personas.developer)
    assert comment.visibility == CommentVisibility.INTERNAL and comment.attachments.get().filename == "trace.log"


def test_for_the_reporter_is_offered_only_to_those_who_triage(personas):
    issue = team_issue(personas)
    dev_page = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    dev_select = dev_page.split('name="visibility"', 1)[1].split("</select>", 1)[0]
    assert 'value="internal"' in dev_select and 'value="reporter"' not in dev_select
    response = personas.client("developer").post(url("comment_add", issue), {"body": "hi", "visibility": "reporter"})
    assert response.status_code == 422 and not IssueComment.objects.filter(issue=issue).exists()
    tri_page = personas.client("triager").get(url("issue_detail", issue)).content.decode()
    assert 'value="reporter"' in tri_page.split('name="visibility"', 1)[1].split("</select>", 1)[0]


def test_comments_show_internal_and_for_reporter_badges_to_staff(personas):
    issue = team_issue(personas)
    services.comment_add(actor=personas.triager, issue=issue, body="internal note")
    services.comment_add(actor=personas.triager, issue=issue, body="Thanks, looking", visibility="reporter")
    services.reporter_reply(issue=issue, body="More details from me")
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    comments = text.split('id="comments-h"', 1)[1]
    assert comments.index("internal note") < comments.index("Thanks, looking") < comments.index("More details")
    assert '<span class="badge">internal</span>' in comments
    assert '<span class="badge warn">for the reporter</span>' in comments
    assert '<span class="badge warn">from the reporter</span>' in comments


def test_empty_comment_is_refused_with_422(personas):
    issue = team_issue(personas)
    response = personas.client("triager").post(url("comment_add", issue), {"body": "   ", "visibility": "internal"})
    assert response.status_code == 422 and "This field is required." in response.content.decode()


def test_auditor_may_not_comment_even_on_a_public_issue(personas):
    issue = public_issue(personas)
    response = personas.client("auditor").post(url("comment_add", issue), {"body": "x", "visibility": "internal"})
    assert response.status_code == 403 and not IssueComment.objects.exists()


# --- attachments --------------------------------------------------------------------------------------------------


def test_attachment_download_returns_the_bytes_as_a_download_and_is_audited(personas):
    data = bytes(range(256)) * 10
    issue = team_issue(personas, attachments=[services.IncomingFile("poc.html", "text/html", data)])
    attachment = issue.attachments.get()
    response = personas.client("developer").get(url("attachment_download", issue, attachment.pk))
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="poc.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="issues.attachment_downloaded")
    assert event.actor_id == personas.developer.pk and event.data == {"attachment": str(attachment.pk)}


def test_attachment_filename_in_the_header_is_safe(personas):
    hostile = 'evil"\r\nX-Injected: 1;.html'
    issue = team_issue(personas, attachments=[services.IncomingFile(hostile, "text/html", b"<script>")])
    attachment = issue.attachments.get()
    response = personas.client("triager").get(url("attachment_download", issue, attachment.pk))
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ") and "\r" not in header and "\n" not in header
    assert "X-Injected" not in response.headers or response.headers.get("X-Injected") is None
    assert header.count('"') == 2


def test_attachment_of_another_issue_is_404_and_not_audited(personas):
    issue = team_issue(personas, attachments=[services.IncomingFile("a.txt", "text/plain", b"a")])
    other = team_issue(personas)
    response = personas.client("triager").get(url("attachment_download", other, issue.attachments.get().pk))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="issues.attachment_downloaded").exists()


def test_attachment_of_an_invisible_issue_is_404(personas):
    issue = team_issue(personas, component="billing", attachments=[services.IncomingFile("a.txt", "text/plain", b"a")])
    response = personas.client("developer").get(url("attachment_download", issue, issue.attachments.get().pk))
    assert response.status_code == 404


# --- backport matrix ----------------------------------------------------------------------------------------------


def _cell(personas, issue, component="core_api", line="quesnelia"):
    return BackportEntry.objects.create(
        issue=issue, component=personas.world[component], release_line=personas.world[line]
    )


def test_matrix_grid_rows_are_components_and_columns_release_lines(personas):
    issue = team_issue(personas)
    poppy = ReleaseLine.objects.create(name="Poppy")
    _cell(personas, issue)
    BackportEntry.objects.create(
        issue=issue,
        component=personas.world["billing"],
        release_line=poppy,
        status="fixed",
        fixed_version="2.0.1",
        fix_links="https://git.example.org/commit/abc",
    )
    text = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    matrix = text.split('class="matrix"', 1)[1].split("</table>", 1)[0]
    header = matrix.split("</thead>", 1)[0]
    assert header.index("Poppy") < header.index("Quesnelia")
    rows = matrix.split("<tbody>", 1)[1].split("</tr>")
    assert '<th scope="row">billing</th>' in rows[0] and "2.0.1" in rows[0] and "—" in rows[0]
    assert '<th scope="row">core-api</th>' in rows[1] and "Unknown" in rows[1]
    assert 'href="https://git.example.org/commit/abc" rel="noopener noreferrer nofollow"' in rows[0]


def test_htmx_cell_edit_returns_partials(personas):
    issue = team_issue(personas)
    cell = _cell(personas, issue)
    client = personas.client("developer")
    form = client.get(url("backport_edit", issue, cell.pk), HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    text = form.content.decode()
    assert text.lstrip().startswith(f'<td class="cell editing" id="cell-{cell.pk}">') and "<html" not in text
    saved = client.post(
        url("backport_edit", issue, cell.pk),
        {"status": "fixed", "fixed_version": "1.0.1", "fix_links": "https://git.example.org/pr/7"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    text = saved.content.decode()
    assert text.lstrip().startswith(f'<td class="cell bp-fixed" id="cell-{cell.pk}">') and "<html" not in text
    assert "1.0.1" in text and "Edit" in text
    cell.refresh_from_db()
    assert (cell.status, cell.fixed_version) == ("fixed", "1.0.1")
    assert AuditEvent.objects.filter(action="issues.backport_set", actor_id=personas.developer.pk).count() == 1


def test_htmx_cell_edit_refusal_returns_the_form_with_422(personas):
    issue = team_issue(personas)
    cell = _cell(personas, issue)
    response = personas.client("developer").post(
        url("backport_edit", issue, cell.pk), {"status": "fixed", "fixed_version": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Say which version carries the fix." in text and "<html" not in text
    cell.refresh_from_db()
    assert cell.status == "unknown"


def test_cell_edit_without_htmx_redirects_back(personas):
    issue = team_issue(personas)
    cell = _cell(personas, issue)
    client = personas.client("triager")
    assert "<html" in client.get(url("backport_edit", issue, cell.pk)).content.decode()
    response = client.post(url("backport_edit", issue, cell.pk), {"status": "not_affected"})
    assert response.status_code == 302 and response["Location"].endswith(f"/issues/{issue.pk}/#backports")
    cell.refresh_from_db()
    assert cell.status == "not_affected"


def test_cell_cancel_gives_the_cell_back(personas):
    issue = team_issue(personas)
    cell = _cell(personas, issue)
    response = personas.client("developer").get(
        url("backport_edit", issue, cell.pk) + "?show=1", HTTP_HX_REQUEST="true"
    )
    assert response.content.decode().lstrip().startswith(f'<td class="cell bp-unknown" id="cell-{cell.pk}">')


def test_developer_may_not_edit_backports_of_another_teams_issue(personas):
    issue = public_issue(personas, component="billing")  # visible to the developer, but Payments' issue
    cell = _cell(personas, issue, component="billing")
    client = personas.client("developer")
    page = client.get(url("issue_detail", issue)).content.decode()
    assert url("backport_edit", issue, cell.pk) not in page and url("backport_add", issue) not in page
    response = client.post(url("backport_edit", issue, cell.pk), {"status": "fixed", "fixed_version": "9"})
    assert response.status_code == 403
    add = client.post(url("backport_add", issue), {"component": str(personas.world["billing"].pk)})
    assert add.status_code == 403
    cell.refresh_from_db()
    assert cell.status == "unknown" and BackportEntry.objects.filter(issue=issue).count() == 1


def test_developer_sees_edit_controls_on_their_teams_issue(personas):
    issue = team_issue(personas)
    cell = _cell(personas, issue)
    page = personas.client("developer").get(url("issue_detail", issue)).content.decode()
    assert f'hx-get="{url("backport_edit", issue, cell.pk)}"' in page and url("backport_add", issue) in page


def test_cell_of_another_issue_is_404(personas):
    issue, other = team_issue(personas), team_issue(personas)
    cell = _cell(personas, other)
    response = personas.client("triager").get(url("backport_edit", issue, cell.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_add_one_release_line(personas):
    issue = team_issue(personas)
    client = personas.client("developer")
    body = {"component": str(personas.world["core_api"].pk), "release_line": str(personas.world["quesnelia"].pk)}
    assert client.post(url("backport_add", issue), body).status_code == 302
    assert BackportEntry.objects.filter(issue=issue).count() == 1
    again = client.post(url("backport_add", issue), body)
    assert again.status_code == 422 and "is in the matrix already" in again.content.decode()
    assert BackportEntry.objects.filter(issue=issue).count() == 1


def test_add_every_supported_line_for_the_component(personas):
    issue = team_issue(personas)
    ReleaseLine.objects.create(name="Poppy")
    ReleaseLine.objects.create(name="Orchid", status=ReleaseLineStatus.UNSUPPORTED)
    fixed = _cell(personas, issue)
    BackportEntry.objects.filter(pk=fixed.pk).update(status="fixed", fixed_version="1.0.1")
    response = personas.client("triager").post(
        url("backport_add", issue), {"component": str(personas.world["core_api"].pk)}
    )
    assert response.status_code == 302
    cells = {
        c.release_line.name: c.status for c in BackportEntry.objects.filter(issue=issue).select_related("release_line")
    }
    assert cells == {"Quesnelia": "fixed", "Poppy": "unknown"}  # existing cell untouched, unsupported line skipped
    assert AuditEvent.objects.filter(action="issues.backport_set", target_id=str(issue.pk)).count() == 1
