"""Seed the four result classes; each place can rename or replace them in the admin."""

from django.db import migrations

CATEGORIES = [
    ("A", "解决采纳", "所提问题已经解决或基本解决,所提建议已被采纳", False),
    ("B", "正在解决", "所提问题正在解决或已列入计划逐步解决", True),
    ("C", "计划解决", "所提问题因条件限制需以后逐步解决", True),
    ("D", "留作参考", "所提问题因目前条件限制或其他原因难以解决,留作参考", False),
]


def seed(apps, schema_editor):
    ResultCategory = apps.get_model("responses", "ResultCategory")
    for body in ("npc", "cppcc"):
        for position, (code, name, description, follow_up) in enumerate(CATEGORIES, start=1):
            ResultCategory.objects.get_or_create(
                body=body,
                code=code,
                defaults={
                    "name": name,
                    "description": description,
                    "needs_follow_up": follow_up,
                    "position": position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("responses", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
