"""One HTTP request to a gorgon under test, with http.client and a deadline.

Tests that check the wire itself (framing, malformed requests) keep their raw sockets or
test_http_protocol.HttpClient; this is for the ones that only need an answer.
"""
import http.client
import subprocess

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


def curl_response(args, max_time=10, timeout=20):
    """Runs `curl -sS --max-time max_time *args`, where `args` put the head and then the body on
    stdout (-i, or -D - -o -); returns (status, headers as a dict with lower-case names, body
    bytes). A curl failure fails the caller; `timeout` bounds the whole run."""
    p = subprocess.run(["curl", "-sS", "--max-time", str(max_time), *args], capture_output=True,
                       timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError(f"curl {args} failed: {p.stderr.decode(errors='replace')}")
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
