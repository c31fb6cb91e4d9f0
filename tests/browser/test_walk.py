"""One proposal walked from the proposer filing it online to the proposer's rating in real
Chromium.

Everyone signs in through the login page and then only clicks links and buttons and fills
fields, each found by the Chinese label a person reads on the page.
"""

import pytest

from proposals.models import Assignment, Proposal, Verb
from responses.models import CoHandlingOpinion, Feedback, ReplyLetter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于加快老旧小区加装电梯的提案"
BODY = "一、简化加装电梯审批流程\n二、设立专项补助资金"
OPINION = "我委同意在社区卫生服务中心设置电梯使用安全宣传点。"
REPLY = "戚敏敏委员:\n\n您提出的提案收悉。现答复如下:\n\n一、审批流程已简化。"


def said(page, text: str):
    """The page shows a status message (not an alert) containing ``text``."""
    from playwright.sync_api import expect

    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def open_from_workspace(page, tab: str):
    """Go to 承办工作, open the tab, then the item."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="承办工作").click()
    page.get_by_role("navigation", name="工作分类").get_by_role("link", name=tab).click()
    page.get_by_role("link", name=TITLE).click()


def timeline_of(page):
    """The entries of the item's 办理过程."""
    return page.get_by_role("region", name="办理过程").get_by_role("listitem")


