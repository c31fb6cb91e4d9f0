"""The reply letter as a Word document: the official layout, an agency's own template, the
public version, the vetting of uploaded templates and the download page."""

import io
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from responses import documents, drafting
from responses import services as rs
from responses.documents import DocxTemplateError, check_docx_template, letter_docx
from responses.models import ReplyTemplate
from tests import workflow as wf

# As a browser sends it: full-width punctuation, formatting, contact details marked 隐去.
BODY = (
    "<p>戚敏敏委员\uff1a</p>"
    "<p>您在市政协十二届二次会议上提出的《关于完善“15分钟公共服务圈”的建议》收悉。"
    "现将办理情况答复如下\uff1a</p>"
    "<p>一、关于增加社区养老服务设施</p>"
    "<p>我市<strong>建成社区服务综合体220个</strong>\uff0c<em>持续</em>推进。</p>"
    "<p>\uff08一\uff09关于托育服务</p>"
    "<p>二、关于加强养老护理人才培养。我市实施养老护理员技能提升行动。</p>"
    "<p>感谢您对我们工作的关心和支持\uff01</p>"
    "<p>杭州市民政局</p>"
    "<p>2026年11月23日</p>"
    '<p>\uff08联系人\uff1a<span class="redact">吴强</span>\uff0c'
    '联系电话\uff1a<span class="redact">89586323</span>\uff09</p>'
)
CONTACT = "\uff08联系人\uff1a吴强\uff0c联系电话\uff1a89586323\uff09"


@pytest.fixture
def letter(world):
    letter = wf.drafted(world)
    return rs.reply_update(
        letter=letter, body=BODY, document_number="杭民函〔2026〕45号", by=world.lead_clerk
    )


def word(content: bytes):
    return Document(io.BytesIO(content))


def east_asian_font(run) -> str:
    return run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def paragraph(document, text: str):
    return next(p for p in document.paragraphs if p.text == text)


def test_the_letter_is_an_a4_page_with_the_official_margins(letter):
    section = word(letter_docx(letter)).sections[0]
    for length, mm in [
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ]:
        assert length.mm == pytest.approx(mm, abs=0.05)


def test_the_title_is_centred_in_xiaobiaosong_size_two(letter):
    document = word(letter_docx(letter))
    title = documents.letter_title(letter)
    assert title.startswith("杭州市民政局关于市政协十二届二次会议第")
    assert title.endswith("号提案的答复")
    heading = paragraph(document, title)
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = heading.runs
    assert east_asian_font(run) == "方正小标宋简体"
    assert run.font.name == "方正小标宋简体"
    assert run.font.size == Pt(22)
    assert document.core_properties.title == title
    # 发文字号 above the title, on the right.
    number = paragraph(document, "杭民函〔2026〕45号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    texts = [p.text for p in document.paragraphs]
    assert texts.index(number.text) < texts.index(title)


def test_the_body_is_in_fangsong_size_three_on_a_fixed_line(letter):
    document = word(letter_docx(letter))
    body = paragraph(document, "我市建成社区服务综合体220个\uff0c持续推进。")
    for run in body.runs:
        assert east_asian_font(run) == "仿宋_GB2312"
        assert run.font.name == "仿宋_GB2312"
        assert run.font.size == Pt(16)
    fmt = body.paragraph_format
    assert fmt.first_line_indent == Pt(32)  # two characters
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= fmt.line_spacing.pt <= 29
    # The addressee starts at the margin.
    assert not paragraph(document, "戚敏敏委员\uff1a").paragraph_format.first_line_indent


def test_headings_take_heiti_and_kaiti(letter):
    document = word(letter_docx(letter))
    first = paragraph(document, "一、关于增加社区养老服务设施")
    assert {east_asian_font(r) for r in first.runs} == {"黑体"}
    second = paragraph(document, "\uff08一\uff09关于托育服务")
    assert {east_asian_font(r) for r in second.runs} == {"楷体_GB2312"}
    # A heading running on into its text: only the heading sentence is in 黑体.
    mixed = paragraph(document, "二、关于加强养老护理人才培养。我市实施养老护理员技能提升行动。")
    fonts = [(r.text, east_asian_font(r)) for r in mixed.runs]
    assert fonts == [
        ("二、关于加强养老护理人才培养。", "黑体"),
        ("我市实施养老护理员技能提升行动。", "仿宋_GB2312"),
    ]


def test_the_letter_reads_in_order_with_its_formatting(letter):
    document = word(letter_docx(letter))
    texts = [p.text for p in document.paragraphs]
    order = [
        "戚敏敏委员\uff1a",
        "一、关于增加社区养老服务设施",
        "感谢您对我们工作的关心和支持\uff01",
        "杭州市民政局",
        "2026年11月23日",
        CONTACT,
    ]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)
    runs = {r.text: r for p in document.paragraphs for r in p.runs}
    assert runs["建成社区服务综合体220个"].bold
    assert not runs["我市"].bold
    assert runs["持续"].italic


