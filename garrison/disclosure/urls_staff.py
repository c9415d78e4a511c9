from django.urls import path

from garrison.disclosure.views import staff, staff_consent

app_name = "advisories"

urlpatterns: list = [
    path("", staff.advisory_list, name="advisory_list"),
    path("new", staff.advisory_new, name="advisory_new"),
    path("credit/<str:token>", staff_consent.credit_answer, name="credit_consent"),
    path("<str:identifier>/", staff.advisory_detail, name="advisory_detail"),
    path("<str:identifier>/products", staff.product_save, name="product_save"),
    path("<str:identifier>/products/<uuid:pk>/delete", staff.product_delete, name="product_delete"),
    path("<str:identifier>/credits", staff.credit_add, name="credit_add"),
    path("<str:identifier>/credits/<uuid:pk>/delete", staff.credit_delete, name="credit_delete"),
    path("<str:identifier>/revisions", staff.revision_add, name="revision_add"),
    path("<str:identifier>/approve", staff.advisory_approve, name="advisory_approve"),
    path("<str:identifier>/prenotify", staff.advisory_prenotify, name="advisory_prenotify"),
    path("<str:identifier>/publish", staff.advisory_publish, name="advisory_publish"),
    path("<str:identifier>/export/<str:fmt>", staff.advisory_export, name="advisory_export"),
]
