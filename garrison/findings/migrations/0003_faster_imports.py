"""Import speed (docs/adr/0006-finding-identity.md, "Writing an import"): the tools that reported a finding become a
column of the finding instead of a row per finding and tool in FindingSource (which doubled what an import wrote);
no lone indexes on severity and state (six and two values: every list filters by component first); no database
constraints on the links to scans, which 100,000 new findings each checked at commit (scans are never deleted,
and the ORM still protects them)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def tools_from_sources(apps: Any, schema_editor: Any) -> None:
    Finding = apps.get_model("findings", "Finding")
    FindingSource = apps.get_model("findings", "FindingSource")
    tools: dict[Any, set[str]] = {}
    for finding_id, tool in FindingSource.objects.values_list("finding_id", "tool").iterator(chunk_size=10_000):
        tools.setdefault(finding_id, set()).add(tool)
    batch = []
    for finding_id, names in tools.items():
        batch.append(Finding(pk=finding_id, tools=sorted(names)))
        if len(batch) == 1000:
            Finding.objects.bulk_update(batch, ["tools"])
            batch = []
    Finding.objects.bulk_update(batch, ["tools"])


def sources_from_tools(apps: Any, schema_editor: Any) -> None:
    Finding = apps.get_model("findings", "Finding")
    FindingSource = apps.get_model("findings", "FindingSource")
    rows = Finding.objects.values_list("pk", "tools", "last_seen_scan_id").iterator(chunk_size=10_000)
    FindingSource.objects.bulk_create(
        [FindingSource(finding_id=pk, tool=tool, last_seen_scan_id=scan) for pk, names, scan in rows for tool in names],
        batch_size=1000,
    )


def _scan_link(**extra: Any) -> Any:
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="findings.scan",
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0002_fewer_finding_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="tools",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(tools_from_sources, sources_from_tools),
        migrations.DeleteModel(name="FindingSource"),
        migrations.RemoveIndex(model_name="finding", name="finding_severity"),
        migrations.RemoveIndex(model_name="finding", name="finding_state"),
        migrations.AlterField(model_name="finding", name="first_seen_scan", field=_scan_link()),
        migrations.AlterField(model_name="finding", name="last_seen_scan", field=_scan_link()),
        migrations.AlterField(
            model_name="finding", name="mitigated_by_scan", field=_scan_link(blank=True, null=True)
        ),
    ]
