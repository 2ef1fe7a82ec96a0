"""The Python client library against a live Errand (run by .ci/client-libraries):
submit_and_wait, stream with Last-Event-ID resume across a dropped connection, answers,
and refusals as ErrandError. Usage: live_test.py BASE_URL API_KEY. Exits non-zero on any
difference."""

import socket
import sys
import threading
import time

from errand import Errand, ErrandError
from errand_client.api.runners import create_runner
from errand_client.models import NewRunner


class DroppingProxy:
    """A TCP proxy to the server that cuts the first event stream after its first event
    block, and records each request's head (to see the resume's Last-Event-ID)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.heads: list[str] = []
        self.cut = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            client, _ = self.listener.accept()
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        head = client.recv(65536)
        self.heads.append(head.decode("latin-1"))
        upstream.sendall(head)
        cut_this = b"text/event-stream" in head.lower() and not self.cut
        buf = b""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                if not cut_this:
                    client.sendall(data)
                    continue
                # The headers and the first whole event go through, then the connection
                # drops.
                buf += data
                body = buf.find(b"\r\n\r\n")
                first = buf.find(b"data:", body) if body >= 0 else -1
                end = buf.find(b"\n\n", first) if first >= 0 else -1
                if end >= 0:
                    client.sendall(buf[: end + 2])
                    self.cut = True
                    break
        finally:
            client.close()
            upstream.close()


def main(base: str, key: str) -> None:
    with Errand(base, api_key=key) as errand:
        made = create_runner.sync_detailed(
            client=errand.api,
            body=NewRunner.from_dict(
                {"name": "lib-py", "model": "mock",
                 "model_settings": {"mock": {"text": "Hello from the library"}}}
            ),
        )
        assert made.status_code == 201, made.content
        task = errand.submit_and_wait("lib-py", {}, timeout=60)
        assert task.status.value == "succeeded", task.status
        assert task.output == "Hello from the library", task.output

        events = list(errand.stream(task.id))
        seqs = [e.seq for e in events]
        assert seqs == list(range(1, len(seqs) + 1)), seqs
        assert events[-1].type_ == "task.succeeded", events[-1].type_
        text = "".join(e.data["text"] for e in events if e.type_ == "message.delta")
        assert text == "Hello from the library", text

        # A dropped connection resumes after the last event: nothing missed or repeated.
        port = int(base.rsplit(":", 1)[1])
        proxy = DroppingProxy(port)
        with Errand(f"http://127.0.0.1:{proxy.port}", api_key=key) as through:
            resumed = [e.seq for e in through.stream(task.id)]
        assert proxy.cut, "the proxy never cut the stream"
        assert resumed == seqs, (resumed, seqs)
        streams = [h for h in proxy.heads if "text/event-stream" in h.lower()]
        assert len(streams) >= 2, streams
        assert "last-event-id: 1" in streams[1].lower(), streams[1]

        # A question: submit_and_wait returns at it; the answer resumes the task.
        made = create_runner.sync_detailed(
            client=errand.api,
            body=NewRunner.from_dict(
                {"name": "lib-asks", "model": "mock", "toolkits": ["ask_human"],
                 "model_settings": {"mock": {"turns": [
                     {"tool_calls": [{"name": "ask_human", "arguments": {"question": "Go?"}}]},
                     {"text": "Told {{tool_result}}"}]}}}
            ),
        )
        assert made.status_code == 201, made.content
        asked = errand.submit_and_wait("lib-asks", {}, timeout=60)
        assert asked.status.value == "input_required", asked.status
        request = asked.to_dict()["input_request"]
        assert request["question"] == "Go?", request
        errand.answer(asked.id, request["request_id"], "yes")
        done = errand.wait(asked.id, timeout=60)
        assert done.output == "Told yes", done.output

        # An approved call of a runner's tool: the parent waits for its child, still showing
        # the answered approval, which is no question: wait goes on to the end.
        for runner in (
            {"name": "lib-kid", "model": "mock",
             "model_settings": {"mock": {"text": "kid done", "delay_ms": 1500}}},
            {"name": "lib-boss", "model": "mock", "toolkits": ["run_lib-kid_task"],
             "approval": {"tools": ["run_lib-kid_task"]},
             "model_settings": {"mock": {"turns": [
                 {"tool_calls": [{"name": "run_lib-kid_task", "arguments": {}}]},
                 {"text": "boss: {{tool_result}}"}]}}},
        ):
            made = create_runner.sync_detailed(client=errand.api, body=NewRunner.from_dict(runner))
            assert made.status_code == 201, made.content
        asked = errand.submit_and_wait("lib-boss", {}, timeout=60)
        request = asked.to_dict()["input_request"]
        assert request["kind"] == "approval", request
        errand.answer(asked.id, request["request_id"], {"approve": True})
        done = errand.wait(asked.id, timeout=60)
        assert done.output == "boss: kid done", (done.status, done.output)

        # A batch is its own call; submit refuses one rather than misread the answer.
        batch = errand.submit_batch("lib-py", {}, ["mock"], read_only=True)
        assert len(batch.tasks) == 1 and batch.tasks[0].model == "mock", batch
        try:
            errand.submit("lib-py", {}, models=["mock"])
            raise AssertionError("submit took a batch")
        except ValueError:
            pass

        # A wait gives up at its timeout even while heartbeats keep the stream busy (the
        # server here beats every second).
        made = create_runner.sync_detailed(
            client=errand.api,
            body=NewRunner.from_dict(
                {"name": "lib-slow", "model": "mock",
                 "model_settings": {"mock": {"text": "late", "delay_ms": 20000}}}
            ),
        )
        assert made.status_code == 201, made.content
        started = time.monotonic()
        try:
            errand.submit_and_wait("lib-slow", {}, timeout=3)
            raise AssertionError("the wait outlived its timeout")
        except TimeoutError:
            took = time.monotonic() - started
            assert took < 6, took

        # Refusals carry the problem: code and pointers.
        try:
            errand.submit("no-such-runner", {})
            raise AssertionError("an unknown runner was accepted")
        except ErrandError as e:
            assert (e.status, e.code) == (404, "runner_not_found"), e
        try:
            errand.submit("lib-py", {}, priority=11)
            raise AssertionError("priority 11 was accepted")
        except ErrandError as e:
            assert e.status == 422 and [v["pointer"] for v in e.errors] == ["/priority"], e.problem
    print("python client library: ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
