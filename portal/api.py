"""What every endpoint of the REST API shares: one error shape, pagination, the URLs.

Every error answers ``{"error": {"status", "code", "message", "fields"}}`` with the message
in Chinese, as the portal's pages say it: 400 for what was sent (``fields`` names each
field's problems), 401 without credentials, 403 and 404 as the portal, 409 for a step the
item's current state does not allow (the workflow services' ``TransitionNotAllowed``) or an
edit that lost to another, 429 when throttled.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from proposals.errors import (
    EditConflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
    WorkflowError,
)
from proposals.models import ProtectedFromDeletion

MESSAGES = {
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录,或在请求头中提供接口令牌。"),
    exceptions.AuthenticationFailed: ("authentication_failed", "接口令牌无效或已撤销。"),
    exceptions.PermissionDenied: ("permission_denied", "您没有权限进行此操作。"),
    exceptions.NotFound: ("not_found", "未找到该对象,或您无权查看。"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "该地址不支持此请求方法。"),
    exceptions.NotAcceptable: ("not_acceptable", "无法提供所请求的格式,请接受 JSON。"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "请以 JSON 提交请求内容。"),
    exceptions.ParseError: ("parse_error", "请求内容不是有效的 JSON。"),
}


def error(status_code: int, code: str, message: str, fields: dict | None = None) -> Response:
    return Response(
        {
            "error": {
                "status": status_code,
                "code": code,
                "message": message,
                "fields": fields or {},
            }
        },
        status=status_code,
    )


def _fields(detail) -> dict:
    """DRF's validation detail as ``{field: [messages]}`` (``non_field_errors`` for the rest)."""
    if isinstance(detail, dict):
        return {
            name: [str(m) for m in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else _fields(value)
            for name, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    """Every refusal in the one shape; the workflow's own refusals mapped to their status."""
    if isinstance(exc, WorkflowError):
        if isinstance(exc, NotPermitted):
            return error(403, "permission_denied", exc.message)
        if isinstance(exc, TransitionNotAllowed):
            return error(409, "transition_not_allowed", exc.message)
        if isinstance(exc, EditConflict):
            return error(409, "edit_conflict", exc.message)
        fields = {exc.field: [exc.message]} if exc.field else {}
        code = "invalid" if isinstance(exc, InvalidInput) else "refused"
        return error(400, code, exc.message, fields)
    if isinstance(exc, ProtectedFromDeletion):
        return error(409, "protected", str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        return error(400, "invalid", "提交的内容有误,请按各项提示修改。", _fields(exc.detail))
    if isinstance(exc, exceptions.Throttled):
        wait = f"请 {int(exc.wait)} 秒后再试。" if exc.wait else "请稍后再试。"
        response = error(429, "throttled", f"请求过于频繁,{wait}")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, message = next(
        (pair for kind, pair in MESSAGES.items() if isinstance(exc, kind)),
        (getattr(exc, "default_code", "error"), str(getattr(exc, "detail", exc))),
    )
    shaped = error(response.status_code, code, message)
    for header in ("WWW-Authenticate", "Allow"):
        if header in response:
            shaped[header] = response[header]
    return shaped


class Pagination(PageNumberPagination):
    """Numbered pages of 20 (``page_size`` up to 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "没有这一页。"


__all__ = ["Pagination", "error", "exception_handler", "status"]
