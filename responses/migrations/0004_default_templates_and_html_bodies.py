"""Seed each body's default reply template; letters' bodies become HTML with a first revision."""

from django.db import migrations

# The text at the time of this migration; later edits happen in the admin.
DEFAULT_TEMPLATE = """{{ addressee }}:
{{ acknowledgement }}{{ we }}高度重视,认真研究{% if co_handling %},{{ co_handling }}{% endif %},\
现将办理情况答复如下:
{% for section in sections %}{{ section.numeral }}、{{ section.heading }}
【请答复本条的办理情况。】
{% empty %}【请逐条答复办理情况。】
{% endfor %}下一步,{{ we }}将……
感谢{{ you }}对我们工作的关心和支持。
{{ agency.name }}
{{ date }}
{{ contact }}
"""

NAMES = {"npc": "人大代表建议答复函(默认)", "cppcc": "政协提案答复函(默认)"}


def seed(apps, schema_editor):
    ReplyTemplate = apps.get_model("responses", "ReplyTemplate")
    for body, name in NAMES.items():
        if not ReplyTemplate.objects.filter(body=body, agency__isnull=True).exists():
            ReplyTemplate.objects.create(body=body, name=name, content=DEFAULT_TEMPLATE)


def html_bodies(apps, schema_editor):
    from responses import richtext

    ReplyLetter = apps.get_model("responses", "ReplyLetter")
    LetterRevision = apps.get_model("responses", "LetterRevision")
    for letter in ReplyLetter.objects.all().iterator():
        letter.body = richtext.normalise(letter.body)
        letter.save(update_fields=["body"])
        LetterRevision.objects.get_or_create(
            letter=letter,
            version=letter.version,
            defaults={
                "body": letter.body,
                "result_category_id": letter.result_category_id,
                "disclosure": letter.disclosure,
                "saved_by_id": letter.drafted_by_id,
                "saved_at": letter.updated_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("responses", "0003_letter_templates_and_revisions")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(html_bodies, migrations.RunPython.noop),
    ]
