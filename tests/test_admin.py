"""Every model has an admin page that opens for the administrator."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories
from tests import workflow as wf


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def test_every_model_is_registered():
    from django.apps import apps

    ours = {
        "accounts",
        "agencies",
        "proposals",
        "responses",
        "deadlines",
        "notifications",
        "disclosure",
    }
    models = [m for m in apps.get_models() if m._meta.app_label in ours]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


def test_every_admin_list_add_and_change_page_opens(world, superuser, superuser_client):
    letter = wf.sent(world)
    assert letter.pk
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        response = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, model
        request = RequestFactory().get("/")
        request.user = superuser
        if model_admin.has_add_permission(request):
            assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert superuser_client.get(url).status_code == 200, model


def test_admin_cannot_delete_a_submitted_proposal(world, superuser_client):
    proposal = wf.submitted(world)
    url = reverse("admin:proposals_proposal_delete", args=[proposal.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert type(proposal).objects.filter(pk=proposal.pk).exists()


def test_the_accept_action_goes_through_the_service(world, superuser_client):
    proposal = wf.submitted(world)
    staff = world.staff
    staff.is_staff = staff.is_superuser = True
    staff.save()
    superuser_client.force_login(staff)
    response = superuser_client.post(
        reverse("admin:proposals_proposal_changelist"),
        {"action": "accept_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )
    assert "已立案 1 件" in response.content.decode()
    assert proposal.events.filter(verb="accepted", actor=staff).exists()
