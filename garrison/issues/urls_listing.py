"""/issues/: the list, filing an issue, promoting a finding, labels, saved filters, security levels and their
access review. Merged into garrison/issues/urls.py (app "issues"); paths under <uuid:pk>/ belong to urls_detail."""

from django.urls import path

from garrison.issues.views import levels, listing

urlpatterns = [
    path("", listing.issue_list, name="issue_list"),
    path("export.csv", listing.issue_export, name="issue_export"),
    path("new", listing.issue_create, name="issue_create"),
    path("promote/<uuid:finding_pk>", listing.finding_promote, name="finding_promote"),
    path("filters/save", listing.saved_filter_save, name="saved_filter_save"),
    path("filters/<uuid:pk>/delete", listing.saved_filter_delete, name="saved_filter_delete"),
    path("labels/", listing.label_list, name="label_list"),
    path("levels/", levels.level_list, name="level_list"),
    path("levels/new", levels.level_create, name="level_create"),
    path("levels/review", levels.level_review_page, name="level_review_page"),
    path("levels/<uuid:pk>/edit", levels.level_edit, name="level_edit"),
    path("levels/<uuid:pk>/delete", levels.level_delete, name="level_delete"),
    path("levels/<uuid:pk>/review", levels.level_review, name="level_review"),
]