def test_the_signature_and_date_stand_on_the_right(letter):
    document = word(letter_docx(letter))
    signature = paragraph(document, "杭州市民政局")
    date = paragraph(document, "2026年11月23日")
    for line in (signature, date):
        assert line.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert line.paragraph_format.first_line_indent is None
    # The shorter agency name is centred over the date, which is two characters from the edge.
    assert date.paragraph_format.right_indent == Pt(32)
    assert signature.paragraph_format.right_indent > date.paragraph_format.right_indent
    # The contact line stays as written, on the left like the body.
    contact = paragraph(document, CONTACT)
    assert contact.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    # Only the closing lines are on the right.
    right = [p.text for p in document.paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.RIGHT]
    assert right == ["杭民函〔2026〕45号", "杭州市民政局", "2026年11月23日"]


def test_the_pages_are_numbered_in_the_footer(letter):
    document = word(letter_docx(letter))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, side in [
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ]:
        (number,) = footer.paragraphs
        assert number.alignment == side
        assert number.text == "— 1 —"
        assert "PAGE" in number._p.xml
        assert {east_asian_font(r) for r in number.runs} == {"宋体"}
        assert {r.font.size for r in number.runs} == {Pt(14)}


def test_the_public_version_leaves_out_what_is_marked_hidden(letter):
    full = "\n".join(p.text for p in word(letter_docx(letter)).paragraphs)
    public = "\n".join(p.text for p in word(letter_docx(letter, public=True)).paragraphs)
    assert "吴强" in full and "89586323" in full
    assert "吴强" not in public and "89586323" not in public
    assert "联系电话" in public
    assert "建成社区服务综合体220个" in public


def test_plain_text_letters_and_ascii_punctuation_are_laid_out_too():
    paragraphs = documents.letter_paragraphs(
        "戚敏敏委员:\n\n您提出的建议收悉。\n\n此复\n\n"
        "      杭州市民政局\n\n      2023年5月26日\n\n(联系人:吴强,联系电话:89586323)"
    )
    roles = [(p.role, p.text) for p in paragraphs]
    assert roles == [
        ("addressee", "戚敏敏委员:"),
        ("paragraph", "您提出的建议收悉。"),
        ("paragraph", "此复"),
        ("signature", "杭州市民政局"),
        ("date", "2023年5月26日"),
        ("note", "(联系人:吴强,联系电话:89586323)"),
    ]
    # Without a date at the end nothing is set on the right.
    undated = documents.letter_paragraphs("<p>您提出的建议收悉。</p><p>杭州市民政局</p>")
    assert [p.role for p in undated] == ["paragraph", "paragraph"]


def test_the_standard_template_is_built_once(letter):
    assert documents.default_template() is documents.default_template()


