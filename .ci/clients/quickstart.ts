// The README's quickstart through a TypeScript client: types generated from
// openapi/openapi.json by openapi-typescript, requests by openapi-fetch. Type-checked with
// `tsc --strict`, then run against a live server; exits non-zero on any difference.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Task = components["schemas"]["Task"];

function check(ok: boolean, what: string): asserts ok {
  if (!ok) {
    throw new Error(what);
  }
}

async function main(base: string, key: string): Promise<void> {
  const client = createClient<paths>({
    baseUrl: base,
    headers: { Authorization: `Bearer ${key}` },
  });

  const runner = await client.POST("/v1/runners", {
    body: {
      name: "greeter-ts",
      input_schema: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
      },
      output_schema: {
        type: "object",
        properties: { greeting: { type: "string" } },
        required: ["greeting"],
      },
      rules: ["Greet the person by name."],
      model: "mock",
      model_settings: { mock: { json: { greeting: "Hello, Ada!" } } },
    },
  });
  check(runner.response.status === 201, `createRunner: ${runner.response.status}`);
  check(runner.data?.name === "greeter-ts", "createRunner: no runner");

  const submitted = await client.POST("/v1/runners/{name}/tasks", {
    params: { path: { name: "greeter-ts" } },
    body: { arguments: { name: "Ada" } },
  });
  check(submitted.response.status === 202, `createTask: ${submitted.response.status}`);
  const queued = submitted.data;
  check(queued !== undefined && "runner_id" in queued, "createTask: not a task");
  const task: Task = queued;

  const done = await client.GET("/v1/tasks/{id}", {
    params: { path: { id: task.id }, query: { wait: 30 } },
  });
  check(done.data?.status === "succeeded", `getTask: ${done.data?.status}`);
  const output = done.data.output as { greeting?: string };
  check(output.greeting === "Hello, Ada!", `getTask: output ${JSON.stringify(output)}`);

  const refused = await client.POST("/v1/runners/{name}/tasks", {
    params: { path: { name: "greeter-ts" } },
    body: { arguments: { name: 7 } },
  });
  check(refused.response.status === 422, `createTask (bad): ${refused.response.status}`);
  const pointers = (refused.error?.errors ?? []).map((v) => v.pointer);
  check(
    pointers.length === 1 && pointers[0] === "/arguments/name",
    `createTask (bad): ${JSON.stringify(pointers)}`,
  );

  const events = await client.GET("/v1/tasks/{id}/events", {
    params: { path: { id: task.id } },
    headers: { accept: "application/json" },
  });
  const page = events.data;
  check(
    typeof page === "object" && page !== null && Array.isArray(page.data),
    "listTaskEvents: no page",
  );
  const kinds = page.data.map((e) => e.type);
  check(
    kinds[0] === "task.queued" && kinds[kinds.length - 1] === "task.succeeded",
    `listTaskEvents: ${JSON.stringify(kinds)}`,
  );
  console.log(`typescript client: quickstart ok, ${kinds.length} events`);
}

main(process.argv[2] ?? "", process.argv[3] ?? "").catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
