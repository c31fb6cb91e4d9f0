"""The figures of the 办理情况统计, each with what it counts, in one place.

Every count is a number of items (件): a count on the dashboard, in an export or in the
API is the number of rows the register lists for the same filters and ``stat``, because
both read the condition written here. Where an item is handled by several agencies, an
agency's row counts the item by that agency's own assignment (its 件次), and a total
counts the item once, by all of its assignments together.

The facts a condition reads are written in ``PART_FACTS``: each is one assignment's value
(``1`` for each mode it is in, its reply's due date, …), kept in its ``AssignmentFacts``
row, and an item's is their sum, least or greatest over its active assignments, kept in
its ``ItemFacts`` row. A condition takes ``c``, which names a fact as an expression: the
item's column, or for an agency's row the one assignment's, so both read the same words.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, DateField, F, IntegerField, Q, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import Exact, GreaterThan, In, LessThan

from proposals.models import Assignment, Proposal

S = Proposal.Status
Mode = Assignment.Mode
ACCEPTED = [S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED]
REPLYING = Q(mode__in=[Mode.LEAD, Mode.SPLIT])
CO = Q(mode=Mode.CO)
REPLIED = Q(reply_met_on__isnull=False)

# Ranks of a rating (the worst of an item's parts is its rating) and the shift that packs a
# result category's position above its id, so the greatest key is the least advanced class.
RATING_RANKS = {"satisfied": 1, "basically": 2, "dissatisfied": 3}
CATEGORY_SHIFT = 2**32


def _one(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _when(condition: Q, name: str, output_field):
    return Case(When(condition, then=F(name)), default=None, output_field=output_field)


# Each fact: how an item's is gathered over its assignments, and one assignment's value
# from what is read of it (the other columns of ``stats.models.AssignmentFacts``).
PART_FACTS = {
    "n": ("sum", Value(1)),
    "n_lead": ("sum", _one(Q(mode=Mode.LEAD))),
    "n_co": ("sum", _one(CO)),
    "n_split": ("sum", _one(Q(mode=Mode.SPLIT))),
    "n_ref": ("sum", _one(Q(mode=Mode.REFERENCE))),
    "n_r": ("sum", _one(REPLYING)),
    "r_replied": ("sum", _one(REPLYING & REPLIED)),
    "r_on_time": ("sum", _one(REPLYING & Q(reply_met_on__lte=F("reply_due_on")))),
    "r_contacted": ("sum", _one(REPLYING & Q(has_contact=True))),
    "r_met": ("sum", _one(REPLYING & Q(has_meeting=True))),
    # Replies not yet sent: how many have no due date, and the latest due date of the rest.
    "r_open_undated": ("sum", _one(REPLYING & ~REPLIED & Q(reply_due_on__isnull=True))),
    "r_open_due": ("max", _when(REPLYING & ~REPLIED, "reply_due_on", DateField())),
    "r_rated": ("sum", _one(REPLYING & Q(rating__isnull=False))),
    "r_rating": ("max", _when(REPLYING, "rating", IntegerField())),
    "r_categorized": ("sum", _one(REPLYING & Q(category__isnull=False))),
    "r_category": ("max", _when(REPLYING, "category", BigIntegerField())),
    "c_sent": ("sum", _one(CO & Q(opinion_met_on__isnull=False))),
    "c_on_time": ("sum", _one(CO & Q(opinion_met_on__lte=F("opinion_due_on")))),
    "next_due_on": ("min", F("next_due_on")),
    "extended": ("sum", _one(Q(has_extension=True))),
    "rehandled": ("sum", _one(Q(round__gte=2))),
}

Col = Callable[[str], object]


def item_column(name: str):
    """A fact as the item's column, from the item (``Proposal``) through its facts."""
    return F(f"stats_facts__{name}")


def part_value(name: str):
    """A fact as one assignment's column, in its ``AssignmentFacts`` row."""
    return F(name)


def _some(c: Col, name: str) -> Q:
    return Q(GreaterThan(c(name), 0))


def _all(c: Col, name: str, of: str) -> Q:
    """Every part counted by ``of`` has the fact ``name`` (and there is at least one)."""
    return _some(c, of) & Q(Exact(c(name), c(of)))