def letterhead_template(*lines: str) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def agency_template(world, content: bytes) -> ReplyTemplate:
    return ReplyTemplate.objects.create(
        body="cppcc",
        agency=world.lead_agency,
        name="市民政局答复函",
        content=drafting.DEFAULT_TEMPLATE,
        docx=ContentFile(content, name="letterhead.docx"),
    )


def test_an_agency_template_with_its_letterhead_is_used(world, letter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agency_template(world, letterhead_template("杭州市民政局文件", "{{ title }}", "{{p body }}"))
    document = word(letter_docx(letter))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "杭州市民政局文件"
    assert texts[1] == documents.letter_title(letter)
    assert "一、关于增加社区养老服务设施" in texts
    assert paragraph(document, "杭州市民政局").alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # Another agency's template is not this letter's.
    ReplyTemplate.objects.filter(agency=world.lead_agency).update(agency=world.other_agency)
    assert word(letter_docx(letter)).paragraphs[0].text != "杭州市民政局文件"


def test_an_agency_template_that_fails_gives_way_to_the_standard_layout(
    world, letter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    agency_template(world, b"not a word document")
    document = word(letter_docx(letter))
    assert paragraph(document, documents.letter_title(letter)).alignment == (
        WD_ALIGN_PARAGRAPH.CENTER
    )


def upload(content: bytes, name: str = "版头模板.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=documents.DOCX_CONTENT_TYPE)


def test_a_good_template_passes_and_can_still_be_saved():
    content = letterhead_template(
        "杭州市民政局文件",
        "{{ document_number }}",
        "{{ title }}",
        "{{p body }}",
        "{%p if date %}",
        "成文日期:{{ date }}",
        "{%p endif %}",
    )
    file = upload(content)
    check_docx_template(file)
    assert file.read() == content


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("这不是 Word 文档".encode(), "答复函模板.docx"), "不是有效的 Word"),
        (upload(letterhead_template("{{p body }}"), "答复函模板.doc"), ".docx 格式"),
        (upload(letterhead_template("{{ title }", "{{p body }}")), "模板标记有误"),
        (upload(letterhead_template("{% if title %}{{ title }}", "{{p body }}")), "模板标记有误"),
        (upload(letterhead_template("{{ titel }}", "{{p body }}")), "未定义的变量:titel"),
        (upload(letterhead_template("杭州市民政局文件", "{{ title }}")), "{{p body }}"),
    ],
    ids=["text renamed", "not docx", "unclosed tag", "unclosed block", "unknown", "no body"],
)
def test_an_unusable_template_is_refused_with_a_reason(file, message):
    with pytest.raises(DocxTemplateError) as refused:
        check_docx_template(file)
    assert message in str(refused.value)
    assert isinstance(refused.value, ValueError)


def test_the_download_is_for_those_who_may_see_the_letter(world, client, letter):
    url = reverse("responses:docx", args=[letter.pk])
    assert url == f"/letters/{letter.pk}/docx/"
    client.force_login(world.lead_clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=utf-8''")[1]
    number = letter.assignment.proposal.number
    assert unquote(encoded) == f"第{number}号提案答复函.docx"
    content = b"".join(response.streaming_content)
    assert documents.letter_title(letter) in [p.text for p in word(content).paragraphs]

    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(world.lead_proposer_user)  # a draft is not the proposer's yet
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_letter_page_links_to_the_download(world, client, letter):
    client.force_login(world.lead_clerk)
    page = client.get(reverse("responses:detail", args=[letter.pk])).content.decode()
    assert reverse("responses:docx", args=[letter.pk]) in page
    assert "下载 Word 文档" in page


def test_the_proposer_downloads_the_sent_letter(world, client):
    letter = wf.sent(world)
    client.force_login(world.lead_proposer_user)
    response = client.get(reverse("responses:docx", args=[letter.pk]))
    assert response.status_code == 200
    texts = [p.text for p in word(b"".join(response.streaming_content)).paragraphs]
    assert "戚敏敏委员:" in texts
