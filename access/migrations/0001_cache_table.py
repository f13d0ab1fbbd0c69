"""The table of the database cache (rate limits shared by every server process)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    # Creates the tables of every DatabaseCache in CACHES (none when CACHE_URL is Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
