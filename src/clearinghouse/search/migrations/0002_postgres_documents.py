"""The PostgreSQL search backend's table, created only on PostgreSQL databases."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from clearinghouse.search.backends.postgres import install_schema

    install_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
