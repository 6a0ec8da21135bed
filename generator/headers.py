"""Security headers for the built site, written to ``_headers`` beside the pages.

The Content-Security-Policy allows scripts, styles, fonts and images from the site itself
only: ``script-src 'self'``, with no hashes and no ``'unsafe-inline'``, so nothing in a
page can run unless it is a file the project ships (the build refuses a page with an inline
script or handler, see ``links``). ``'wasm-unsafe-eval'`` lets the search index's
WebAssembly compile; it allows no JavaScript ``eval``. ``_headers`` is the format of Netlify
and Cloudflare Pages; the README shows the same headers for nginx and Apache.

The open data API (``oruk``) adds its own entries (``api_headers``): the generator writes
them into the docs folder's ``_headers``, and the build puts the security headers before
them.
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


#: What every address of the open data API is sent with: any site's scripts may read it
#: (ORUK asks this of every response), and it is JSON, whatever the address
#: (``/oruk/services`` has no ``.json``).
API_HEADERS = {"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}


def api_headers(at: str) -> str:
    """The ``_headers`` entries of the open data API at the path ``at`` (``/oruk``): its
    root and everything in its folder."""
    values = "".join(f"  {name}: {value}\n" for name, value in API_HEADERS.items())
    return f"{at}\n{values}{at}/*\n{values}"


def write_headers(site: Path) -> None:
    """Write ``site/_headers``: the security headers for every address, then the entries
    the docs folder brought (the open data API's, ``api_headers``) as they are."""
    path = site / "_headers"
    kept = path.read_text(encoding="utf-8") if path.is_file() else ""
    rules = [(p, h) for p, h in _rules(kept) if p != "/*"]
    rules.insert(0, ("/*", security_headers()))
    lines = [line for p, h in rules for line in (p, *(f"  {k}: {v}" for k, v in h.items()))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_headers(site: Path) -> dict[str, str]:
    """The headers ``site/_headers`` gives every address (``/*``), for test servers that
    play the static host."""
    return {k: v for p, h in read_header_rules(site) if p == "/*" for k, v in h.items()}


def read_header_rules(site: Path) -> list[tuple[str, dict[str, str]]]:
    """Every entry of ``site/_headers``: a path (``/*``, ``/oruk/*``) and its headers."""
    return _rules((site / "_headers").read_text(encoding="utf-8"))


def _rules(text: str) -> list[tuple[str, dict[str, str]]]:
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line.startswith("  ") and ": " in line and rules:
            name, value = line.strip().split(": ", 1)
            rules[-1][1][name] = value
        elif line.strip() and not line.startswith(("#", " ")):
            rules.append((line.strip(), {}))
    return rules
