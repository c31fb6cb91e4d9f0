from django.urls import reverse

from tests import workflow as wf


def test_home_page_shows_the_portal_is_alive(client, world):
    wf.submitted(world)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "建议提案办理平台" in page
    assert reverse("admin:index") in page
    assert "待审查" in page


def test_sign_in_page_and_sign_in(client, world):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "lead_clerk", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and response.url == reverse("workspace")


def test_a_wrong_password_is_refused_in_chinese(client, world):
    response = client.post(reverse("login"), {"username": "lead_clerk", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
