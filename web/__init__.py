"""Web-layer guards shared by every route: request limits, bad-input answers and response headers."""
