"""Security headers for the built site, written to ``_headers`` beside the pages.

The Content-Security-Policy allows scripts, styles, fonts and images from the site itself
only, so text that slipped past escaping still could not run or call out to a third
party. The builder's theme has a few small inline scripts; each distinct one is allowed by
its SHA-256 hash, computed from the HTML actually built, so the policy never needs
``'unsafe-inline'``. ``_headers`` is the format of Netlify and Cloudflare Pages; the README
shows the same headers for nginx and Apache.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_DATA_TYPE = re.compile(r"""\btype=["']?application/(ld\+)?json""", re.I)


def inline_script_hashes(site: Path) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for every distinct inline script."""
    hashes = set()
    for page in site.rglob("*.html"):
        for attrs, body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            if _DATA_TYPE.search(attrs):
                continue  # data blocks are never executed, so CSP does not apply
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def security_headers(site: Path) -> dict[str, str]:
    """The headers every response of the site should carry."""
    script_src = " ".join(["'self'", *inline_script_hashes(site)])
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_src}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def write_headers(site: Path) -> None:
    lines = ["/*", *(f"  {name}: {value}" for name, value in security_headers(site).items())]
    (site / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_headers(site: Path) -> dict[str, str]:
    """The headers in ``site/_headers`` (for test servers that play the static host)."""
    headers = {}
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("  ") and ": " in line:
            name, value = line.strip().split(": ", 1)
            headers[name] = value
    return headers
