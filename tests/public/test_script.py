"""繁體: pages in Traditional characters on request, links and form values untouched."""

from django.urls import reverse

from disclosure import search
from disclosure.services import reply_publish
from portal.script import convert_html
from tests.disclosure import cases


def test_text_is_converted_but_tags_attributes_and_scripts_are_not():
    html = (
        '<p title="养老">养老服务</p><a href="/replies/?session=市政协">会议</a>'
        "<script>var x = '养老';</script><textarea>养老</textarea>"
    )
    assert convert_html(html) == (
        '<p title="养老">養老服務</p><a href="/replies/?session=市政协">會議</a>'
        "<script>var x = '养老';</script><textarea>养老</textarea>"
    )


def test_the_reader_switches_to_traditional_and_back(world, client):
    reply = reply_publish(letter=cases.sent(world, title="关于养老服务的建议"), by=world.lead_clerk)
    search.index(reply)
    client.post(reverse("set_script"), {"script": "hant", "next": "/replies/"})
    page = client.get(reverse("public:list")).content.decode()
    assert 'lang="zh-Hant"' in page and "關於養老服務的建議" in page and "簡體" in page
    assert f'href="{reverse("public:detail", args=[reply.pk])}"' in page

    found = client.get(reverse("public:list"), {"q": "養老服務的建議"}).content.decode()
    assert "共找到1" in found

    back = client.post(reverse("set_script"), {"script": "hans", "next": "https://evil.example/"})
    assert back.url == reverse("home"), "only pages of the portal itself"
    page = client.get(reverse("public:list")).content.decode()
    assert "养老服务" in page and "繁體" in page
