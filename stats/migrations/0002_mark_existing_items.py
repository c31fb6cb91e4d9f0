"""Items handled before the statistics existed: marked, so their facts are written when
the statistics are first read."""

from django.db import migrations


def mark_assigned_items(apps, schema_editor):
    Assignment = apps.get_model("proposals", "Assignment")
    ItemToRefresh = apps.get_model("stats", "ItemToRefresh")
    ids = Assignment.objects.values_list("proposal_id", flat=True).distinct()
    ItemToRefresh.objects.bulk_create(
        (ItemToRefresh(proposal_id=pk) for pk in ids), batch_size=2000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_facts_and_exports"),
        ("proposals", "0007_reply_withdrawn_verb"),
    ]

    operations = [migrations.RunPython(mark_assigned_items, migrations.RunPython.noop)]
