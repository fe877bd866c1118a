"""Python requests.Session against a persistent-auth server over TLS: login, reuse, logout, the dead
cookie refused, bad credentials refused with one challenge.

    python3 requests_session.py URL CA_FILE

Over TLS because Python's cookie jar never sends a Secure cookie over plain http, not even to
127.0.0.1; trust_env=False so that REQUESTS_CA_BUNDLE cannot override `verify`."""

import os
import sys

import requests

URL, CA = sys.argv[1], sys.argv[2]
USER, PASSWORD = "admin@internal", os.environ.get("PEERS_PASSWORD", "ours-secret")
PERSIST = {"Prefer": "persistent-auth"}


def session():
    s = requests.Session()
    s.trust_env = False
    s.verify = CA
    return s


def check(what, expected, response):
    if response.status_code != expected:
        sys.exit(f"  FAIL {what}: expected {expected}, got {response.status_code} {dict(response.headers)}")
    print(f"  ok   {what} ({response.status_code})")


def one_challenge(response):
    challenges = [v for k, v in response.raw.headers.items() if k.lower() == "www-authenticate"]
    if challenges != ['Basic realm="RESTAPI"']:
        sys.exit(f"  FAIL expected exactly one challenge, got {challenges}")


s = session()
login = s.head(URL, auth=(USER, PASSWORD), headers=PERSIST)
check("login with Basic and Prefer: persistent-auth", 200, login)
cookie = s.cookies.get("JSESSIONID")
if not cookie:
    sys.exit("  FAIL no JSESSIONID in the session's jar")
for i in range(1, 4):
    reuse = s.get(URL, headers=PERSIST)
    check(f"reuse {i} with the cookie alone", 200, reuse)
    if "Authorization" in reuse.request.headers:
        sys.exit("  FAIL credentials on a reuse")
    if reuse.request.headers.get("Cookie") != f"JSESSIONID={cookie}":
        sys.exit(f"  FAIL the cookie did not go back: {reuse.request.headers.get('Cookie')}")

logout = s.head(URL)
check("logout: the cookie without Prefer", 200, logout)
if s.cookies.get("JSESSIONID"):
    sys.exit("  FAIL the jar kept the expired cookie")

dead = session().head(URL, headers={**PERSIST, "Cookie": f"JSESSIONID={cookie}"})
check("the dead cookie, replayed", 401, dead)
one_challenge(dead)

bad = session().head(URL, auth=(USER, "wrong"), headers=PERSIST)
check("bad credentials", 401, bad)
one_challenge(bad)
if "Set-Cookie" in bad.headers:
    sys.exit("  FAIL a cookie on a 401")
print("  requests: all checks passed")
