// errand-client, installed from the repository, against a live Errand: submitAndWait, the
// stream with Last-Event-ID resume across a dropped connection, answers, refusals as
// ErrandError, and watchTask over an EventSource. Usage: node out/live.js BASE_URL API_KEY.
import * as net from "node:net";
import { EventSource } from "eventsource";
import { Errand, ErrandError, type ErrandEvent, watchTask } from "errand-client";

function check(ok: boolean, what: string): asserts ok {
  if (!ok) {
    throw new Error(what);
  }
}

/** A TCP proxy that cuts the first event stream after its first event, recording heads. */
function droppingProxy(targetPort: number): Promise<{ port: number; heads: string[]; cut: () => boolean; close: () => void }> {
  const heads: string[] = [];
  let cut = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    let cutThis: boolean | undefined;
    let buf = Buffer.alloc(0);
    client.on("data", (chunk) => {
      if (cutThis === undefined) {
        const head = chunk.toString("latin1");
        heads.push(head);
        cutThis = head.toLowerCase().includes("text/event-stream") && !cut;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!cutThis) {
        client.write(chunk);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      const body = buf.indexOf("\r\n\r\n");
      const first = body >= 0 ? buf.indexOf("data:", body) : -1;
      const end = first >= 0 ? buf.indexOf("\n\n", first) : -1;
      if (end >= 0) {
        cut = true;
        client.end(buf.subarray(0, end + 2));
        upstream.destroy();
      }
    });
    upstream.on("end", () => client.end());
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({ port, heads, cut: () => cut, close: () => server.close() });
    });
  });
}

