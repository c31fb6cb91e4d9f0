"""The demo loads the cases behind the seed letters and cases at every stage, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from disclosure.models import IndexSerial, Publication
from notifications.models import Notification
from proposals.demo.data import SEED_CASES
from proposals.demo.loader import letter_text
from proposals.models import Event, Proposal, Proposer, Session
from responses.models import ReplyLetter

MODELS = [Session, Proposer, Proposal, Event, ReplyLetter, Notification, Publication]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.mark.django_db
def test_load_demo_twice_creates_everything_once():
    out = StringIO()
    call_command("load_demo", password="pw-for-tests", stdout=out)
    first = counts()
    assert "mz_clerk" in out.getvalue() and "pw-for-tests" in out.getvalue()
    call_command("load_demo", password="pw-for-tests", stdout=StringIO())
    assert counts() == first

    statuses = set(Proposal.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Proposal.Status} - {"withdrawn"}
    sent = ReplyLetter.objects.filter(
        status="sent", assignment__proposal__number__in=[c.number for c in SEED_CASES]
    )
    assert sent.count() == len(SEED_CASES) == 15
    # The two seed pages that show an index number are recorded as published under it.
    published = Publication.objects.filter(source="portal").order_by("published_on")
    assert [(p.index_number, str(p.published_on)) for p in published] == [
        ("749492940/2020-04350", "2020-08-07"),
        ("002489524/2023-00364", "2023-06-12"),
    ]
    # The other 13 are on the public portal as the pages they were published on.
    imported = Publication.objects.filter(source="imported")
    assert imported.count() == 13
    assert Publication.objects.count() == len(SEED_CASES)
    numbers = set(Publication.objects.values_list("proposal_number", flat=True))
    assert numbers == {c.number for c in SEED_CASES}
    assert set(IndexSerial.objects.values_list("year", "last")) == {(2020, 4350), (2023, 364)}


@pytest.mark.parametrize("case", SEED_CASES, ids=[c.number for c in SEED_CASES])
def test_each_seed_letter_is_cut_out_whole(case):
    text = letter_text(case)
    assert text.startswith(case.start)
    assert "分享到" not in text and "扫一扫" not in text
    assert "號" not in text and "關於" not in text  # stored in Simplified characters


def test_a_letter_ends_where_the_next_begins():
    by_number = {c.number: c for c in SEED_CASES}
    first = letter_text(by_number["20210549"])
    assert "叶强等代表" not in first
    assert first.rstrip().endswith("不断推动养老服务资源利用最大化。")
    assert letter_text(by_number["607"]).endswith("(联系人:吴强,联系电话:89586323)")
    assert letter_text(by_number["0238"]).endswith("不断提升社区教育实效。")
    assert letter_text(by_number["310"]).endswith("杭州市应急管理局\n\n2020年8月5日")
