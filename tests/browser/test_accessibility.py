"""The public pages pass axe-core with no serious or critical violation.

axe-core (package.json, installed by `npm ci`) is injected into each page in Debian's
Chromium; nothing is loaded from the internet.
"""

import pytest
from django.urls import reverse

from disclosure import search
from disclosure.services import reply_publish
from tests.conftest import AXE_SCRIPT
from tests.disclosure import cases

pytestmark = [pytest.mark.browser, pytest.mark.axe, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def test_public_pages_have_no_serious_accessibility_violation(world, browser, live_server, seeded):
    reply = reply_publish(letter=cases.sent(world, title="关于养老服务的建议"), by=world.lead_clerk)
    search.index(reply)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    paths = [
        reverse("home"),
        reverse("public:list"),
        reverse("public:list") + "?q=%E5%85%BB%E8%80%81",
        reverse("public:list") + "?q=%E5%9C%B0%E9%93%81",
        reverse("public:detail", args=[reply.pk]),
        reverse("stats:public"),
        reverse("public:print", args=[reply.pk]),
        reverse("login"),
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        problems = violations(page)
        if problems:
            found[path] = problems
    # The same pages in large, high-contrast print and in Traditional characters.
    for mode in ("size=large", "script=hant"):
        name, value = mode.split("=")
        url = reverse("set_text_size") if name == "size" else reverse("set_script")
        page.request.post(live_server.url + url, form={name: value, "next": "/"})
        for path in paths[:6]:
            page.goto(live_server.url + path)
            problems = violations(page)
            if problems:
                found[f"{path} [{mode}]"] = problems
    context.close()
    assert not found, found


def test_the_statistics_dashboard_has_no_serious_accessibility_violation(world, visitors):
    """The staff dashboard, its tables, charts and filters, in both displays."""
    cases.sent(world, title="关于养老服务的建议")
    page = visitors.sign_in("staff")
    found = {}
    for mode in (None, "size=large"):
        if mode:
            page.request.post(
                visitors.base_url + reverse("set_text_size"), form={"size": "large", "next": "/"}
            )
        for path in (reverse("stats:dashboard"), reverse("stats:dashboard") + "?year_from=2019"):
            page.goto(visitors.base_url + path)
            problems = violations(page)
            if problems:
                found[f"{path} [{mode}]"] = problems
    assert not found, found
