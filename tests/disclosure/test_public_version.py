"""The public version leaves out the proposers' phone numbers, e-mail addresses and postal
addresses however they are written, and what the clerk marked; it keeps the agency's own
contact line and the rest of the letter."""

import pytest

from disclosure import redaction
from disclosure.services import reply_publish
from responses import richtext

from . import cases

BODY = (
    "<p>戚敏敏委员、郭锦委员:</p>"
    "<p>您留下的手机<strong>138-0571-2345</strong>与电子邮箱QIMINMIN@example.com均已收悉,"
    "全市已建成居家照料中心2800余家,市、区两级财政每年投入超6亿元。</p>"
    "<p>郭锦委员的办公电话(0571)87654321、家庭电话87654321,我们已去电联系。</p>"
    "<p>材料请寄至杭州市西湖区文三路100号 3幢201室。</p>"
    "<p>如有疑问可拨打+86 138 0571 2345,或发邮件至 guojin＠163.com;"
    "短信请发１３８０５７１２３４５。</p>"
    "<p>另请提出人的助手(手机13912345678,座机0571-86001234,邮箱helper@qq.com)协助。</p>"
    "<p>(联系人:戚敏敏,联系电话:13805712345)</p>"
    '<p>经调查,<span class="redact">涉事企业杭州某某养老服务有限公司</span>已整改。</p>'
    '<p><span class="redact">该段涉及个人隐私,不予公开。</span></p>'
    "<p><strong>感谢您对民政工作的关心和支持!</strong>如需咨询,请拨打电话89586323。</p>"
    "<p>杭州市民政局</p><p>2023年5月26日</p>"
    "<p>(联系人:吴强,联系电话:89586323)</p>"
)

GONE = [
    "13805712345",
    "138-0571-2345",
    "138 0571 2345",
    "１３８０５７１２３４５",
    "QIMINMIN",
    "example.com",
    "87654321",
    "0571",
    "guojin",
    "163.com",
    "文三路",
    "3幢201室",
    "13912345678",
    "86001234",
    "helper@qq.com",
    "某某养老服务",
    "个人隐私",
]

KEPT = [
    "戚敏敏委员、郭锦委员:",
    "2800余家",
    "6亿元",
    "请拨打电话89586323",
    "(联系人:吴强,联系电话:89586323)",
    "<strong>感谢您对民政工作的关心和支持!</strong>",
    "杭州市民政局",
    "2023年5月26日",
]


@pytest.fixture
def letter(world):
    lead, cosigner = world.lead_proposer, world.cosigner
    lead.phone, lead.email = "13805712345", "qiminmin@example.com"
    lead.address = "杭州市西湖区文三路100号3幢201室"
    lead.save()
    cosigner.phone, cosigner.email = "0571-87654321", "guojin@163.com"
    cosigner.save()
    return cases.sent(world, body=BODY)


def test_the_public_version_carries_no_contact_details_of_the_proposers(letter):
    public = redaction.public_version(letter)
    for text in GONE:
        assert text not in public, text
    for text in KEPT:
        assert text in public, text


def test_removed_text_is_replaced_by_a_mask(letter):
    paragraphs = [block.text for block in richtext.blocks(redaction.public_version(letter))]
    assert "您留下的手机***与电子邮箱***均已收悉," in paragraphs[1]
    assert "郭锦委员的办公电话***、家庭电话***,我们已去电联系。" in paragraphs
    assert "材料请寄至***。" in paragraphs
    assert "另请提出人的助手(手机***,座机***,邮箱***)协助。" in paragraphs
    assert "(联系人:戚敏敏,联系电话:***)" in paragraphs
    assert "经调查,***已整改。" in paragraphs
    assert "***" in paragraphs


def test_the_removals_are_listed_for_the_preview(letter):
    removals = redaction.redact(letter).removals
    kinds = {r.kind for r in removals}
    assert {
        redaction.PROPOSER_PHONE,
        redaction.PROPOSER_EMAIL,
        redaction.PROPOSER_ADDRESS,
        redaction.MOBILE,
        redaction.LANDLINE,
        redaction.EMAIL,
        redaction.MARKED,
    } <= kinds
    assert redaction.Removal(redaction.MARKED, "涉事企业杭州某某养老服务有限公司") in removals


def test_the_published_text_is_the_public_version_and_stays_so(world, letter):
    publication = reply_publish(letter=letter, by=world.lead_clerk)
    for text in GONE:
        assert text not in publication.body, text
    assert "(联系人:吴强,联系电话:89586323)" in publication.body
    world.lead_proposer.phone = "13700000000"
    world.lead_proposer.save()
    publication.refresh_from_db()
    assert "138" not in publication.body


def test_a_plain_text_letter_is_redacted_too(world):
    world.lead_proposer.phone = "0571-85051234"
    world.lead_proposer.save()
    letter = cases.sent(world)
    body = "戚敏敏委员:\n\n您的电话0571-85051234已记下。\n\n一、关于增加社区养老服务设施……"
    public = redaction.redact_markup(
        body, redaction.ContactFinder([world.lead_proposer], letter.assignment.agency)
    )
    assert public.html == (
        "<p>戚敏敏委员:</p><p>您的电话***已记下。</p><p>一、关于增加社区养老服务设施……</p>"
    )


def test_lists_keep_their_kind(world):
    finder = redaction.ContactFinder([world.lead_proposer], world.lead_agency)
    public = redaction.redact_markup("<ol><li>甲</li><li>乙</li></ol><p>丙</p>", finder)
    assert public.html == "<ol><li>甲</li><li>乙</li></ol><p>丙</p>"
    assert public.removals == []