@dataclass(frozen=True)
class Figure:
    """A count of items.

    ``on_item`` is a condition on the item itself (its status); ``on_facts`` one on its
    facts. A condition that does not depend on the day is kept with the facts as the flag
    ``is_<key>`` when they are written, so reading it costs a column; one that does
    (``daily``: due, overdue) is worked out on the day the figures are for.
    """

    key: str
    label: str
    what: str
    on_item: Q | None = None
    on_facts: Callable[..., Q] | None = None
    daily: bool = False
    # Meaningful for an agency's row (the item by that agency's assignment).
    per_agency: bool = True

    @property
    def flag(self) -> str | None:
        """The column that keeps the condition, if it is kept."""
        return None if self.on_item is not None or self.daily else f"is_{self.key}"

    def condition(self, c: Col, today: datetime.date) -> Q:
        """The condition as the figures read it, ``c`` naming the facts' columns."""
        if self.on_item is not None:
            return self.on_item
        if self.daily:
            return self.on_facts(c, today)
        return Q(Exact(c(self.flag), True))


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    what: str


@dataclass(frozen=True)
class ResultClass:
    """A result class's figure (办理结果分类): the items whose replies are all sent and
    classed, the least advanced class among them being this one. The classes of both bodies
    that share a code (A, B…) are one figure; ``pks`` are their ids."""

    code: str
    label: str
    pks: tuple[int, ...]
    what: str = ""

    @property
    def key(self) -> str:
        return f"class_{self.code}"

    def condition(self, c: Col, today: datetime.date) -> Q:
        return Q(In(c("result_class"), list(self.pks)))


def _replied(c):
    return _all(c, "r_replied", "n_r")


def _due(c, today):
    every_open_one_past = Q(Exact(c("r_open_undated"), 0)) & Q(LessThan(c("r_open_due"), today))
    return _some(c, "n_r") & (Q(Exact(c("r_replied"), c("n_r"))) | every_open_one_past)


def _rated(c):
    return _replied(c) & _all(c, "r_rated", "n_r")


def _rating(rank: int):
    return lambda c: _rated(c) & Q(Exact(c("r_rating"), rank))


def _co_sent(c):
    return _all(c, "c_sent", "n_co")


def result_class(c):
    """The result class an item counts under (its id), when every reply owed is sent and
    classed: the least advanced class of its replies (the greatest packed key)."""
    classed = _replied(c) & _all(c, "r_categorized", "n_r")
    return Case(
        When(classed, then=Mod(c("r_category"), Value(CATEGORY_SHIFT))),
        default=None,
        output_field=BigIntegerField(),
    )


