"""The API schema's error responses, declared once for every endpoint.

Every refusal has the one shape of ``portal.api.error``. The statuses that follow from an
operation's method, parameters and security (400, 401, 403, 404, 415, 429) are added here
to each operation rather than repeated on every view; a view's own description of a status
(``extend_schema(responses=...)``) is kept. A 409, which only the workflow's steps answer,
and a 403 of a read that only some roles may make are declared by their views.
"""

from __future__ import annotations

ERROR_COMPONENT = "ApiError"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}

# The shape ``portal.api.error`` answers; used when no view has already declared it.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "description": "HTTP 状态码。"},
                "code": {"type": "string", "description": "错误类别。"},
                "message": {"type": "string", "description": "中文说明,可直接展示给用户。"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "400 时按字段列出的问题;其他情况为空对象。",
                },
            },
            "required": ["status", "code", "message", "fields"],
        }
    },
    "required": ["error"],
}

DESCRIPTIONS = {
    400: "提交的内容或查询参数有误:fields 中按字段(或参数)列出问题。",
    401: "未登录,或接口令牌无效、已过期、已撤销(响应头 WWW-Authenticate: Bearer)。",
    403: "无权进行此操作;以登录会话提交时还须带 CSRF 令牌。",
    404: "对象不存在或无权查看,或没有所请求的页。",
    415: "请求内容须为 JSON(Content-Type: application/json)。",
    429: "请求过于频繁;响应头 Retry-After 给出需等待的秒数。",
}

UNSAFE_METHODS = {"post", "put", "patch", "delete"}
PAGINATION_PARAMETERS = {"page", "page_size", "cursor"}


def _error_response(status: int) -> dict:
    response = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "认证方式的说明。"}
        }
    elif status == 429:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "string"}, "description": "需等待的秒数。"}
        }
    return response


def statuses_of(method: str, operation: dict) -> set[int]:
    """The refusals an operation can answer, from its method, parameters and security."""
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p.get("in") == "query"}
    security = [set(requirement) for requirement in operation.get("security", [])]
    anonymous = not security or set() in security
    statuses = {429}
    if method in UNSAFE_METHODS or query - PAGINATION_PARAMETERS:
        statuses.add(400)
    if any("tokenAuth" in requirement for requirement in security) or not anonymous:
        # A token that is not valid is refused even where anyone may read.
        statuses.add(401)
    if method in UNSAFE_METHODS and not anonymous:
        statuses.add(403)
    if any(p.get("in") == "path" for p in parameters) or "page" in query:
        statuses.add(404)
    if "requestBody" in operation:
        statuses.add(415)
    return statuses


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: each operation's refusals in the one shape."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses_of(method, operation)):
                documented = _error_response(status)
                existing = responses.setdefault(str(status), documented)
                existing.setdefault("content", documented["content"])
                if "headers" in documented:
                    existing.setdefault("headers", documented["headers"])
    return result
