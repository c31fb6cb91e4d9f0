"""Publications and index counters can be read in the admin, never changed or deleted."""

from django.urls import reverse

from disclosure.models import IndexSerial, Publication
from disclosure.services import reply_publish
from tests import factories

from . import cases


def test_the_admin_shows_publications_read_only(world, client):
    publication = reply_publish(letter=cases.sent(world), by=world.lead_clerk)
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))
    counter = IndexSerial.objects.get()
    shown = {Publication: publication.index_number, IndexSerial: world.lead_agency.name}
    for model, obj in ((Publication, publication), (IndexSerial, counter)):
        name = model._meta.model_name
        listing = client.get(reverse(f"admin:disclosure_{name}_changelist"))
        assert shown[model] in listing.content.decode()
        change = client.get(reverse(f"admin:disclosure_{name}_change", args=[obj.pk]))
        assert change.status_code == 200
        assert 'name="_save"' not in change.content.decode()
        delete = client.post(reverse(f"admin:disclosure_{name}_delete", args=[obj.pk]))
        assert delete.status_code == 403
        assert client.get(reverse(f"admin:disclosure_{name}_add")).status_code == 403
    assert Publication.objects.get().index_number == publication.index_number
    assert IndexSerial.objects.get().last == 1
