"""The PostgreSQL search table counts facets over numbered values (``facet_ids``).

Converts a table of the first layout in place: every ``field:value`` key of ``facet_keys`` is
numbered in ``search_facet_value``, rows get the ids, and ``facet_keys`` with its index goes.
See docs/decisions/0003-postgres-search-performance.md.
"""

from django.db import migrations

CONVERT = [
    "INSERT INTO search_facet_value (key) SELECT key FROM (SELECT DISTINCT unnest(facet_keys)"
    ' AS key FROM search_document) AS keys ORDER BY key COLLATE "C" ON CONFLICT (key) DO NOTHING',
    "UPDATE search_document d SET facet_ids = ARRAY(SELECT v.id FROM search_facet_value v"
    " WHERE v.key = ANY(d.facet_keys) ORDER BY v.id)",
    "ALTER TABLE search_document DROP COLUMN facet_keys",
]


def relayout(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from clearinghouse.search.backends.postgres import TABLE, install_schema

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = %s AND column_name = 'facet_keys'",
            [TABLE],
        )
        old_layout = cursor.fetchone() is not None
        if old_layout:
            cursor.execute(
                f"ALTER TABLE {TABLE} ADD COLUMN facet_ids integer[] NOT NULL DEFAULT '{{}}'"
            )
    install_schema(connection)  # the dictionary, storage settings and the new index
    if old_layout:
        with connection.cursor() as cursor:
            for statement in CONVERT:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_documents")]
    operations = [migrations.RunPython(relayout, migrations.RunPython.noop)]
