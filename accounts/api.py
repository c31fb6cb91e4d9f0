"""The API's ``/api/v1/me/``: who the caller is and what roles they hold."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import AgencyMembership, Body

from .roles import roles_of


class AgencyRoleSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(help_text="承办单位编号。")
    role = serializers.ChoiceField(
        choices=AgencyMembership.Role.choices,
        help_text="在该单位的角色:clerk 经办人,leader 负责人。",
    )


class RolesSerializer(serializers.Serializer):
    staff_bodies = serializers.ListField(
        child=serializers.ChoiceField(choices=Body.choices),
        help_text="所在的委员会办公室:npc 人大,cppcc 政协;不是委员会工作人员时为空。",
    )
    agencies = AgencyRoleSerializer(many=True, help_text="所在的承办单位及角色。")
    proposer_id = serializers.IntegerField(
        allow_null=True, help_text="本人作为代表或委员的提出人编号;不是提出人时为 null。"
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="用户编号。")
    username = serializers.CharField(help_text="登录名。")
    full_name = serializers.CharField(help_text="姓名;未填写时为空字符串。")
    roles = RolesSerializer(help_text="在办理流程中的角色。")


def _roles(user) -> dict:
    roles = roles_of(user)
    agencies = [
        {"agency_id": agency_id, "role": AgencyMembership.Role.CLERK}
        for agency_id in roles.clerk_agency_ids
    ] + [
        {"agency_id": agency_id, "role": AgencyMembership.Role.LEADER}
        for agency_id in roles.leader_agency_ids
    ]
    return {
        "staff_bodies": sorted(roles.staff_bodies),
        "agencies": sorted(agencies, key=lambda a: (a["agency_id"], a["role"])),
        "proposer_id": roles.proposer_id,
    }


class MeView(APIView):
    @extend_schema(
        summary="当前用户",
        description=(
            "返回以登录会话或个人接口令牌访问的用户本人:编号、登录名、姓名,"
            "以及在办理流程中的角色(委员会办公室、承办单位及角色、提出人编号)。"
        ),
        responses=MeSerializer,
        tags=["用户"],
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "roles": _roles(user),
        }
        return Response(MeSerializer(data).data)
