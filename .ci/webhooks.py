"""Inbound webhooks checked by an independent implementation: the `standardwebhooks`
package (PyPI) signs deliveries to an Errand trigger, which must verify them, refuse a
tampered or stale one and make nothing twice for a replay.

Usage: webhooks.py BASE_URL API_KEY
"""

import datetime
import json
import sys
import urllib.error
import urllib.request

from standardwebhooks.webhooks import Webhook

BASE, KEY = sys.argv[1], sys.argv[2]


def call(method, path, body=None, headers=None, key=True):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {KEY}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def expect(got, want, what):
    if got != want:
        sys.exit(f"FAIL {what}: got {got!r}, want {want!r}")
    print(f"ok   {what}")


status, _ = call("POST", "/v1/runners", {
    "name": "hooked", "model": "mock",
    "input_schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
})
expect(status, 201, "runner created")
status, trigger = call("POST", "/v1/triggers", {"target": {"runner": "hooked"}, "scheme": "standard-webhooks"})
expect(status, 201, "trigger created")
signer = Webhook(trigger["secret"])


def delivery(msg_id, body, at=None):
    at = at or datetime.datetime.now(tz=datetime.timezone.utc)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signer.sign(msg_id, at, body),
    }


body = json.dumps({"n": 7})
headers = delivery("msg_ci_1", body)
status, made = call("POST", trigger["url"], body.encode(), headers, key=False)
expect(status, 202, "a delivery signed by standardwebhooks is accepted without an API key")
status, again = call("POST", trigger["url"], body.encode(), headers, key=False)
expect((status, again["task_id"]), (200, made["task_id"]), "its replay makes nothing new")
status, problem = call("POST", trigger["url"], json.dumps({"n": 8}).encode(), headers, key=False)
expect((status, problem["code"]), (401, "signature_invalid"), "a tampered body is refused")
stale = datetime.datetime.now(tz=datetime.timezone.utc) - datetime.timedelta(minutes=10)
status, problem = call("POST", trigger["url"], body.encode(), delivery("msg_ci_2", body, stale), key=False)
expect((status, problem["code"]), (401, "signature_invalid"), "a stale timestamp is refused")
status, task = call("GET", f"/v1/tasks/{made['task_id']}?wait=5")
expect((task["status"], task["arguments"]), ("succeeded", {"n": 7}), "the task ran with the body")
# Errand's own signature is one standardwebhooks accepts: the library verifies a delivery
# signed with the secret Errand generated, in the format Errand checks.
payload = signer.verify(body, delivery("msg_ci_3", body))
expect(payload, {"n": 7}, "the generated secret works in the library both ways")
print("inbound webhooks: all checks passed")