async function collect(stream: AsyncGenerator<ErrandEvent>): Promise<ErrandEvent[]> {
  const events: ErrandEvent[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

async function main(base: string, key: string): Promise<void> {
  const errand = new Errand({ baseUrl: base, apiKey: key });
  const made = await errand.api.POST("/v1/runners", {
    body: { name: "lib-ts", model: "mock", model_settings: { mock: { text: "Hello from TypeScript" } } },
  });
  check(made.response.status === 201, `createRunner: ${made.response.status}`);

  const task = await errand.submitAndWait("lib-ts", { arguments: {} }, { timeoutMs: 60_000 });
  check(task.status === "succeeded", `submitAndWait: ${task.status}`);
  check(task.output === "Hello from TypeScript", `output: ${JSON.stringify(task.output)}`);

  const events = await collect(errand.stream(task.id));
  const seqs = events.map((e) => e.seq);
  check(seqs.every((s, i) => s === i + 1), `seqs: ${seqs}`);
  check(events.at(-1)?.type === "task.succeeded", "the stream did not end with task.succeeded");
  const text = events.map((e) => (e.type === "message.delta" ? e.data.text : "")).join("");
  check(text === "Hello from TypeScript", `text: ${text}`);

  // A dropped connection resumes after the last event: nothing missed or repeated.
  const proxy = await droppingProxy(Number(new URL(base).port));
  const through = new Errand({ baseUrl: `http://127.0.0.1:${proxy.port}`, apiKey: key });
  const resumed = (await collect(through.stream(task.id))).map((e) => e.seq);
  proxy.close();
  check(proxy.cut(), "the proxy never cut the stream");
  check(JSON.stringify(resumed) === JSON.stringify(seqs), `resumed ${resumed} vs ${seqs}`);
  const streams = proxy.heads.filter((h) => h.toLowerCase().includes("text/event-stream"));
  check(streams.length >= 2 && streams[1].toLowerCase().includes("last-event-id: 1"), `heads: ${streams}`);

  // A question: submitAndWait returns at it; the answer resumes the task.
  const asks = await errand.api.POST("/v1/runners", {
    body: {
      name: "lib-ts-asks",
      model: "mock",
      toolkits: ["ask_human"],
      model_settings: {
        mock: {
          turns: [
            { tool_calls: [{ name: "ask_human", arguments: { question: "Go?" } }] },
            { text: "Told {{tool_result}}" },
          ],
        },
      },
    },
  });
  check(asks.response.status === 201, `createRunner: ${asks.response.status}`);
  const asked = await errand.submitAndWait("lib-ts-asks", { arguments: {} }, { timeoutMs: 60_000 });
  check(asked.status === "input_required" && asked.input_request != null, `asked: ${asked.status}`);
  check(asked.input_request.question === "Go?", "the question");
  await errand.answer(asked.id, asked.input_request.request_id, "yes");
  const told = await errand.wait(asked.id, { timeoutMs: 60_000 });
  check(told.output === "Told yes", `told: ${JSON.stringify(told.output)}`);

  // An approved call of a runner's tool: the parent waits for its child, still showing the
  // answered approval, which is no question: wait goes on to the end.
  for (const body of [
    { name: "lib-ts-kid", model: "mock", model_settings: { mock: { text: "kid done", delay_ms: 1500 } } },
    {
      name: "lib-ts-boss",
      model: "mock",
      toolkits: ["run_lib-ts-kid_task"],
      approval: { tools: ["run_lib-ts-kid_task"] },
      model_settings: {
        mock: {
          turns: [
            { tool_calls: [{ name: "run_lib-ts-kid_task", arguments: {} }] },
            { text: "boss: {{tool_result}}" },
          ],
        },
      },
    },
  ]) {
    const made = await errand.api.POST("/v1/runners", { body });
    check(made.response.status === 201, `createRunner: ${made.response.status}`);
  }
  const gate = await errand.submitAndWait("lib-ts-boss", { arguments: {} }, { timeoutMs: 60_000 });
  check(gate.input_request?.kind === "approval", `gate: ${gate.status}`);
  await errand.answer(gate.id, gate.input_request.request_id, { approve: true });
  const boss = await errand.wait(gate.id, { timeoutMs: 60_000 });
  check(boss.output === "boss: kid done", `boss: ${boss.status} ${JSON.stringify(boss.output)}`);

  // A batch is its own call; submit refuses one rather than misread the answer.
  const batch = await errand.submitBatch("lib-ts", { arguments: {}, models: ["mock"], read_only: true });
  check(batch.tasks.length === 1 && batch.tasks[0].model === "mock", `batch: ${JSON.stringify(batch)}`);
  try {
    await errand.submit("lib-ts", { arguments: {}, models: ["mock"] });
    check(false, "submit took a batch");
  } catch (e) {
    check(e instanceof TypeError, `${e}`);
  }

  // A wait gives up at its timeout even while heartbeats keep the stream busy.
  const slow = await errand.api.POST("/v1/runners", {
    body: { name: "lib-ts-slow", model: "mock", model_settings: { mock: { text: "late", delay_ms: 20000 } } },
  });
  check(slow.response.status === 201, `createRunner: ${slow.response.status}`);
  const began = Date.now();
  try {
    await errand.submitAndWait("lib-ts-slow", { arguments: {} }, { timeoutMs: 3000 });
    check(false, "the wait outlived its timeout");
  } catch (e) {
    check(e instanceof Error && e.name === "TimeoutError", `${e}`);
    check(Date.now() - began < 6000, `took ${Date.now() - began} ms`);
  }

  // Refusals carry the problem.
  try {
    await errand.submit("no-such-runner", { arguments: {} });
    check(false, "an unknown runner was accepted");
  } catch (e) {
    check(e instanceof ErrandError && e.status === 404 && e.code === "runner_not_found", `${e}`);
  }

  // watchTask over an EventSource (this one sends the key through its fetch).
  const watched = await errand.submit("lib-ts", { arguments: {} });
  const Source = class extends EventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, {
        ...init,
        fetch: (input, options) =>
          fetch(input, { ...options, headers: { ...options?.headers, Authorization: `Bearer ${key}` } }),
      });
    }
  };
  const ended = await new Promise<{ text: string; status: string }>((resolve, reject) => {
    let shown = "";
    const timer = setTimeout(() => reject(new Error("watchTask saw no end")), 30_000);
    watchTask(
      `${base}/v1/tasks/${watched.id}/events`,
      {
        onText: (piece) => {
          shown += piece;
        },
        onEnd: (final) => {
          clearTimeout(timer);
          resolve({ text: shown, status: final.status });
        },
      },
      { EventSource: Source as unknown as typeof globalThis.EventSource },
    );
  });
  check(ended.status === "succeeded" && ended.text === "Hello from TypeScript", `watchTask: ${JSON.stringify(ended)}`);
  console.log("typescript client library: ok");
}

const [base, key] = process.argv.slice(2);
main(base, key).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
