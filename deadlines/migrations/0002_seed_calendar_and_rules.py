"""Enter the holiday schedules of 2004-2026 and the default deadline rules."""

from django.db import migrations

from deadlines.holidays import load_known_years

RULES = [
    ("sign_for", "working_days", 5),
    ("opinion", "months", 1),
    ("reply", "months", 3),
    ("rehandling", "months", 1),
    ("publication", "working_days", 20),
]


def seed(apps, schema_editor):
    load_known_years(apps.get_model("deadlines", "CalendarYear"), apps.get_model("deadlines", "CalendarDay"))
    DeadlineRule = apps.get_model("deadlines", "DeadlineRule")
    for step, unit, amount in RULES:
        DeadlineRule.objects.get_or_create(body="", step=step, defaults={"unit": unit, "amount": amount})


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
