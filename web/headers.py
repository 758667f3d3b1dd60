"""Security headers on every response, the Content-Security-Policy among them."""

import flask


def content_security_policy(script_hashes: list[str]) -> str:
    """A policy Dash runs under: scripts only from Beacon itself plus its inline start-up script's hash."""
    scripts = " ".join(["'self'", *script_hashes])
    # Plotly and React set inline styles; styles cannot run code, so 'unsafe-inline' stays for them only.
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; "
            "font-src 'self' data:; "
            "connect-src 'self'; "
            # The service worker (/sw.js) and the web app manifest come from Beacon itself.
            "worker-src 'self'; manifest-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def add_security_headers(resp: flask.Response, policy: str, signed_in: bool) -> flask.Response:
    """Set the headers every response carries (existing values win)."""
    resp.headers.setdefault("Content-Security-Policy", policy)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    if signed_in:
        # Personal data must not linger in shared browser caches.
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp
