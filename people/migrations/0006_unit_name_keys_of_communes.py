"""Communes, districts and provinces whose proper name starts with a village kind word («Xã Bản
Máy») keep it in their name key: they sort under B, not under M."""

from django.db import migrations

from people.text import unit_name_key


def recompute(apps, schema_editor):  # type: ignore[no-untyped-def]
    Unit = apps.get_model("people", "Unit")
    changed = []
    for unit in Unit.objects.exclude(level="village").only("pk", "name", "short_name", "name_key"):
        key = unit_name_key(unit.short_name or unit.name, village=False)
        if key != unit.name_key:
            unit.name_key = key
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("people", "0005_pending_uploads")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
