"""Webhooks checked by an independent implementation, the `standardwebhooks` package
(PyPI): it signs deliveries to an Errand trigger, which must verify them, refuse a
tampered or stale one and make nothing twice for a replay; and it verifies what Errand
sends to a webhook endpoint, a receiver on a loopback port.

Usage: webhooks.py BASE_URL API_KEY
"""

import datetime
import http.server
import json
import sys
import threading
import time
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

# Outbound: a receiver that verifies each delivery with the library and the endpoint's secret.
received = []


class Receiver(http.server.BaseHTTPRequestHandler):
    secret = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            event = Webhook(Receiver.secret).verify(body, headers)
            received.append((headers["webhook-id"], event))
            self.send_response(204)
        except Exception as error:  # a bad signature is the receiver's 400
            received.append(("unverified", str(error)))
            self.send_response(400)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_address[1]}/hook"
status, endpoint = call("POST", "/v1/webhooks", {"url": url, "events": ["task.succeeded"]})
expect(status, 201, "webhook endpoint created")
Receiver.secret = endpoint["secret"]
status, task = call("POST", "/v1/runners/hooked/tasks?wait=10", {"arguments": {"n": 1}})
expect(task["status"], "succeeded", "a task ran")
deadline = time.time() + 20
while not received and time.time() < deadline:
    time.sleep(0.1)
expect(len(received), 1, "one delivery arrived")
webhook_id, event = received[0]
expect(webhook_id.startswith("msg_"), True, "it carries a webhook-id")
expect((event["type"], event["data"]["task_id"]), ("task.succeeded", task["id"]),
       "standardwebhooks verified Errand's signature on the task's end")
server.shutdown()
print("outbound webhooks: all checks passed")
