"""How PostgreSQL stores the search rows, for the search's walk by date (PostgreSQL only).

A search that matches many replies walks the list's date index and tests each reply's
search row: its tsvector (``document``) and, for a term of 3 or more characters, its plain
text. Out of line (TOAST), each test reads the row, then the TOAST index and chunks of
both values: some ten buffers a reply. Kept in the row (``STORAGE MAIN``, compressed, with
``toast_tuple_target`` raised so that a row of a page's size stays whole) a test reads one
page; the jieba words, read only to rebuild ``document``, go out of line instead.

The walk is a short nested loop that stops at the pool's size; a parallel plan only adds
its workers' start to it, and the publications' other scans (the facets, the exports) are
no faster with workers on two cores, so the publications table is scanned by one process.

Rows written before this migration keep their old layout until they are rewritten
(``manage.py rebuild_search_index``, or ``VACUUM FULL disclosure_publicationsearch``).
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE disclosure_publicationsearch SET (toast_tuple_target = 8160)",
    "ALTER TABLE disclosure_publicationsearch "
    "ALTER COLUMN document SET STORAGE MAIN, ALTER COLUMN plain SET STORAGE MAIN",
    "ALTER TABLE disclosure_publication SET (parallel_workers = 0)",
]
BACKWARD = [
    "ALTER TABLE disclosure_publication RESET (parallel_workers)",
    "ALTER TABLE disclosure_publicationsearch "
    "ALTER COLUMN document SET STORAGE EXTENDED, ALTER COLUMN plain SET STORAGE EXTENDED",
    "ALTER TABLE disclosure_publicationsearch RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0008_year_is_published_year"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
