"""Publishing a sent reply through the API (``POST /api/v1/letters/<id>/publish/``).

The working side of 答复公开, beside the letter's other steps; the public reading API is
``disclosure.api``. The letter is found among those the caller may see (else 404) and
``services.reply_publish`` decides the rest, as on the preview page.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from proposals.api import ACTION_REFUSALS
from responses.api import LetterDetailSerializer, letter_response
from responses.models import ReplyLetter

from . import services


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="发布日期,如 2026-11-20;不填为今天。不能早于答复发送日期,不能晚于今天。",
    )


class LetterPublishView(APIView):
    @extend_schema(
        summary="公开答复",
        description=(
            "承办单位的经办人或负责人发布已答复、公开方式为主动公开的答复函(同网页"
            "“公开预览与发布”):冻结公开文本(隐去提出人的联系方式和标为公开时隐去的文字)及其"
            "公开信息,生成本单位当年的下一个索引号,记入办理记录。返回的答复函中 publication "
            "为公开情况。不存在或无权查看时返回 404;无权发布返回 403;未答复、不是主动公开、"
            "已公开或单位未登记组织机构代码时返回 409;发布日期有误返回 400。"
        ),
        request=PublishSerializer,
        responses={200: LetterDetailSerializer, **ACTION_REFUSALS},
        tags=["答复函"],
    )
    def post(self, request, pk: int):
        letter = get_object_or_404(ReplyLetter.objects.visible_to(request.user), pk=pk)
        incoming = PublishSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.reply_publish(
            letter=letter, by=request.user, published_on=incoming.validated_data.get("published_on")
        )
        return letter_response(request, letter)
