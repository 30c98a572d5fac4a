"""The invitation's link and e-mail: Django's token machinery over the invitation row.

The token is an HMAC of the invitation's id, address, role, version and use, so a
used, withdrawn or changed invitation's link stops working at once; the expiry is the
row's own `expires_at` (INVITATION_DAYS), checked beside the token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from members.models import Association, Invitation


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "members.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, invitation: Invitation, timestamp: int) -> str:
        return (
            f"{invitation.pk}|{invitation.association_id}|{invitation.email}|{invitation.role}"
            f"|{invitation.version}|{invitation.accepted_at}|{timestamp}"
        )

    def check_token(self, invitation: Invitation | None, token: str | None) -> bool:
        """Like Django's check, without its PASSWORD_RESET_TIMEOUT: the invitation
        carries its own expiry."""
        if not (invitation and token):
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(invitation, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


tokens = InvitationTokenGenerator()


def invitation_key(invitation: Invitation) -> str:
    return urlsafe_base64_encode(force_bytes(invitation.pk))


def invitation_from_key(key: str) -> Invitation | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(key)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Invitation.objects.select_related("association").filter(pk=pk).first()


def invitation_link(invitation: Invitation, site_url: str) -> str:
    path = reverse(
        "invitation_accept",
        kwargs={"uidb64": invitation_key(invitation), "token": tokens.make_token(invitation)},
    )
    return site_url.rstrip("/") + path


def send_invitation(invitation: Invitation, *, site_url: str, inviter: str) -> None:
    link = invitation_link(invitation, site_url)
    association = invitation.association
    send_mail(
        subject=f"Inbjudan till {association.name} i Finsam",
        message=(
            f"Hej!\n\n{inviter} har bjudit in dig till {association.name} i Finsam med rollen "
            f"{invitation.get_role_display().lower()}.\n\n"
            f"Välj ditt lösenord här (länken fungerar en gång och gäller till och med "
            f"{_date(invitation.expires_at)}):\n\n{link}\n\n"
            "Ditt användarnamn är din e-postadress. Har du inte väntat dig detta "
            "meddelande kan du bortse från det.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def send_access_notice(
    *, email: str, association: Association, role: str, site_url: str, inviter: str
) -> None:
    """An existing user given a role in another association: no new account, a notice."""
    link = site_url.rstrip("/") + reverse(
        "members:association_home", kwargs={"slug": association.slug}
    )
    send_mail(
        subject=f"Du har fått behörighet i {association.name} i Finsam",
        message=(
            f"Hej!\n\n{inviter} har gett dig rollen {role.lower()} i {association.name}. "
            f"Logga in som vanligt:\n\n{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def _date(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).date().isoformat()
