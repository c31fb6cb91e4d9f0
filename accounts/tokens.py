"""Personal API tokens (个人接口令牌): creating, revoking, noting their use.

A token is ``pt_`` and 43 random URL-safe characters; the portal keeps its first eight
characters, to recognise it in lists, and its SHA-256 digest, to look it up.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import rules
from django.db import transaction
from django.db.models import Q

from portal import clock
from proposals.errors import InvalidInput, NotPermitted, TransitionNotAllowed

from .models import ApiToken, User

MAX_ACTIVE_TOKENS = 10
# How stale ``last_used_at`` may be: one write a minute per token, not one per request.
USE_RECORDED_EVERY = timedelta(minutes=1)


@transaction.atomic
def token_create(*, user: User, name: str, expires_on: date | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw token, which is never stored."""
    # Lock the user so that two requests cannot both pass the name and count checks.
    user = User.objects.select_for_update().get(pk=user.pk)
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写令牌名称。", field="name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput("令牌名称不能超过50个字。", field="name")
    if expires_on is not None and expires_on < clock.today():
        raise InvalidInput("有效期不能早于今天。", field="expires_on")
    active = ApiToken.objects.active().filter(user=user)
    if active.filter(name=name).exists():
        raise InvalidInput(f"您已有名为“{name}”的有效令牌,请换一个名称。", field="name")
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise InvalidInput(f"每人最多可有 {MAX_ACTIVE_TOKENS} 个有效令牌,请先撤销不再使用的令牌。")
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:8],
        digest=ApiToken.digest_of(raw),
        expires_on=expires_on,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke ``token`` for good; the record stays, with the moment it was revoked."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if (
        by is None
        or not by.is_authenticated
        or not rules.has_perm("accounts.revoke_token", by, token)
    ):
        raise NotPermitted("您没有权限撤销这个令牌。")
    if token.revoked_at is not None:
        raise TransitionNotAllowed(f"令牌“{token.name}”已经撤销,无需再次撤销。")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    return token


def token_used(*, token: ApiToken) -> None:
    """Note that ``token`` was just used, unless that was already noted within the minute.

    A conditional UPDATE: concurrent requests write at most once between them.
    """
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORDED_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - USE_RECORDED_EVERY)
    if ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now):
        token.last_used_at = now
