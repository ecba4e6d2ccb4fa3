#!/usr/bin/env python3
"""Time to first token of streaming requests sent one at a time on one kept-alive connection.

Usage: sequential_ttft.py HOST PORT N [IDLE_SECONDS] [MOCK_HEADER]

Sends N OpenAI Chat streaming requests to HOST:PORT, waiting IDLE_SECONDS (default 0) before each,
and prints the median and 90th percentile of the time to the first event that carries text, over
the last 80 % of the requests (the first fifth warms up). Run it against `sluice mock` and against
a gateway in front of that mock to see what one hop adds with nothing else running, and how an
idle pause before each request (sleeping threads, idle CPUs) changes it. See BENCHMARKS.md.
"""
import re
import socket
import statistics
import sys
import time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
idle = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
behaviour = sys.argv[5] if len(sys.argv) > 5 else "ttft=0, tps=1000, tokens=2"
body = b'{"model":"mock","stream":true,"messages":[{"role":"user","content":"hi"}]}'
request = (
    f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}:{port}\r\n"
    f"Content-Type: application/json\r\nAccept: text/event-stream\r\n"
    f"x-sluice-mock: {behaviour}\r\nContent-Length: {len(body)}\r\n\r\n"
).encode() + body
token = re.compile(rb'"content":"[^"]')

s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
first = []
for i in range(n):
    if idle:
        time.sleep(idle)
    start = time.perf_counter()
    s.sendall(request)
    seen, at = b"", None
    while not seen.endswith(b"0\r\n\r\n"):  # the chunked body's end
        data = s.recv(65536)
        if not data:
            sys.exit("the server closed the connection")
        seen += data
        if at is None and token.search(seen):
            at = time.perf_counter()
    if i >= n // 5 and at is not None:
        first.append((at - start) * 1000)
first.sort()
print(f"first token: p50 {statistics.median(first):.3f} ms, "
      f"p90 {first[int(len(first) * 0.9)]:.3f} ms over {len(first)} requests")
