"""Factories for the portal's records. States other than the initial one are reached
through the services (see ``tests/workflow.py``), never by setting ``status``."""

import datetime

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, AgencyMembership, Body, CommitteeStaff
from proposals.models import Proposal, Proposer, Session


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.django.Password("correct horse battery staple")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"市第{n}局")
    short_name = factory.LazyAttribute(lambda a: a.name)
    org_code = factory.Sequence(lambda n: f"{100000000 + n}")
    contact_name = "吴强"
    contact_phone = "89586323"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = AgencyMembership.Role.CLERK


class CommitteeStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeStaff

    user = factory.SubFactory(UserFactory)
    body = Body.CPPCC


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    body = Body.CPPCC
    region = "杭州市"
    level_name = factory.LazyAttribute(lambda s: "市人大" if s.body == Body.NPC else "市政协")
    term = 12
    number = factory.Sequence(lambda n: n % 9 + 1)
    opens_on = datetime.date(2026, 1, 10)


class ProposerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposer

    body = Body.CPPCC
    kind = Proposer.Kind.PERSON
    name = factory.Sequence(lambda n: f"委员{n}")
    phone = factory.Sequence(lambda n: f"1380000{n:04d}")
    email = factory.Sequence(lambda n: f"proposer{n}@example.com")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft item, as a proposer would have saved it."""

    class Meta:
        model = Proposal

    session = factory.SubFactory(SessionFactory)
    kind = factory.LazyAttribute(lambda p: Proposal.Kind.for_body(Body(p.session.body)))
    title = factory.Sequence(lambda n: f"关于完善社区养老服务的建议({n})")
    body = "一、关于增加社区养老服务设施\n二、关于加强养老护理人才培养"
    lead_proposer = factory.SubFactory(
        ProposerFactory, body=factory.SelfAttribute("..session.body")
    )
