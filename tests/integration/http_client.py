"""One HTTP request to a gorgon under test, with http.client and a deadline.

Tests that check the wire itself (framing, malformed requests) keep their raw sockets or
test_http_protocol.HttpClient; this is for the ones that only need an answer.
"""
import http.client

TIMEOUT = 10.0


def http_request(address, method, path, headers=None, body=None, timeout=TIMEOUT, conn=None):
    """Sends one request to `address` ((host, port)); returns (status, headers as a dict with
    lower-case names, body bytes). `conn`: a kept-alive HTTPConnection to use, left open;
    otherwise a fresh connection, closed afterwards. `timeout` bounds each socket operation."""
    c = conn or http.client.HTTPConnection(*address, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        if conn is None:
            c.close()


def http_get(address, path, timeout=TIMEOUT, conn=None):
    """GET `path` (see http_request); returns (status, body)."""
    status, _, body = http_request(address, "GET", path, timeout=timeout, conn=conn)
    return status, body
