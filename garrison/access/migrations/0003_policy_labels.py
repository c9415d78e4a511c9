"""The four classification labels of the security policy, with the roles each admits by default."""

from django.db import migrations

LABELS = [
    ("Public", 0, "Published on purpose by its owner; anyone with access to the record type may see it.",
     ["admin", "security_lead", "triager", "developer", "auditor", "reporter", "none"]),
    ("Confidential", 1, "Not clearly public, including what will be public later. Staff only, never other clients.",
     ["admin", "security_lead", "triager", "developer", "auditor"]),
    ("Private", 2, "Never to be published: personal data, credentials, proprietary code. Security team only.",
     ["admin", "security_lead", "auditor"]),
    ("Secret", 3, "Need to know: only the users and teams named on the label itself.", []),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Label = apps.get_model("access", "ClassificationLabel")
    for name, rank, description, roles in LABELS:
        Label.objects.get_or_create(name=name, defaults={"rank": rank, "description": description, "roles": roles})


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
