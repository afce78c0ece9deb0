"""Who may change the library from the browser, decided from the setting and the listening address.

``ASSISTANT_UPLOADS=auto`` (the default) allows adding, replacing and removing documents only
when Streamlit listens on this computer alone (``server.address`` is ``localhost`` or a loopback
address, as ``.streamlit/config.toml`` sets it). Any other address, or none (Streamlit then
listens on every network interface), makes the site read-only unless the setting says otherwise;
so does a request that came through a reverse proxy (it carries ``Forwarded`` or ``X-Forwarded-*``
headers): behind a proxy on the same machine, a local address serves everyone.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from assistant.settings import UploadSetting

Mode = Literal["on", "off", "signed-in"]
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def is_local(address: str | None) -> bool:
    """Whether a server listening on ``address`` can be reached from this computer only."""
    if not address or not address.strip():
        return False  # unset: every interface
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def upload_mode(setting: UploadSetting, address: str | None, proxied: bool = False) -> Mode:
    """The mode in force: ``auto`` resolved against the address; anything unknown is ``off``."""
    if setting == "auto":
        return "on" if is_local(address) and not proxied else "off"
    if setting in ("on", "signed-in"):
        return setting
    return "off"
