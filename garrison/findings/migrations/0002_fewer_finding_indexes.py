"""Fewer indexes on findings, and room in their pages: every re-import rewrites last_seen_scan on each finding it
reports again, and with no index on that column PostgreSQL can update in place (HOT) when the page has space."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


# Percent of each page filled by inserts; the rest is kept for in-place updates. PostgreSQL only.
TABLES = ("findings_finding", "findings_findingsource")


def _fillfactor(value: int) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0001_initial"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="finding",
            name="component",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.component"
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="first_seen_scan",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="findings.scan"
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="last_seen_scan",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="findings.scan"
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="mitigated_by_scan",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="findings.scan",
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="package_key",
            field=models.CharField(blank=True, help_text="purl without version", max_length=500),
        ),
        migrations.AlterField(
            model_name="finding",
            name="severity",
            field=models.CharField(
                choices=[
                    ("critical", "Critical"),
                    ("high", "High"),
                    ("medium", "Medium"),
                    ("low", "Low"),
                    ("info", "Info"),
                    ("unknown", "Unknown"),
                ],
                default="unknown",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="state",
            field=models.CharField(
                choices=[("active", "Active"), ("mitigated", "Mitigated (no longer reported)")],
                default="active",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="finding",
            name="target_key",
            field=models.CharField(max_length=320),
        ),
        migrations.AlterField(
            model_name="finding",
            name="vulnerability_id",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AlterField(
            model_name="findingsource",
            name="finding",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sources",
                to="findings.finding",
            ),
        ),
        migrations.AlterField(
            model_name="findingsource",
            name="last_seen_scan",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="findings.scan"
            ),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["severity"], name="finding_severity"),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["vulnerability_id"], name="finding_vulnerability_id"),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["package_key"], name="finding_package_key"),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(fields=["state"], name="finding_state"),
        ),
        migrations.RunPython(_fillfactor(50), _fillfactor(100)),
    ]