def test_a_proposal_from_filing_to_the_proposers_rating(world, visitors):
    from playwright.sync_api import expect

    # 起草、邀请联名: the lead proposer files online from her workspace.
    filer = visitors.sign_in("qiminmin")
    expect(filer.get_by_role("heading", name="我的建议提案")).to_be_visible()
    filer.get_by_role("link", name="起草提案").click()
    filer.get_by_role("combobox", name="会议", exact=True).select_option(label=str(world.session))
    filer.get_by_label("标题").fill(TITLE)
    filer.get_by_label("主题分类").select_option(label="城乡建设、环境保护")
    filer.get_by_label("正文").fill(BODY)
    filer.get_by_label("邀请联名人").fill("郭锦")
    visitors.screenshot(filer, "draft-form")
    filer.get_by_role("button", name="保存草稿").click()
    said(filer, f"草稿《{TITLE}》已保存")
    expect(filer.get_by_role("heading", name=TITLE)).to_be_visible()
    filing = filer.get_by_role("region", name="联名与提交")
    expect(filing.get_by_role("row", name="郭锦")).to_contain_text("待确认")
    # Submitting before the co-signer confirms is refused, and the page says why.
    filer.get_by_role("button", name="提交", exact=True).click()
    expect(filer.get_by_role("alert").filter(has_text="尚有联名人未确认:郭锦")).to_be_visible()

    # 确认联名: the co-signer, from the list of drafts she is invited to sign.
    cosigner = visitors.sign_in("cosigner")
    invitations = cosigner.get_by_role("region", name="邀请我联名的")
    expect(invitations).to_contain_text(TITLE)
    visitors.screenshot(cosigner, "cosigner-invitations")
    invitations.get_by_role("link", name=TITLE, exact=True).click()
    expect(cosigner.get_by_role("region", name="正文")).to_contain_text("简化加装电梯审批流程")
    cosigner.get_by_role("button", name="确认联名").click()
    said(cosigner, "已确认联名")

    # 提交: the lead proposer again, now that every co-signer confirmed.
    filer.reload()
    expect(filing.get_by_role("row", name="郭锦")).to_contain_text("已确认")
    filer.get_by_role("button", name="提交", exact=True).click()
    said(filer, "已提交")

    # 立案、交办: committee staff find it in the register.
    staff = visitors.sign_in("staff")
    expect(staff.get_by_role("heading", name="建议提案", exact=True)).to_be_visible()
    staff.get_by_role("link", name=TITLE).click()
    expect(staff.get_by_role("heading", name=TITLE)).to_be_visible()

    staff.get_by_role("button", name="立案").click()
    said(staff, "已立案")
    staff.get_by_role("link", name="交办", exact=True).click()
    staff.get_by_label("主办单位").select_option(label="杭州市民政局")
    staff.get_by_label("会办单位").select_option(label="杭州市卫生健康委员会")
    staff.get_by_label("交办意见").fill("请市民政局牵头办理。")
    visitors.screenshot(staff, "assign-form")
    staff.get_by_role("button", name="交办").click()
    said(staff, "已交办")

    # 签收: the lead agency's clerk.
    lead_clerk = visitors.sign_in("lead_clerk")
    open_from_workspace(lead_clerk, "待签收")
    lead_clerk.get_by_role("button", name="签收").click()
    said(lead_clerk, "已签收")

    # 签收 and 会办意见: the co-handling agency's clerk.
    co_clerk = visitors.sign_in("co_clerk")
    open_from_workspace(co_clerk, "待签收")
    co_clerk.get_by_role("button", name="签收").click()
    said(co_clerk, "已签收")
    co_clerk.get_by_role("link", name="填写会办意见").click()
    co_clerk.get_by_label("会办意见").fill(OPINION)
    co_clerk.get_by_role("button", name="提交会办意见").click()
    said(co_clerk, "会办意见已送主办单位")

    # 起草答复函 and 提交审核: the lead clerk again, who can read the opinion first.
    open_from_workspace(lead_clerk, "办理中")
    expect(lead_clerk.get_by_text(OPINION)).to_be_visible()
    lead_clerk.get_by_role("button", name="按模板生成答复函").click()
    editor = lead_clerk.get_by_role("textbox", name="答复正文")
    expect(editor).to_contain_text("戚敏敏委员、郭锦委员:")
    expect(editor).to_contain_text("经综合市卫生健康委的会办意见")
    expect(editor).to_contain_text("一、关于简化加装电梯审批流程")
    expect(lead_clerk.get_by_role("complementary", name="会办意见")).to_contain_text(OPINION)
    editor.fill(REPLY)
    lead_clerk.get_by_label("办理结果分类").select_option(label="A类(解决采纳)")
    lead_clerk.get_by_label("主动公开").check()
    visitors.screenshot(lead_clerk, "letter-form")
    lead_clerk.get_by_role("button", name="保存", exact=True).click()
    said(lead_clerk, "已保存")
    lead_clerk.get_by_role("button", name="保存并提交审核").click()
    said(lead_clerk, "已提交负责人审核签发")

    # 审核签发: the lead agency's leader.
    leader = visitors.sign_in("lead_leader")
    open_from_workspace(leader, "待审核")
    leader.get_by_role("link", name="审核签发").click()
    expect(leader.get_by_text("审批流程已简化")).to_be_visible()
    visitors.screenshot(leader, "letter-for-leader")
    leader.get_by_role("button", name="签发").click()
    said(leader, "已签发")

    # 发送答复: the lead clerk.
    open_from_workspace(lead_clerk, "办理中")
    lead_clerk.get_by_role("button", name="发送答复").click()
    said(lead_clerk, "答复已发送")
    visitors.screenshot(lead_clerk, "item-for-agency")
    lead_clerk.get_by_role("navigation", name="主导航").get_by_role("link", name="承办工作").click()
    lead_clerk.get_by_role("navigation", name="工作分类").get_by_role("link", name="已答复").click()
    expect(lead_clerk.get_by_role("link", name=TITLE)).to_be_visible()
    visitors.screenshot(lead_clerk, "agency-workspace")

    # 评价: the lead proposer reads the reply and rates it.
    proposer = visitors.sign_in("qiminmin")
    expect(proposer.get_by_role("heading", name="我的建议提案")).to_be_visible()
    expect(proposer.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text("已答复")
    visitors.screenshot(proposer, "proposer-mine")
    proposer.get_by_role("link", name=TITLE).click()
    proposer.get_by_role("link", name="市民政局的答复").click()
    expect(proposer.get_by_text("审批流程已简化")).to_be_visible()
    proposer.go_back()
    proposer.get_by_role("link", name="评价这份答复").click()
    proposer.get_by_label("满意", exact=True).check()
    proposer.get_by_label("意见").fill("答复及时,措施具体。")
    visitors.screenshot(proposer, "rate-form")
    proposer.get_by_role("button", name="提交评价").click()
    said(proposer, "感谢您的评价")
    visitors.screenshot(proposer, "proposer-item")

    expect(proposer.get_by_role("link", name="评价这份答复")).to_have_count(0)
    # The proposer's timeline: the steps that concern them, in order.
    expect(timeline_of(proposer)).to_contain_text(
        [
            "邀请郭锦联名",
            "郭锦确认联名",
            "提交",
            "立案",
            "交办市民政局(主办)、市卫生健康委(会办)",
            "市民政局签收",
            "市卫生健康委签收",
            "市民政局答复",
            "全部答复",
            "戚敏敏对市民政局的答复评价为“满意”",
            "办结",
        ]
    )
    # Staff see every step, the agencies' internal ones too.
    staff.reload()
    expect(timeline_of(staff)).to_contain_text(
        [
            "录入",
            "邀请郭锦联名",
            "郭锦确认联名",
            "提交",
            "立案",
            "交办市民政局(主办)、市卫生健康委(会办)",
            "市民政局签收",
            "市卫生健康委签收",
            "市卫生健康委提交会办意见",
            "市民政局起草答复",
            "市民政局提交审核",
            "市民政局审核签发",
            "市民政局答复",
            "全部答复",
            "戚敏敏对市民政局的答复评价为“满意”",
            "办结",
        ]
    )

    # What the database holds after the walk.
    proposal = Proposal.objects.get(title=TITLE)
    # Every reply owed is sent and rated, so the item closed itself.
    assert proposal.status == Proposal.Status.CLOSED
    assert proposal.lead_proposer == world.lead_proposer
    # Filed online by the proposer herself, with her co-signer's confirmation.
    assert proposal.created_by == world.lead_proposer_user
    assert [(c.proposer, c.state) for c in proposal.cosignatures.all()] == [
        (world.cosigner, "confirmed")
    ]
    lead = proposal.assignments.get(mode=Assignment.Mode.LEAD)
    co = proposal.assignments.get(mode=Assignment.Mode.CO)
    assert (lead.agency, lead.status) == (world.lead_agency, Assignment.Status.REPLIED)
    assert co.agency == world.co_agency
    assert CoHandlingOpinion.objects.get(assignment=co).body == OPINION
    letter = ReplyLetter.objects.get(assignment=lead)
    assert letter.status == ReplyLetter.Status.SENT
    assert letter.approved_by == world.lead_leader
    assert letter.result_category.code == "A"
    assert letter.disclosure == ReplyLetter.Disclosure.PUBLIC
    feedback = Feedback.objects.get(reply=letter)
    assert (feedback.proposer, feedback.rating) == (world.lead_proposer, Feedback.Rating.SATISFIED)
    verbs = list(proposal.events.order_by("at", "id").values_list("verb", flat=True))
    expected = [
        Verb.CREATED,
        Verb.COSIGN_INVITED,
        Verb.COSIGN_CONFIRMED,
        Verb.SUBMITTED,
        Verb.ACCEPTED,
        Verb.ASSIGNED,
        Verb.SIGNED_FOR,
        Verb.SIGNED_FOR,
        Verb.OPINION_SUBMITTED,
        Verb.REPLY_DRAFTED,
        Verb.REPLY_SUBMITTED,
        Verb.REPLY_APPROVED,
        Verb.REPLY_SENT,
        Verb.ALL_REPLIED,
        Verb.RATED,
        Verb.CLOSED,
    ]
    assert [v for v in verbs if v in expected] == expected
    assert visitors.dialogs == [
        "确认签发这份答复函?签发后内容不能再修改。",
        "确认向提出人发送这份答复?",
    ]
    assert visitors.problems == []
