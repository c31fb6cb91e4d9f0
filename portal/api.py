"""What every endpoint of the REST API shares: one error shape, pagination, the URLs.

Every error answers ``{"error": {"status", "code", "message", "fields"}}`` with the message
in Chinese, as the portal's pages say it: 400 for what was sent (``fields`` names each
field's problems), 401 without credentials, 403 and 404 as the portal, 409 for a step the
item's current state does not allow (the workflow services' ``TransitionNotAllowed``) or an
edit that lost to another, 429 when throttled.

The API speaks Chinese only, whatever the client's ``Accept-Language``: the services'
messages are Chinese, so DRF's and Django's own are too (``LocaleMiddleware``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.records import ProtectedFromDeletion
from proposals.errors import (
    EditConflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
    WorkflowError,
)

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
# The same, for an endpoint that takes a file (multipart/form-data) rather than JSON.
UPLOAD_MESSAGES = {
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        "请以 multipart/form-data 格式上传文件。",
    ),
    exceptions.ParseError: (
        "parse_error",
        "无法读取上传的内容,请以 multipart/form-data 格式重新上传。",
    ),
}
TOO_MUCH = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


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


def _takes_json(context) -> bool:
    """Whether the endpoint reads JSON (every one but an upload's)."""
    view = (context or {}).get("view")
    parsers = view.get_parsers() if hasattr(view, "get_parsers") else []
    return not parsers or any(isinstance(parser, JSONParser) for parser in parsers)


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
    if isinstance(exc, TOO_MUCH):
        return error(400, "too_large", "请求内容过大,或所含的字段、文件过多。")
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
    messages = MESSAGES if _takes_json(context) else MESSAGES | UPLOAD_MESSAGES
    code, message = next(
        (pair for kind, pair in messages.items() if isinstance(exc, kind)),
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


API_PREFIX = "/api/"


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's, but under ``/api/`` (the endpoints, the schema, its documentation) every
    answer is in the portal's language, ``LANGUAGE_CODE``: an English client would otherwise
    read DRF's messages in English beside the services' Chinese ones. The pages and the
    admin follow the reader's language as before."""

    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if not request.path_info.startswith(API_PREFIX):
            return super().process_response(request, response)
        # One language for every client: no ``Vary: Accept-Language``.
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


__all__ = ["LocaleMiddleware", "Pagination", "error", "exception_handler", "status"]
