"""Reply drafts assembled from the case: who is addressed, what was received, who helped.

The wording follows the published letters (see ``proposals/demo/seeds/``):

- one person: ``戚敏敏委员:``; a few: ``何珊珊代表、郭锦代表、邱小燕代表:``; many (from
  ``PORTAL["ADDRESS_MANY_FROM"]`` signers): ``张钜等人大代表:``; a group by its name:
  ``民进界别小组委员工作站:``;
- the acknowledgement: ``您在市政协十二届二次会议上提出的《…》(第607号)收悉。``;
- the co-handlers: ``经综合市卫生健康委的会办意见``;
- one section per numbered point of the proposal (``一、关于…``), with the co-handlers'
  opinions beside the draft for the clerk to weave in;
- the signing agency, the date in Chinese (``2026年11月23日``) and
  ``(联系人:吴强,联系电话:89586323)`` from the agency's settings.

A template (``ReplyTemplate``) arranges these variables; :data:`VARIABLES` documents them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.template import Context, Engine, TemplateSyntaxError

from agencies.models import Agency, Body
from portal import clock
from proposals.models import Assignment, Proposal, Proposer

from . import richtext

VARIABLES = {
    "addressee": "称呼,如“戚敏敏委员”“何珊珊代表、郭锦代表”“张钜等人大代表”“民进界别小组委员工作站”",  # noqa: E501
    "you": "对提出人的称呼:您 / 诸位代表(委员) / 你们",
    "acknowledgement": "收悉句,如“您在市政协十二届二次会议上提出的《…》(第607号)收悉。”",
    "session": "会议名称,如“市政协十二届二次会议”",
    "number": "编号,如“607”",
    "title": "建议提案标题",
    "kind": "建议或提案",
    "agency": "承办单位(可用 agency.name 全称、agency.display_name 简称)",
    "we": "单位自称,如“我局”“我委”",
    "co_handlers": "会办单位简称的列表",
    "co_handling": "会办句,如“经综合市卫生健康委的会办意见”;无会办单位时为空",
    "sections": "按建议所列要点的分节列表,每节有 numeral(一、二…)和 heading(关于…)",
    "opinions": "会办意见列表,每条有 agency 和 body(供起草时参考,不直接写入正文)",
    "date": "中文日期,如“2026年11月23日”",
    "contact": "联系人行,如“(联系人:吴强,联系电话:89586323)”",
    "round": "办理轮次;重新办理时大于 1",
}

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

NUMERALS = "一二三四五六七八九十"
_POINT = re.compile(r"^\s*([一二三四五六七八九十]{1,3})[、.．]\s*(.+?)\s*$")
_SELF_NAMES = {"局": "我局", "委": "我委", "办": "我办", "厅": "我厅", "院": "我院", "部": "我部"}

# Templates are written by staff in Django's syntax; they render with no access to settings
# or the database beyond the variables given, and nothing they produce is trusted: the output
# is plain text that becomes escaped paragraphs.
_ENGINE = Engine(autoescape=False, string_if_invalid="", libraries={}, builtins=[])


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for the points of a letter)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def self_name(agency: Agency) -> str:
    """How the agency speaks of itself in its letters: 我局, 我委…; 我单位 otherwise."""
    name = agency.display_name
    return _SELF_NAMES.get(name[-1:], "我单位")


def addressee(signers: list[Proposer], body: str) -> tuple[str, str]:
    """The salutation and the word for "you", by the rules seen in the published letters."""
    if not signers:
        return "", "您"
    lead = signers[0]
    if lead.kind == Proposer.Kind.GROUP:
        return lead.name, "你们"
    title = Body(body).member_title
    people = [p for p in signers if p.kind != Proposer.Kind.GROUP]
    if len(people) == 1:
        return f"{lead.name}{lead.title}", "您"
    if len(people) >= settings.PORTAL["ADDRESS_MANY_FROM"]:
        many = "人大代表" if body == Body.NPC else "政协委员"
        return f"{lead.name}等{many}", f"诸位{title}"
    return "、".join(f"{p.name}{p.title}" for p in people), f"诸位{title}"


def acknowledgement(proposal: Proposal, you: str) -> str:
    where = proposal.session.label
    if proposal.filed_during == Proposal.FiledDuring.INTERIM:
        where += "闭会期间"
    else:
        where += "上"
    number = f"(第{proposal.number}号)" if proposal.number else ""
    return f"{you}在{where}提出的《{proposal.title}》{number}收悉。"


def sections(body: str) -> list[dict]:
    """The numbered points of a proposal (一、… 二、…), as headings a reply answers one by one."""
    text = richtext.to_plain(body) if richtext.looks_like_html(body) else (body or "")
    found = []
    for line in text.splitlines():
        match = _POINT.match(line)
        if not match:
            continue
        point = match.group(2)
        point = re.split(r"[。::;;]", point, maxsplit=1)[0].strip()
        if not point.startswith("关于"):
            point = "关于" + point
        found.append({"numeral": numeral(len(found) + 1), "heading": point})
    return found


@dataclass
class DraftContext:
    """Everything a reply template may use, gathered in a fixed number of queries."""

    values: dict = field(default_factory=dict)

    @classmethod
    def for_assignment(cls, assignment: Assignment, on: date | None = None) -> DraftContext:
        proposal = assignment.proposal
        cosignatures = proposal.cosignatures.select_related("proposer").order_by("position")
        signers = [proposal.lead_proposer] + [c.proposer for c in cosignatures]
        salutation, you = addressee(signers, proposal.session.body)
        agency = assignment.agency
        co = _co_handlers(assignment) if assignment.mode == Assignment.Mode.LEAD else []
        co_names = [a.agency.display_name for a in co]
        opinions = [
            {"agency": a.agency.display_name, "body": a.opinion_body} for a in co if a.opinion_body
        ]
        contact = ""
        if agency.contact_name or agency.contact_phone:
            parts = []
            if agency.contact_name:
                parts.append(f"联系人:{agency.contact_name}")
            if agency.contact_phone:
                parts.append(f"联系电话:{agency.contact_phone}")
            contact = "(" + ",".join(parts) + ")"
        return cls(
            {
                "addressee": salutation,
                "you": you,
                "acknowledgement": acknowledgement(proposal, you),
                "session": proposal.session.label,
                "number": proposal.number,
                "title": proposal.title,
                "kind": proposal.get_kind_display(),
                "agency": agency,
                "we": self_name(agency),
                "co_handlers": co_names,
                "co_handling": f"经综合{'、'.join(co_names)}的会办意见" if co_names else "",
                "sections": sections(proposal.body),
                "opinions": opinions,
                "date": chinese_date(on or clock.today()),
                "contact": contact,
                "round": assignment.round,
            }
        )


def _co_handlers(assignment: Assignment) -> list[Assignment]:
    """The item's co-handling assignments, each with its latest opinion, in one query."""
    from .models import CoHandlingOpinion

    latest = CoHandlingOpinion.objects.filter(assignment=OuterRef("pk")).order_by(
        "-round", "-submitted_at"
    )
    return list(
        Assignment.objects.active()
        .filter(proposal_id=assignment.proposal_id, mode=Assignment.Mode.CO)
        .select_related("agency")
        .annotate(opinion_body=Subquery(latest.values("body")[:1]))
        .order_by("assigned_at", "pk")
    )


