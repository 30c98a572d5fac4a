"""The installation's signing certificate: loaded from a PKCS#12 file named in the
settings (production), or made self-signed by `manage.py signing_certificate` for
development and tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from finsam.services import ServiceError


@dataclass(frozen=True)
class InstallationSeal:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    certificate: object  # asn1crypto.x509.Certificate
    subject: str
    serial: str
    timestamp_url: str


def make_self_signed(*, common_name: str, passphrase: str, days: int = 3650) -> bytes:
    """A self-signed certificate and key for sealing documents, as PKCS#12."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "finsam (självsignerat, ej för drift)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"finsam-sigill", key, certificate, None, encryption
    )


def installation_seal() -> InstallationSeal:
    """The signer of the installation's seal, from SIGNING_CERTIFICATE_PATH."""
    from pyhanko.sign import signers

    path = Path(settings.SIGNING_CERTIFICATE_PATH)
    if not path.is_file():
        raise ServiceError(
            "Installationens certifikat för försegling saknas; be driften ställa in "
            "SIGNING_CERTIFICATE_PATH (eller skapa ett för utveckling med "
            "manage.py signing_certificate)."
        )
    passphrase = settings.SIGNING_CERTIFICATE_PASSPHRASE
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            path.read_bytes(), other_certs=[], passphrase=passphrase.encode() or None
        )
    except (ValueError, OSError) as exc:
        raise ServiceError(
            "Installationens certifikat för försegling går inte att läsa (fel lösenfras?)."
        ) from exc
    if signer is None:
        raise ServiceError("Installationens certifikat för försegling går inte att läsa.")
    certificate = signer.signing_cert
    return InstallationSeal(
        signer=signer,
        certificate=certificate,
        subject=certificate.subject.human_friendly,
        serial=format(certificate.serial_number, "x"),
        timestamp_url=settings.SIGNING_TIMESTAMP_URL,
    )
