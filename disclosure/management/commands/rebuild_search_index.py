"""Rebuild the search index of published replies (after changing the dictionary, say)."""

import time

from django.core.management.base import BaseCommand

from disclosure import search
from disclosure.models import Publication


class Command(BaseCommand):
    help = "重建已公开答复的全文检索索引(jieba 分词、PostgreSQL tsvector 与三元组索引)。"

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="只索引尚无检索索引的答复。")
        parser.add_argument("--batch-size", type=int, default=200, help="每批读取的答复数。")

    def handle(self, *args, missing=False, batch_size=200, **options):
        started = time.monotonic()
        search.tokenizer()
        search.add_agency_words()
        publications = Publication.objects.select_related("agency").order_by("pk")
        if missing:
            publications = publications.filter(search_entry__isnull=True)
        total = publications.count()
        done = 0
        for publication in publications.iterator(chunk_size=batch_size):
            search.index(publication)
            done += 1
            if done % batch_size == 0:
                self.stdout.write(f"已索引 {done}/{total} 条…")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"已重建 {done} 条答复的检索索引,用时 {elapsed:.1f} 秒。")
        )
