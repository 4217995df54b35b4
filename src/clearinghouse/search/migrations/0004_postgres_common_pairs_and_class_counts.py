"""The PostgreSQL search table gains its common terms and facet counts per access class.

``install_schema`` adds the tables and the ``access_class`` column, and counts the rows already
indexed. Those rows hold no common pairs until the next ``clearinghouse reindex``; the common
terms are chosen by that rebuild, so until then phrases are checked by position as before.
See docs/decisions/0007-postgres-pairs-and-class-counts.md.
"""

from django.db import migrations


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from clearinghouse.search.backends.postgres import install_schema

    install_schema(connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_facet_ids")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
