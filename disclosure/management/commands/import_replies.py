"""``import_replies PATH...``: store published reply pages (saved as text or HTML) as
imported publications.

Each file is read by ``disclosure.importing``; its letters are saved together in one
transaction, or, when the file cannot be read or a letter lacks its agency, title, body
or publishing date, nothing of it is saved and the reason is written to stderr. A letter
imported before (same index number, same text, or same agency, number, title and
publishing date) is left as it is and counted as unchanged.

Agencies are matched by full name, then by short name when only one agency has it; an
agency the portal does not know is created inactive (启用 off), so that it is not offered
for assignments until an administrator has checked it. Topics are matched by name, then
by the one topic whose name begins with the page's label. A page's index number is kept;
when it is the agency's own (its organisation code, the publishing year, the site's
number of digits), the agency's counter for that year is raised to at least its serial.
A page without an index number is stored without one. A page that does not state how
it is disclosed was published on a public site, so it is stored as 主动公开.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.db.models import Q

from agencies.models import Agency
from disclosure import search
from disclosure.importing import ParsedLetter, ParseError, parse_file
from disclosure.models import Publication, serial_digits
from disclosure.redaction import ContactFinder, redact_markup
from disclosure.services import _counter
from proposals.models import Topic
from responses.models import ReplyLetter

SUFFIXES = {".txt", ".htm", ".html"}


def page_files(paths: list[str]) -> list[Path]:
    """The files named, and the saved pages (.txt, .htm, .html) in the folders named."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        else:
            files.append(path)
    return files


def missing_fields(letter: ParsedLetter) -> list[str]:
    missing = []
    for attr, label in (
        ("agency", "承办单位"),
        ("proposal_title", "建议提案标题"),
        ("published_on", "发布日期"),
        ("body", "正文"),
    ):
        if not getattr(letter, attr):
            missing.append(label)
    return missing


def find_agency(name: str) -> Agency | None:
    agency = Agency.objects.filter(name=name).first()
    if agency is None:
        by_short = list(Agency.objects.filter(short_name=name)[:2])
        agency = by_short[0] if len(by_short) == 1 else None
    return agency


def find_topic(label: str | None) -> Topic | None:
    if not label:
        return None
    exact = list(Topic.objects.filter(name=label)[:2])
    if len(exact) == 1:
        return exact[0]
    starting = list(Topic.objects.filter(name__startswith=label)[:2])
    return starting[0] if len(starting) == 1 else None


def publication_title(letter: ParsedLetter, agency: Agency) -> str:
    """杭州市民政局关于市政协十二届二次会议第607号提案的答复, as the portal names its own."""
    if letter.session and letter.proposal_number and letter.kind:
        what = f"{letter.session}第{letter.proposal_number}号{letter.kind}"
    elif letter.proposal_number:
        what = f"第{letter.proposal_number}号{letter.kind or '建议提案'}"
    else:
        what = f"《{letter.proposal_title}》"
    return f"{agency.name}关于{what}的答复"[:300]


def public_body(letter: ParsedLetter, agency: Agency) -> str:
    """The letter as published, in the portal's HTML, with any proposer's contact
    details left out (the agency's own contact line stays, as published)."""
    proposers = [
        SimpleNamespace(name=name, phone="", email="", address="") for name in letter.addressees
    ]
    return redact_markup(letter.body or "", ContactFinder(proposers, agency)).html


