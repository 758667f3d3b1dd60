"""The load test's guard: it sends only to this machine's loopback addresses (checked without sending anything)."""

import pytest

from benchmarks.loopback import NotLoopback, require_loopback


@pytest.mark.parametrize("url", ["http://127.0.0.1:8050", "http://localhost:8050/", "http://127.9.8.7",
                                 "http://[::1]:8050", "https://127.0.0.1"])
def test_loopback_targets_are_accepted(url):
    assert require_loopback(url) == url


@pytest.mark.parametrize("url", ["http://10.0.0.1:8050", "http://192.168.1.20", "http://172.16.0.1",
                                 "http://8.8.8.8", "http://[2001:db8::1]", "http://0.0.0.0:8050",
                                 "ftp://127.0.0.1", "http://", "127.0.0.1:8050", ""])
def test_anything_else_is_refused(url):
    with pytest.raises(NotLoopback):
        require_loopback(url)
