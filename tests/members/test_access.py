"""Set-up and access in the application: a new association, invitations by e-mail,
roles changed and removed, each recorded; every refusal leaves nothing behind."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from finsam.models import AuditEntry
from finsam.services import ServiceError
from members import services
from members.models import Association, Invitation, Member, UserRole

SITE = "http://testserver/"


def _link(message) -> str:
    return re.search(r"http://testserver(/konto/inbjudan/\S+/)", message.body)[1]


def _invite(association, by, email="ny@kommun.se", role=UserRole.REVISOR):
    return services.invitation_create(
        association=association, email=email, role=role, site_url=SITE, by=by
    )


# --- a new association ----------------------------------------------------------------


def _new_association_form(**changes) -> dict:
    data = {
        "name": "Samordningsförbundet Nybygden",
        "short_name": "Nybygden",
        "orgnr": "2220001974",
        "founded": "2026-01-01",
        "slug": "",
        "fk": "on",
        "af": "on",
        "region": "Region Nyland",
        "municipalities": "Nyköpings kommun\nGamla stans kommun\n",
    }
    data.update(changes)
    return data


def test_a_superuser_creates_an_association_with_its_members(client, superuser):
    client.force_login(superuser)
    assert "Nytt samordningsförbund" in client.get("/").content.decode()
    response = client.post("/nytt-forbund/", _new_association_form())
    association = Association.objects.get(name="Samordningsförbundet Nybygden")
    assert (
        response.status_code == 302 and response["Location"] == "/samordningsforbundet-nybygden/"
    )
    assert association.orgnr == "222000-1974"
    assert association.founded == datetime.date(2026, 1, 1)
    assert list(association.members.values_list("kind", "name")) == [
        (Member.FK, "Försäkringskassan"),
        (Member.AF, "Arbetsförmedlingen"),
        (Member.REGION, "Region Nyland"),
        (Member.KOMMUN, "Nyköpings kommun"),
        (Member.KOMMUN, "Gamla stans kommun"),
    ]
    entries = AuditEntry.objects.filter(association=association)
    assert entries.filter(object_type="members.Association").count() == 1
    assert entries.filter(object_type="members.Member").count() == 5
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"orgnr": "222000-1975"}, "kontrollsiffra stämmer inte"),
        ({"orgnr": ""}, "Detta fält måste fyllas i"),
        ({"name": ""}, "Detta fält måste fyllas i"),
        ({"slug": "admin"}, "reserverad"),
        ({"slug": "testbygden"}, "används redan"),
        ({"municipalities": "Ena kommun\nEna kommun"}, "två gånger"),
    ],
)
def test_a_bad_association_is_refused_in_swedish(client, superuser, association, changes, message):
    client.force_login(superuser)
    before = Association.objects.count(), Member.objects.count(), AuditEntry.objects.count()
    response = client.post("/nytt-forbund/", _new_association_form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (
        Association.objects.count(),
        Member.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_only_a_superuser_creates_an_association(kansli_client, kansli_user):
    assert kansli_client.get("/nytt-forbund/").status_code == 403
    assert "Nytt samordningsförbund" not in kansli_client.get("/").content.decode()
    with pytest.raises(ServiceError, match="administratör"):
        services.association_create(
            data={"name": "X", "orgnr": "222000-1974"}, members=[], by=kansli_user
        )


# --- invitations ------------------------------------------------------------------------


def test_an_invitation_sends_a_one_time_link_that_sets_a_password(association, kansli_user):
    invitation = _invite(association, kansli_user)
    assert isinstance(invitation, Invitation)
    assert [m.to for m in mail.outbox] == [["ny@kommun.se"]]
    assert "revisor" in mail.outbox[0].body and association.name in mail.outbox[0].subject
    link = _link(mail.outbox[0])
    client = Client()
    page = client.get(link).content.decode()
    assert "Välkommen till Samordningsförbundet Testbygden" in page
    response = client.post(
        link,
        {"name": "Rut Revisor", "password1": "Lång-lösen-2026", "password2": "Lång-lösen-2026"},
    )
    assert response.status_code == 302 and response["Location"] == "/testbygden/"
    user = get_user_model().objects.get(email="ny@kommun.se")
    assert user.check_password("Lång-lösen-2026") and user.get_full_name() == "Rut Revisor"
    assert UserRole.objects.get(user=user, association=association).role == UserRole.REVISOR
    assert client.get("/testbygden/").status_code == 200
    # Used once: the same link now says so, and makes nothing.
    again = Client().post(link, {"password1": "Annat-lösen-99", "password2": "Annat-lösen-99"})
    assert "gäller inte" in again.content.decode()
    assert get_user_model().objects.filter(email="ny@kommun.se").count() == 1
    kinds = set(AuditEntry.objects.values_list("object_type", "action"))
    assert ("members.Invitation", AuditEntry.CREATE) in kinds
    assert ("members.Invitation", AuditEntry.UPDATE) in kinds
    assert ("members.UserRole", AuditEntry.CREATE) in kinds


def test_an_expired_invitation_makes_nothing(association, kansli_user):
    invitation = _invite(association, kansli_user)
    link = _link(mail.outbox[0])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = Client().post(
        link, {"password1": "Lång-lösen-2026", "password2": "Lång-lösen-2026"}
    )
    assert "Inbjudan har gått ut" in response.content.decode()
    assert not get_user_model().objects.filter(email="ny@kommun.se").exists()
    # An expired invitation may be sent again; the new one replaces it.
    renewed = _invite(association, kansli_user)
    assert Invitation.objects.filter(association=association).get() == renewed


def test_a_tampered_or_withdrawn_link_makes_nothing(client, association, kansli_user):
    invitation = _invite(association, kansli_user)
    link = _link(mail.outbox[0])
    tampered = link[:-3] + ("a" if link[-2] != "a" else "b") + "/"
    assert "gäller inte" in Client().get(tampered).content.decode()
    client.force_login(kansli_user)
    client.post(f"/testbygden/behorigheter/inbjudan/{invitation.pk}/dra-tillbaka/")
    assert not Invitation.objects.exists()
    response = Client().post(
        link, {"password1": "Lång-lösen-2026", "password2": "Lång-lösen-2026"}
    )
    assert "gäller inte" in response.content.decode()
    assert not get_user_model().objects.filter(email="ny@kommun.se").exists()


def test_a_weak_or_mismatched_password_is_refused(association, kansli_user):
    _invite(association, kansli_user)
    link = _link(mail.outbox[0])
    weak = Client().post(link, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400 and "lösenord" in weak.content.decode().lower()
    mismatch = Client().post(
        link, {"password1": "Lång-lösen-2026", "password2": "Lång-lösen-2027"}
    )
    assert "Lösenorden är inte lika." in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="ny@kommun.se").exists()


def test_an_existing_user_gets_the_role_and_no_second_account(
    association, other_association, outsider, kansli_user
):
    outsider.email = "charlie@kommun.se"
    outsider.save()
    result = _invite(association, kansli_user, email="Charlie@Kommun.se", role=UserRole.STYRELSE)
    assert isinstance(result, UserRole) and result.user == outsider
    assert get_user_model().objects.filter(email__iexact="charlie@kommun.se").count() == 1
    assert set(outsider.roles.values_list("association__slug", "role")) == {
        ("grannbygden", UserRole.KANSLI),
        ("testbygden", UserRole.STYRELSE),
    }
    assert "Logga in" in mail.outbox[0].body and not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("inte-en-adress", UserRole.REVISOR, "giltig e-postadress"),
        ("", UserRole.REVISOR, "giltig e-postadress"),
        ("ny@kommun.se", "superuser", "Välj kansli, styrelse eller revisor"),
    ],
)
def test_a_bad_invitation_is_refused(association, kansli_user, email, role, message):
    with pytest.raises(ServiceError, match=message):
        _invite(association, kansli_user, email=email, role=role)
    assert not Invitation.objects.exists() and not mail.outbox


def test_an_address_already_invited_or_with_access_is_refused(association, kansli_user):
    _invite(association, kansli_user)
    with pytest.raises(ServiceError, match="redan inbjuden"):
        _invite(association, kansli_user, email="NY@kommun.se")
    kansli_user.email = "alice@kommun.se"
    kansli_user.save()
    with pytest.raises(ServiceError, match="har redan behörighet"):
        _invite(association, kansli_user, email="alice@kommun.se")
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_a_role_the_inviter_may_not_give_is_refused(association, styrelse_user, revisor_user):
    for by in (styrelse_user, revisor_user):
        with pytest.raises(ServiceError, match="får inte ge rollen"):
            _invite(association, by, role=UserRole.STYRELSE)
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_invite_form_shows_refusals_on_its_fields(kansli_client, association):
    response = kansli_client.post(
        "/testbygden/behorigheter/", {"email": "inte-en-adress", "role": UserRole.REVISOR}
    )
    assert response.status_code == 400
    assert "Skriv en giltig e-postadress" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_mail_that_cannot_be_sent_leaves_no_invitation(association, kansli_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing answers there
    with pytest.raises(ServiceError, match="kunde inte skickas"):
        _invite(association, kansli_user)
    assert not Invitation.objects.exists() and not AuditEntry.objects.exists()


# --- the Behörigheter page: change and remove -----------------------------------------


def test_the_page_lists_who_has_which_role_since_when(kansli_client, association, revisor_user):
    services.role_save(
        user=revisor_user,
        association=association,
        role=UserRole.REVISOR,
        role_row=UserRole.objects.get(user=revisor_user),
    )
    _invite(association, UserRole.objects.get(role=UserRole.KANSLI).user, email="ny@kommun.se")
    page = kansli_client.get("/testbygden/behorigheter/").content.decode()
    assert "rita" in page and "Revisor" in page
    assert timezone.localdate().isoformat() in page
    assert "ny@kommun.se" in page and "Skickade inbjudningar" in page
    assert "du själv" in page


def test_the_kansli_changes_a_role(kansli_client, association, revisor_user):
    row = UserRole.objects.get(user=revisor_user)
    url = f"/testbygden/behorigheter/{row.pk}/andra/"
    assert kansli_client.get(url).status_code == 200
    response = kansli_client.post(url, {"role": UserRole.STYRELSE, "version": row.version})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.role == UserRole.STYRELSE
    entry = AuditEntry.objects.get(object_type="members.UserRole", action=AuditEntry.UPDATE)
    assert entry.before["role"] == UserRole.REVISOR and entry.after["role"] == UserRole.STYRELSE


def test_a_removal_asks_first_and_takes_effect_at_once(kansli_client, association, revisor_user):
    row = UserRole.objects.get(user=revisor_user)
    revisor = Client()
    revisor.force_login(revisor_user)
    assert revisor.get("/testbygden/").status_code == 200
    url = f"/testbygden/behorigheter/{row.pk}/ta-bort/"
    confirm = kansli_client.get(url).content.decode()
    assert "Ta bort behörigheten?" in confirm
    assert UserRole.objects.filter(pk=row.pk).exists()  # asking removes nothing
    assert kansli_client.post(url).status_code == 302
    assert revisor.get("/testbygden/").status_code == 404
    assert AuditEntry.objects.filter(
        object_type="members.UserRole", action=AuditEntry.DELETE
    ).exists()


def test_nobody_changes_or_removes_their_own_access(kansli_client, association, kansli_user):
    row = UserRole.objects.get(user=kansli_user)
    response = kansli_client.post(f"/testbygden/behorigheter/{row.pk}/ta-bort/")
    assert response.status_code == 400 and "din egen behörighet" in response.content.decode()
    response = kansli_client.post(
        f"/testbygden/behorigheter/{row.pk}/andra/", {"role": UserRole.STYRELSE}
    )
    assert "din egen behörighet" in response.content.decode()
    row.refresh_from_db()
    assert row.role == UserRole.KANSLI


def test_a_board_member_cannot_reach_the_page(client, styrelse_user):
    client.force_login(styrelse_user)
    assert client.get("/testbygden/behorigheter/").status_code == 403


def test_the_admin_never_offers_an_association_to_merge_into_itself(
    client, superuser, association, other_association
):
    client.force_login(superuser)
    page = client.get(f"/admin/members/association/{association.pk}/change/").content.decode()
    choices = re.search(r'<select name="merged_into".*?</select>', page, re.S)[0]
    assert "Grannbygden" in choices and "Testbygden" not in choices
    index = client.get("/admin/").content.decode()
    for english in ("Access attempts", "Task Results", "Association"):
        assert english not in index
