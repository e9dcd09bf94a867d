"""Security headers for static hosts that read a `_headers` file (Netlify, Cloudflare Pages).

GitHub Pages cannot set headers; there the meta CSP of theme/templates/base.html does the
main job. The header CSP is that same policy plus what a meta tag cannot carry
(frame-ancestors), so the two never disagree; tests/hardening compares them.
"""

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# The default of CONTENT_SECURITY_POLICY, which base.html puts in a <meta> tag.
# script-src 'none': the site runs no script, not even its own files (a post's
# <script src="/extra/x.js">); JSON-LD is data, which script-src does not govern.
META_CSP = (
    "default-src 'self'; script-src 'none'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# Directives that browsers ignore in a meta CSP, so only the header can carry them.
HEADER_ONLY_CSP = "frame-ancestors 'none'"
HEADERS = {
    "Content-Security-Policy": f"{META_CSP}; {HEADER_ONLY_CSP}",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), payment=(), usb=()"
    ),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# Where the file goes, relative to OUTPUT_PATH; "" or None writes none.
SECURITY_HEADERS_SAVE_AS = "_headers"


def livereload_policy(csp):
    """The CSP of a local livereload build: `csp` with scripts from the site itself
    allowed (the dev server's /livereload.js), and its websocket. Never published:
    only `invoke livereload` sets LIVERELOAD_SCRIPT, and it builds into its own folder.
    """
    kept = [
        directive.strip()
        for directive in csp.split(";")
        if directive.strip()
        and directive.split()[0].lower() not in ("script-src", "connect-src")
    ]
    return "; ".join([*kept, "script-src 'self'", "connect-src 'self'"])


def headers_text(csp=META_CSP, search=None):
    """The `_headers` file: every header for every path of the site.

    search: (path, policy) of the search page, the one page that runs script; its block
    detaches the site-wide policy first (`! Content-Security-Policy`), since two policies
    for one page would both apply and the stricter one would stop the search.
    """
    headers = {**HEADERS, "Content-Security-Policy": f"{csp}; {HEADER_ONLY_CSP}"}
    lines = [
        "# Security headers for Netlify and Cloudflare Pages (written by Rapport).",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in headers.items()]
    if search:
        path, policy = search
        lines += [
            f"/{path}",
            "  ! Content-Security-Policy",
            f"  Content-Security-Policy: {policy}; {HEADER_ONLY_CSP}",
        ]
    return "\n".join(lines) + "\n"


def write_headers(pelican):
    """signals.finalized receiver: write OUTPUT_PATH/_headers."""
    save_as = pelican.settings.get("SECURITY_HEADERS_SAVE_AS", SECURITY_HEADERS_SAVE_AS)
    if not save_as:
        return
    path = Path(pelican.output_path) / save_as
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = pelican.settings
    csp = settings.get("CONTENT_SECURITY_POLICY", META_CSP)
    search = None
    if settings.get("SEARCH"):
        search = (settings["SEARCH_URL"], settings["SEARCH_CONTENT_SECURITY_POLICY"])
    path.write_text(headers_text(csp, search), encoding="utf-8", newline="\n")
    logger.info("Wrote security headers to %s", path)
