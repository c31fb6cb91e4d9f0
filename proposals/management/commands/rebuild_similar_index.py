"""Rebuild the similar-items index of the items (after changing the dictionary, say)."""

import time

from django.core.management.base import BaseCommand

from disclosure import search
from proposals import similarity


class Command(BaseCommand):
    help = (
        "重建往年相似建议提案的索引:每件建议提案的标题和正文词语(jieba 分词,PostgreSQL "
        "上为 tsvector 与 GIN 索引),并重新统计各词语的使用件数。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="只索引尚无索引的建议提案(不重新统计)。"
        )
        parser.add_argument("--batch-size", type=int, default=500, help="每批写入的件数。")

    def handle(self, *args, missing=False, batch_size=500, **options):
        started = time.monotonic()
        search.tokenizer()
        done = similarity.rebuild(missing=missing, batch=batch_size)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"已索引 {done} 件建议提案的相似件索引,用时 {elapsed:.1f} 秒。")
        )
