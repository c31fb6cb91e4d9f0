"""Create a personal API token for a user from the command line and print it once."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import tokens
from accounts.models import ApiToken, User
from proposals.errors import WorkflowError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期应写作 YYYY-MM-DD:{value}") from None


class Command(BaseCommand):
    help = (
        "为用户创建个人接口令牌,并在标准输出打印令牌(仅此一次;平台只保存其摘要),"
        "多个用户时按所给顺序每行一个。--replace 先撤销该用户同名的有效令牌,适合脚本反复执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "usernames", nargs="+", metavar="username", help="令牌所属用户的登录名。"
        )
        parser.add_argument("--name", required=True, help="令牌名称,如“统计脚本”。")
        parser.add_argument(
            "--expires-on", type=_date, default=None, help="有效期至(含当天),YYYY-MM-DD。"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="先撤销该用户同名的有效令牌,再创建新令牌。",
        )

    def handle(self, *args, usernames, name, expires_on, replace, **options):
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        for username in usernames:
            user = users.get(username)
            if user is None:
                raise CommandError(f"没有登录名为“{username}”的用户。")
            if not user.is_active:
                raise CommandError(f"用户“{username}”已停用,其令牌不能使用。")
        raws = []
        try:
            with transaction.atomic():
                for username in usernames:
                    raws.append(self.create(users[username], name, expires_on, replace))
        except WorkflowError as exc:
            raise CommandError(exc.message) from None
        for raw in raws:
            self.stdout.write(raw)

    @staticmethod
    def create(user: User, name: str, expires_on: date | None, replace: bool) -> str:
        if replace:
            for old in ApiToken.objects.active().filter(user=user, name=name.strip()):
                tokens.token_revoke(token=old, by=user)
        _token, raw = tokens.token_create(user=user, name=name, expires_on=expires_on)
        return raw
