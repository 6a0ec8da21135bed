"""Security headers for the built site, written to ``_headers`` beside the pages.

The Content-Security-Policy allows scripts, styles, fonts and images from the site itself
only: ``script-src 'self'``, with no hashes and no ``'unsafe-inline'``, so nothing in a
page can run unless it is a file the project ships (the build refuses a page with an inline
script or handler, see ``links``). ``'wasm-unsafe-eval'`` lets the search index's
WebAssembly compile; it allows no JavaScript ``eval``. ``_headers`` is the format of Netlify
and Cloudflare Pages; the README shows the same headers for nginx and Apache.
"""

from __future__ import annotations

from pathlib import Path


def security_headers() -> dict[str, str]:
    """The headers every response of the site should carry."""
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",  # the search index's WebAssembly
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


#: Directives a ``<meta>`` cannot carry: browsers ignore them there, with a console error.
_HEADER_ONLY = ("frame-ancestors", "report-uri", "sandbox")


def meta_policy() -> str:
    """The Content-Security-Policy as a page's ``<meta http-equiv>`` can carry it.

    A host that sends no headers (GitHub Pages) still gets the policy this way, in every
    page the theme makes (``theme/main.html``); only ``frame-ancestors`` needs the header
    (``X-Frame-Options`` too), which ``_headers`` keeps for hosts that read it.
    """
    policy = security_headers()["Content-Security-Policy"].split("; ")
    return "; ".join(d for d in policy if not d.startswith(_HEADER_ONLY))


def write_headers(site: Path) -> None:
    lines = ["/*", *(f"  {name}: {value}" for name, value in security_headers().items())]
    (site / "_headers").write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_headers(site: Path) -> dict[str, str]:
    """The headers in ``site/_headers`` (for test servers that play the static host)."""
    headers = {}
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("  ") and ": " in line:
            name, value = line.strip().split(": ", 1)
            headers[name] = value
    return headers
