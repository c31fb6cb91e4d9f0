import os

from django.core.management.base import BaseCommand

from proposals.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "载入演示数据:真实答复函背后的会议、单位和建议提案,以及处于各办理环节的演示案例。"
        "可重复执行,已存在的数据不会重复创建。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", "demo-2026"),
            help="新建演示账号的密码(默认取 DEMO_PASSWORD,否则为 demo-2026)。",
        )

    def handle(self, *args, password, **options):
        from stats import facts

        summary = load_demo(password)
        facts.settle()  # the statistics of what was just loaded, before anyone reads them
        if summary.created:
            made = "、".join(f"{what} {n}" for what, n in summary.created.items())
            self.stdout.write(self.style.SUCCESS(f"已创建:{made}"))
        else:
            self.stdout.write("演示数据已齐全,未作改动。")
        self.stdout.write(f"\n演示账号(仅供本机使用,新建账号的密码均为 {password}):")
        for username, role in summary.users:
            self.stdout.write(f"  {username:<14} {role}")
