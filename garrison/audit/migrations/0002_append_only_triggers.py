from django.db import migrations

from garrison.audit import triggers


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    triggers.install(schema_editor.connection)
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, drop)]
