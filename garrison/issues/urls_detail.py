"""One issue's page and its actions (merged into garrison/issues/urls.py, namespace "issues")."""

from django.urls import path

from garrison.issues.views import detail, detail_triage, detail_work

urlpatterns = [
    path("cvss", detail.cvss_preview, name="cvss_preview"),
    path("<uuid:pk>/", detail.issue_detail, name="issue_detail"),
    path("<uuid:pk>/edit", detail_triage.issue_edit, name="issue_edit"),
    path("<uuid:pk>/score", detail_triage.issue_score, name="issue_score"),
    path("<uuid:pk>/transition", detail_triage.issue_transition, name="issue_transition"),
    path("<uuid:pk>/level", detail_triage.issue_level, name="issue_level"),
    path("<uuid:pk>/public", detail_triage.issue_public, name="issue_public"),
    path("<uuid:pk>/checklist", detail_triage.issue_checklist, name="issue_checklist"),
    path("<uuid:pk>/comments", detail_work.comment_add, name="comment_add"),
    path("<uuid:pk>/files/<uuid:att>", detail.attachment_download, name="attachment_download"),
    path("<uuid:pk>/backports/add", detail_work.backport_add, name="backport_add"),
    path("<uuid:pk>/backports/<uuid:cell>", detail_work.backport_edit, name="backport_edit"),
]
