"""How the API schema describes the personal-token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            **build_bearer_security_scheme_object(
                header_name="Authorization", token_prefix="Bearer"
            ),
            "description": (
                "个人接口令牌:登录平台后在“接口令牌”页面(/accounts/tokens/)创建,"
                "以请求头 Authorization: Bearer <令牌> 发送。"
            ),
        }
