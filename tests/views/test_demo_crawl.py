"""Every demo account can reach its work: each page it is offered opens without an error."""

import html
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User

DEMO_USERS = [
    "cppcc_staff",
    "npc_staff",
    "mz_clerk",
    "mz_leader",
    "wj_clerk",
    "wj_leader",
    "yj_clerk",
    "jy_clerk",
    "qiminmin",
    "linxiaoyan",
    "chenliqun",
    "zhouhaifeng",
]

# Pages linked from a page; actions are POST-only and files are not pages.
LINK = re.compile(
    r'href="((?:/(?:workspace|proposals|agency|letters|deadlines|inbox|disclosure)/|\?)[^"#]*)"'
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, rolled back after it (seeded vocabularies stay)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_account_lands_on_its_work_and_every_link_opens(client, demo, db, username):
    client.force_login(User.objects.get(username=username))
    landing = client.get(reverse("workspace"), follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain, "each role has its own workspace"

    seen, queue = set(), [landing.redirect_chain[-1][0]]
    while queue and len(seen) < 150:
        url = queue.pop(0)
        if url in seen or "/attachments/" in url:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, f"{username}: {url} gave {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue  # a download
        path = url.split("?")[0]
        for link in LINK.findall(response.content.decode()):
            link = html.unescape(link)
            queue.append(path + link if link.startswith("?") else link)
    assert len(seen) > 3
