"""Sealing and checking a seal work where the thread already runs an event loop, as the
browser tests' Playwright leaves one running for the rest of their process (pyHanko's
synchronous calls use asyncio.run(), which refuses there)."""

from __future__ import annotations

import asyncio

from signing import seal
from signing.certificate import make_self_signed


def test_a_pdf_is_sealed_and_checked_inside_a_running_event_loop(tmp_path, settings):
    from weasyprint import HTML

    path = tmp_path / "sigill.p12"
    path.write_bytes(make_self_signed(common_name="prov", passphrase=""))
    settings.SIGNING_CERTIFICATE_PATH = str(path)
    settings.SIGNING_CERTIFICATE_PASSPHRASE = ""
    from signing.certificate import installation_seal

    installation = installation_seal()
    pdf = HTML(string="<p>Årsredovisning</p>").write_pdf()

    async def inside_a_loop():
        sealed = seal.seal(pdf, installation, reason="prov")
        return sealed, seal.check_seal(sealed, installation)

    sealed, check = asyncio.run(inside_a_loop())
    assert check.ok
    changed = sealed[:-200] + bytes([sealed[-200] ^ 1]) + sealed[-199:]
    assert not asyncio.run(_check(changed, installation)).intact


async def _check(pdf, installation):
    return seal.check_seal(pdf, installation)
