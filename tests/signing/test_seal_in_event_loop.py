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

    sealed = _in_a_running_loop(lambda: seal.seal(pdf, installation, reason="prov"))
    assert _in_a_running_loop(lambda: seal.check_seal(sealed, installation)).ok
    changed = sealed[:-200] + bytes([sealed[-200] ^ 1]) + sealed[-199:]
    assert not _in_a_running_loop(lambda: seal.check_seal(changed, installation)).intact


def _in_a_running_loop(function):
    """Call inside a running event loop: the one a browser test left in this process,
    else one started for the call."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:

        async def inside():
            return function()

        return asyncio.run(inside())
    return function()