FIGURES = [
    # 收件与审查: the items themselves, before any agency.
    Figure(
        "filed",
        "提交",
        "已提交的件,含其后撤回、并案、不予立案的;草稿不计。",
        on_item=~Q(status=S.DRAFT),
        per_agency=False,
    ),
    Figure(
        "pending",
        "待审查",
        "已提交、尚未审查的件。",
        on_item=Q(status=S.SUBMITTED),
        per_agency=False,
    ),
    Figure(
        "accepted",
        "立案",
        "立案(人大为登记)的件,含已交办、已答复、已办结的;并入他件的不计,被并入的件计一次。",
        on_item=Q(status__in=ACCEPTED),
        per_agency=False,
    ),
    Figure(
        "merged",
        "并案",
        "并入他件办理的件(由被并入的件答复)。",
        on_item=Q(status=S.MERGED),
        per_agency=False,
    ),
    Figure(
        "rejected", "不予立案", "不予立案的件。", on_item=Q(status=S.REJECTED), per_agency=False
    ),
    Figure(
        "withdrawn", "撤回", "提出人撤回的件。", on_item=Q(status=S.WITHDRAWN), per_agency=False
    ),
    # 交办
    Figure(
        "assigned",
        "交办",
        "有有效交办的件(调整撤销的交办不计,改交的单位计)。",
        on_facts=lambda c: _some(c, "n"),
    ),
    Figure("lead", "主办", "由单位主办的件。", on_facts=lambda c: _some(c, "n_lead")),
    Figure("co", "会办", "由单位会办的件。", on_facts=lambda c: _some(c, "n_co")),
    Figure(
        "split",
        "分办",
        "分办给单位、由其单独答复的件。",
        on_facts=lambda c: _some(c, "n_split"),
    ),
    Figure(
        "reference",
        "参阅",
        "送单位参阅、不需答复的件。",
        on_facts=lambda c: _some(c, "n_ref"),
    ),
    # 答复
    Figure(
        "due",
        "应答复",
        "主办、分办答复期限(含批准延期后的期限)已过或已答复的件;尚在期限内未答复的不计。"
        "一件多个单位答复的,各单位都到期或已答复才计。",
        on_facts=_due,
        daily=True,
    ),
    Figure(
        "replied",
        "已答复",
        "主办、分办单位都已送达首次答复的件。",
        on_facts=_replied,
    ),
    Figure(
        "on_time",
        "按期答复",
        "已答复且每份首次答复都在期限(含批准延期后的期限)内送达的件;会办单位迟交意见不影响主办单位。",
        on_facts=lambda c: _replied(c) & _all(c, "r_on_time", "n_r"),
    ),
    Figure(
        "contacted",
        "已沟通",
        "已答复且承办单位记录了与提出人沟通(面商、座谈、走访、电话、网络、书面)的件。",
        on_facts=lambda c: _replied(c) & _all(c, "r_contacted", "n_r"),
    ),
    Figure(
        "met",
        "已见面",
        "已答复且承办单位与提出人当面沟通(面商、座谈、走访)的件。",
        on_facts=lambda c: _replied(c) & _all(c, "r_met", "n_r"),
    ),
    Figure(
        "overdue",
        "超期",
        "现有未完成的办理环节(签收、会办意见、答复、重新办理答复、答复公开)已过期限的件;"
        "批准延期后未到新期限的不算超期。",
        on_facts=lambda c, today: Q(LessThan(c("next_due_on"), today)),
        daily=True,
    ),
    Figure("extended", "延期", "有期限经批准延期的件。", on_facts=lambda c: _some(c, "extended")),
    Figure(
        "rehandled",
        "重新办理",
        "提出人不满意后重新办理的件。",
        on_facts=lambda c: _some(c, "rehandled"),
    ),
    # 会办
    Figure(
        "co_sent",
        "会办意见已提交",
        "会办单位都已提交会办意见的件。",
        on_facts=_co_sent,
    ),
    Figure(
        "co_on_time",
        "会办意见按期",
        "会办单位都在期限内提交会办意见的件。",
        on_facts=lambda c: _co_sent(c) & _all(c, "c_on_time", "n_co"),
    ),
    # 评价: the lead proposer's rating of the current round's reply.
    Figure(
        "rated",
        "已评价",
        "领衔人已评价当前一轮答复的件;重新办理中、新答复未送达的件计为未评价。",
        on_facts=_rated,
    ),
    Figure("satisfied", "满意", "评价为满意的件。", on_facts=_rating(RATING_RANKS["satisfied"])),
    Figure(
        "basically",
        "基本满意",
        "评价为基本满意的件(一件多个单位答复的,取最低的评价)。",
        on_facts=_rating(RATING_RANKS["basically"]),
    ),
    Figure(
        "dissatisfied",
        "不满意",
        "评价为不满意的件。",
        on_facts=_rating(RATING_RANKS["dissatisfied"]),
    ),
    Figure(
        "uncategorized",
        "未分类",
        "已答复但当前一轮答复未全部标明办理结果的件(如重新办理中)。",
        on_facts=lambda c: _replied(c) & ~Q(Exact(c("r_categorized"), c("n_r"))),
    ),
]
BY_KEY = {f.key: f for f in FIGURES}
# The conditions kept with the facts when they are written, and the result class.
FLAGS = {f.flag: f.on_facts for f in FIGURES if f.flag}

RATES = [
    Rate("reply_rate", "办复率", "replied", "due", "已答复 ÷ 应答复"),
    Rate("on_time_rate", "按期办复率", "on_time", "replied", "按期答复 ÷ 已答复"),
    Rate("contact_rate", "沟通率", "contacted", "replied", "已沟通 ÷ 已答复"),
    Rate("meeting_rate", "见面率", "met", "replied", "已见面 ÷ 已答复"),
    Rate(
        "satisfaction_rate", "满意率", "satisfied+basically", "rated", "(满意 + 基本满意)÷ 已评价"
    ),
    Rate("co_on_time_rate", "会办按期率", "co_on_time", "co_sent", "会办意见按期 ÷ 会办意见已提交"),
]


def numerator(rate: Rate, counts: dict) -> int:
    return sum(counts.get(key, 0) for key in rate.numerator.split("+"))


def ratio(part: int, whole: int) -> float | None:
    """A rate as a fraction, ``None`` when there is nothing to divide by."""
    return part / whole if whole else None
