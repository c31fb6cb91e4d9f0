"""往年相似建议提案 and 重复提出: each item's words for finding similar earlier items, how
many items use each word, and staff's marks that an item repeats an earlier one.

On PostgreSQL the item's words and its title's words are tsvectors, each under a GIN index
that a lookup scans once per word it asks for. SQLite has neither; it matches the words as
text.
"""

import django.contrib.postgres.search
import django.db.models.deletion
import portal.clock
from django.conf import settings
from django.db import migrations, models

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS proposal_search_document "
    "ON proposals_proposalsearch USING gin (document)",
    "CREATE INDEX IF NOT EXISTS proposal_search_title_document "
    "ON proposals_proposalsearch USING gin (title_document)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS proposal_search_title_document",
    "DROP INDEX IF EXISTS proposal_search_document",
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
        ('proposals', '0008_online_filing'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProposalSearch',
            fields=[
                ('proposal', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='proposals.proposal', verbose_name='建议提案')),
                ('title_words', models.TextField(blank=True, verbose_name='标题词语')),
                ('body_words', models.TextField(blank=True, verbose_name='正文词语')),
                ('document', django.contrib.postgres.search.SearchVectorField(blank=True, null=True, verbose_name='检索向量')),
                ('title_document', django.contrib.postgres.search.SearchVectorField(blank=True, null=True, verbose_name='标题检索向量')),
                ('indexed_at', models.DateTimeField(default=portal.clock.now, verbose_name='索引时间')),
            ],
            options={
                'verbose_name': '相似件索引',
                'verbose_name_plural': '相似件索引',
            },
        ),
        migrations.CreateModel(
            name='ProposalTerm',
            fields=[
                ('word', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='词语')),
                ('documents', models.IntegerField(default=0, verbose_name='使用该词的件数')),
            ],
            options={
                'verbose_name': '词语件数',
                'verbose_name_plural': '词语件数',
            },
        ),
        migrations.CreateModel(
            name='RepeatLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('marked_at', models.DateTimeField(default=portal.clock.now, verbose_name='标记时间')),
                ('unmarked_at', models.DateTimeField(blank=True, null=True, verbose_name='取消时间')),
                ('unmark_reason', models.TextField(blank=True, verbose_name='取消理由')),
                ('earlier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repeated_by_links', to='proposals.proposal', verbose_name='此前提出的件')),
                ('marked_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='标记人')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='repeat_links', to='proposals.proposal', verbose_name='本件')),
                ('unmarked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='取消人')),
            ],
            options={
                'verbose_name': '重复提出',
                'verbose_name_plural': '重复提出',
                'ordering': ['marked_at', 'id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('unmarked_at__isnull', True)), fields=('proposal', 'earlier'), name='one_active_repeat_link'), models.CheckConstraint(condition=models.Q(('proposal', models.F('earlier')), _negated=True), name='repeat_link_not_itself')],
            },
        ),
        migrations.AlterField(
            model_name='event',
            name='verb',
            field=models.CharField(choices=[('created', '录入'), ('attached', '上传附件'), ('submitted', '提交'), ('cosign_confirmed', '确认联名'), ('cosign_invited', '邀请联名'), ('cosign_declined', '谢绝联名'), ('cosign_removed', '移出联名人'), ('cosign_reset', '联名待重新确认'), ('withdrawn', '撤回'), ('accepted', '立案'), ('merged', '并案'), ('rejected', '不予立案'), ('marked_key', '列为重点督办'), ('unmarked_key', '取消重点督办'), ('assigned', '交办'), ('signed_for', '签收'), ('acknowledged', '签阅'), ('adjustment_requested', '申请调整'), ('adjustment_approved', '同意调整'), ('adjustment_refused', '不同意调整'), ('opinion_submitted', '提交会办意见'), ('contact_logged', '沟通联系'), ('reply_drafted', '起草答复'), ('reply_submitted', '提交审核'), ('reply_returned', '退回修改'), ('reply_approved', '审核签发'), ('reply_reopened', '签发后修改'), ('reply_sent', '答复'), ('reply_published', '答复公开'), ('reply_withdrawn', '撤回公开'), ('all_replied', '全部答复'), ('rated', '评价'), ('rehandling', '重新办理'), ('extension_requested', '申请延期'), ('extension_approved', '同意延期'), ('extension_refused', '不同意延期'), ('deadline_recomputed', '期限重算'), ('closed', '办结'), ('marked_repeat', '标记重复提出'), ('unmarked_repeat', '取消重复提出标记')], max_length=30, verbose_name='事项'),
        ),
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD)),
    ]