class Command(BaseCommand):
    help = "导入已公开的建议提案答复页面(文本或 HTML),保存为导入的答复公开记录。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="页面文件或存放页面的文件夹")
        parser.add_argument("--dry-run", action="store_true", help="只读取并显示,不保存")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--agency", default="", help="页面未写明承办单位时使用的单位名称(全称)")

    def handle(self, *paths, **options):
        self.dry_run = options["dry_run"]
        self.as_json = options["format"] == "json"
        self.created = self.unchanged = self.failed = 0
        for path in page_files(options["paths"]):
            try:
                self.import_file(path, options["agency"])
            except ParseError as error:
                self.failed += 1
                self.stderr.write(f"{path.name}: {error}")
            except DatabaseError as error:
                self.failed += 1
                self.stderr.write(f"{path.name}: 保存失败({error})")
        verb = "将新增" if self.dry_run else "新增"
        summary = f"{verb} {self.created} 件,未变 {self.unchanged} 件,失败 {self.failed} 个文件"
        (self.stderr if self.as_json else self.stdout).write(summary)
        if self.failed:
            raise CommandError(f"有 {self.failed} 个文件未能导入,详见上方原因。")

    def import_file(self, path: Path, default_agency: str) -> None:
        letters = parse_file(path)
        for number, letter in enumerate(letters, 1):
            letter.agency = letter.agency or default_agency or None
            missing = missing_fields(letter)
            if missing:
                where = f"第{number}件答复" if len(letters) > 1 else "答复"
                raise ParseError(f"{where}缺少{'、'.join(missing)}")
        if self.dry_run:
            for letter in letters:
                if self.existing(letter, find_agency(letter.agency)):
                    self.unchanged += 1
                else:
                    self.created += 1
                    self.show(letter)
            return
        with transaction.atomic():
            for letter in letters:
                if self.save(letter, path):
                    self.created += 1
                    self.show(letter)
                else:
                    self.unchanged += 1

    def show(self, letter: ParsedLetter) -> None:
        if self.as_json:
            self.stdout.write(json.dumps(letter.as_json(), ensure_ascii=False))
            return
        number = f"第{letter.proposal_number}号" if letter.proposal_number else ""
        self.stdout.write(
            f"{letter.agency} {letter.session or ''}{number}《{letter.proposal_title}》"
            f" 发布于{letter.published_on.isoformat()}"
        )

    def existing(self, letter: ParsedLetter, agency: Agency | None) -> bool:
        same = Q(fingerprint=letter.fingerprint())
        if letter.index_number:
            same |= Q(index_number=letter.index_number)
        if agency is not None:
            same |= Q(
                agency=agency,
                proposal_number=letter.proposal_number or "",
                proposal_title=letter.proposal_title,
                published_on=letter.published_on,
            )
        return Publication.objects.filter(same).exists()

    def save(self, letter: ParsedLetter, path: Path) -> bool:
        """Create the letter's publication; False when it was imported before."""
        agency = find_agency(letter.agency)
        if self.existing(letter, agency):
            return False
        if agency is None:
            agency = Agency.objects.create(name=letter.agency, is_active=False)
        year = letter.published_on.year
        publication = Publication(
            letter=None,
            source=Publication.Source.IMPORTED,
            agency=agency,
            year=year,
            serial=self.serial(letter, agency, year),
            index_number=letter.index_number or "",
            title=publication_title(letter, agency),
            body=public_body(letter, agency),
            document_number=letter.document_number or "",
            written_on=letter.written_on,
            published_on=letter.published_on,
            publisher=agency.name,
            topic=find_topic(letter.topic),
            disclosure=letter.disclosure or ReplyLetter.Disclosure.PUBLIC,
            kind=letter.kind,
            session_label=letter.session or "",
            proposal_number=letter.proposal_number or "",
            proposal_title=letter.proposal_title,
            result_category=letter.result_category or "",
            addressees=letter.addressees,
            co_handlers=letter.co_handlers,
            signed_on=letter.signed_on,
            contact_name=letter.contact_name or "",
            contact_phone=letter.contact_phone or "",
            source_file=path.name[:300],
            fingerprint=letter.fingerprint(),
        )
        publication.save()
        search.index_on_commit(publication)
        return True

    def serial(self, letter: ParsedLetter, agency: Agency, year: int) -> int | None:
        """The serial of the page's index number when it is the agency's own for ``year``,
        with the agency's counter raised to it; None otherwise."""
        if not (letter.index_number and agency.org_code):
            return None
        match = re.fullmatch(
            rf"{re.escape(agency.org_code)}/{year}-(\d{{{serial_digits()}}})", letter.index_number
        )
        if match is None or int(match[1]) == 0:
            return None
        serial = int(match[1])
        if Publication.objects.filter(agency=agency, year=year, serial=serial).exists():
            return None
        counter = _counter(agency, year)
        if serial > counter.last:
            counter.last = serial
            counter.save(update_fields=["last"])
        return serial