class TemplateError(ValueError):
    """A reply template that cannot be used, with a message staff can act on."""


@lru_cache(maxsize=64)
def compile_template(content: str):
    try:
        return _ENGINE.from_string(content)
    except TemplateSyntaxError as error:
        raise TemplateError(f"模板语法错误:{error}") from error


def render_text(content: str, context: DraftContext) -> str:
    """Render a template to plain text, one paragraph per line."""
    template = compile_template(content)
    try:
        return template.render(Context(context.values, autoescape=False))
    except Exception as error:  # a template may call anything it is given
        raise TemplateError(f"模板无法生成:{error}") from error


def render_draft(content: str, context: DraftContext) -> str:
    """The draft body (the letter's HTML) from a template and a case."""
    return richtext.from_plain(render_text(content, context))


def template_for(assignment: Assignment):
    """The agency's own active template, else its body's default, else the built-in one."""
    from .models import ReplyTemplate

    candidates = {
        t.agency_id: t
        for t in ReplyTemplate.objects.filter(
            Q(agency_id=assignment.agency_id) | Q(agency__isnull=True),
            body=assignment.proposal.session.body,
            is_active=True,
        )
    }
    return candidates.get(assignment.agency_id) or candidates.get(None)


def preview_cases(limit: int = 30) -> list[tuple[int, str]]:
    """Recent lead and split assignments to preview a template against, as (id, label)."""
    rows = (
        Assignment.objects.filter(mode__in=Assignment.REPLYING_MODES)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .select_related("agency", "proposal__session")
        .order_by("-assigned_at")[:limit]
    )
    return [
        (a.pk, f"{a.proposal.session.label}第{a.proposal.number}号 · {a.agency.display_name}")
        for a in rows
    ]


def sample_assignment(body: str, agency=None) -> Assignment | None:
    """A real case to try a template on before it is saved: the agency's latest, else any."""
    replying = Assignment.objects.filter(
        mode__in=Assignment.REPLYING_MODES, proposal__session__body=body
    ).select_related("agency", "proposal__session", "proposal__lead_proposer")
    if agency is not None:
        own = replying.filter(agency=agency).order_by("-assigned_at").first()
        if own is not None:
            return own
    return replying.order_by("-assigned_at").first()
