#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/: the documentation vectors, responses and
requests as Tomcat, Undertow and the engine write them, and edge cases. Run it from anywhere; it
only adds files (libFuzzer adds its own finds beside them)."""

import hashlib
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
LIVE = b"AQEBAQEBAQEBAQEBAQEBAQ"  # the session the gate_request harness's gate holds


def write(target, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


RESPONSES = [
    b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure\r\n\r\n",
    b"HTTP/1.1 200 \r\nSet-Cookie: locale=en_US; Path=/\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; Path=/ovirt-engine/api; Secure; HttpOnly; SameSite=Strict\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nDate: Wed, 09 Jun 2021 10:18:14 GMT\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=Ab3-_/+=.node1; path=/ovirt-engine/api; secure; HttpOnly\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"RESTAPI\"\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=; Path=/ovirt-engine/api; Max-Age=0; Expires=Thu, 01-Jan-1970 00:00:10 GMT\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nDate: Wed, 09 Jun 2021 10:18:14 GMT\r\nSet-Cookie: JSESSIONID=x; Path=/ovirt-engine/api; Expires=Wed, 09 Jun 2021 10:28:14 GMT\r\n\r\n",
    b"HTTP/1.0 200 OK\nConnection: keep-alive\nContent-Length: 3\n\nabc",
    b"HTTP/1.1 200\r\nSet-Cookie: JSESSIONID=\"quoted\"; Path=/ovirt-engine/api; Max-Age=60\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
    b"HTTP/1.1 2x0 OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nSet-Cookie: JSESSIONID=" + b"a" * 200 + b"; Path=/ovirt-engine/api\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 40 + b"\r\n",
    b"HTTP/1.1 503 Service Unavailable\r\nSet-Cookie: JSESSIONID=new\r\nConnection: close\r\n\r\n",
    b"HTTP/1.1 302 Found\r\nLocation: /ovirt-engine/sso\r\nSet-Cookie: JSESSIONID=r; Path=/\r\n\r\n",
]
for i, response in enumerate(RESPONSES):
    for flags in (0x00, 0x01, 0x03, 0x07, 0x0b, 0x13, 0xe3):
        write("client_response", bytes([(flags + i * 32) & 0xFF]) + response)

BASIC = b"Authorization: Basic YWRtaW46c2VjcmV0\r\n"  # admin:secret
REQUESTS = [
    b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: engine.example.com\r\n" + BASIC + b"Prefer: persistent-auth\r\n\r\n",
    b"HEAD /ovirt-engine/api HTTP/1.1\r\nHost: e\r\nPrefer: persistent-auth\r\nCookie: JSESSIONID=" + LIVE + b"\r\n\r\n",
    b"GET /ovirt-engine/api HTTP/1.1\r\nCookie: JSESSIONID=" + LIVE + b"\r\nJSESSIONID: " + LIVE + b"\r\n\r\n",
    b"GET /ovirt-engine/api HTTP/1.1\r\nPrefer: persistent-auth, csrf-protection\r\nCookie: a=b; JSESSIONID=garbage; JSESSIONID=" + LIVE + b"\r\nJSESSIONID: " + LIVE + b"\r\n" + BASIC + b"\r\n",
    b"GET / HTTP/1.1\r\nPrefer: persistent-auth\r\nPrefer: new-auth\r\nCookie: JSESSIONID=" + LIVE + b"\r\n" + BASIC + b"Session-TTL: 5\r\n\r\n",
    b"GET / HTTP/1.1\r\nAuthorization: Basic !!!\r\nPrefer: persistent-auth\r\n\r\n",
    b"GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\n\r\n",
    b"GET / HTTP/1.1\r\nAuthorization: Negotiate YII=\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n" + BASIC + b"\r\n",
    b"GET / HTTP/1.0\r\n" + BASIC + b"Session-TTL: 99999999999999999999\r\nPrefer: persistent-auth=false\r\n\r\n",
    b"GET / HTTP/1.1\r\nSession-TTL: -1\r\nPrefer: x, Persistent-Auth; a=1\r\n" + BASIC + b"\r\n",
    b"\r\nGET / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/2.0\r\n\r\n",
    b"GET / HTTP/1.1\r\nX: " + b"a" * 600 + b"\r\n\r\n",
]
for i, request in enumerate(REQUESTS):
    for flags in (0x00, 0x01, 0x03, 0x0f, 0xf1):
        write("gate_request", bytes([(flags + i * 16) & 0xFF]) + request)

for line in [b"persistent-auth", b"persistent-auth=false", b"x, Persistent-Auth; a=1", b"new-auth",
             b"persistent-auth, csrf-protection", b"return=minimal, wait=10", b"x=\"a, persistent-auth\", y",
             b" , ,persistent-auth;;;", b"\"persistent-auth\"", b"PERSISTENT-AUTH, NEW-AUTH, CSRF-PROTECTION"]:
    write("prefer", line)

for line in [b"JSESSIONID=5dQja5ubr4yvI2MM2z+LZxrK; Path=/ovirt-engine/api; Secure",
             b"JSESSIONID=Ab3-_/+=.node1; path=/ovirt-engine/api; secure; HttpOnly",
             b"JSESSIONID=\"quoted\"; Path=/ovirt-engine/api; SameSite=Strict; Max-Age=60",
             b"JSESSIONID=; Path=/ovirt-engine/api; Max-Age=0; Expires=Thu, 01-Jan-1970 00:00:10 GMT",
             b"locale=en_US; Path=/", b"a=b; JSESSIONID=x.y ;flag; b = 2 ",
             b"JSESSIONID=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT", b"JSESSIONID=x; Expires=Sunday, 06-Nov-94 08:49:37 GMT",
             b"JSESSIONID=x; Expires=Sun Nov  6 08:49:37 1994", b"Sun, 31 Feb 1994 08:49:37 GMT",
             b"JSESSIONID=x; Max-Age=99999999999999999999999; Path=relative", b"=novalue; Path=/"]:
    write("cookies", line)

for value in [b"Basic cmhldm1hZG1pbkBibGFjay5xdW1yYW5ldC5jb206MTIzNDU2", b"basic dTpwOnc", b"BASIC  dTpwOnc=",
              b"Basic OnB3", b"Basic dXNlcg==", b"Basic dTr/", b"Bearer abc.DEF-_~+/==", b"Bearer a b",
              b"Digest username=x", b"rhevmadmin@black.qumranet.com:123456", b"admin@internal:p:a ss"]:
    write("basic", value)

for body in [b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n", b"0\r\n\r\n",
             b"ffffffffffffffff\r\nab", b"4 ;name=\"va;lue\"\r\nWiki\r\n0\r\n\r\n", b"10000000000000000\r\n",
             b"4\nWiki\r\n0\r\n\r\n", b"3\r\nabc\r\n0\r\nX: y\r\n\r\nNEXT"]:
    for seed in (0, 7, 200):
        write("chunked", bytes([seed]) + body)

rng = random.Random(20261203)
for length in (8, 16, 32, 64, 128, 256, 512, 1024):
    write("session_ops", bytes(rng.randrange(256) for _ in range(length)))
