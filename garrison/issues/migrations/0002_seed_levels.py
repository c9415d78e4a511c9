"""Three security levels (the most restrictive is the default for new issues) and the security-preparedness label."""

from django.db import migrations

LEVELS = [
    ("Security team only", 0, False, False, "The security team (security leads and triagers) and nobody else."),
    ("Security + component team", 10, True, False, "Adds the members of the issue's responsible team."),
    (
        "Security + component team + trusted installations",
        20,
        True,
        True,
        "Adds the responsible team; trusted installations may be pre-notified.",
    ),
]


def seed(apps, schema_editor):
    SecurityLevel = apps.get_model("issues", "SecurityLevel")
    IssueLabel = apps.get_model("issues", "IssueLabel")
    for name, rank, team, trusted, description in LEVELS:
        SecurityLevel.objects.get_or_create(
            name=name,
            defaults={
                "rank": rank,
                "include_component_team": team,
                "include_trusted_installations": trusted,
                "description": description,
                "roles": [],
            },
        )
    IssueLabel.objects.get_or_create(
        name="security-preparedness", defaults={"description": "Preventive work, e.g. dependency upgrades."}
    )


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
