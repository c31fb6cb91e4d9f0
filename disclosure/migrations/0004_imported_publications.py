# Imported published replies: index number and serial may be empty, a fingerprint finds
# a letter imported before; portal publications keep their index number.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_publication_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="fingerprint",
            field=models.CharField(
                blank=True,
                help_text="导入的答复正文(去空白)的 SHA-256,用于识别重复导入。",
                max_length=64,
                verbose_name="正文指纹",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="index_number",
            field=models.CharField(
                blank=True,
                help_text="导入的页面未写索引号时为空。",
                max_length=40,
                verbose_name="索引号",
            ),
        ),
        migrations.AlterField(
            model_name="publication",
            name="serial",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="导入的答复没有本单位索引号时为空。",
                null=True,
                verbose_name="序号",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("index_number", ""), _negated=True),
                fields=("index_number",),
                name="unique_publication_index_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("fingerprint", ""), _negated=True),
                fields=("fingerprint",),
                name="unique_publication_fingerprint",
            ),
        ),
        migrations.AddConstraint(
            model_name="publication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("source", "imported"),
                    models.Q(
                        models.Q(("index_number", ""), _negated=True), ("serial__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="portal_publication_has_index_number",
            ),
        ),
    ]
