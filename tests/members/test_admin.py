"""The admin saves through the services, so its changes are audited and checked."""

from __future__ import annotations

from finsam.models import AuditEntry
from members.models import Member, StateAllocation


def test_the_admin_saves_a_member_through_the_service(client, superuser, association):
    client.force_login(superuser)
    member = association.members.get(name="Arboga kommun")
    response = client.post(
        f"/admin/members/member/{member.pk}/change/",
        {
            "association": association.pk,
            "kind": "kommun",
            "name": "Arboga kommun",
            "orgnr": "",
            "joined": "2011-01-01",
            "left": "",
            "sort_order": "4",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert str(member.joined) == "2011-01-01" and member.version == 2
    entry = AuditEntry.objects.get(object_type="members.Member")
    assert entry.user == superuser and entry.after["joined"] == "2011-01-01"


def test_allocations_are_read_only_in_the_admin(client, superuser, association):
    client.force_login(superuser)
    assert client.get("/admin/members/stateallocation/add/").status_code == 403
    assert not StateAllocation.objects.exists()
    assert Member.objects.filter(association=association).count() == 6


def test_every_association_field_is_labelled_in_swedish():
    """The admin (and every form) names an association's field "Samordningsförbund",
    never Django's default "Association"."""
    from django.apps import apps

    labelled = [
        (model.__name__, field.verbose_name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.name == "association" and hasattr(field, "verbose_name")
    ]
    assert len(labelled) > 20
    assert {label for _, label in labelled} == {"samordningsförbund"}, labelled
