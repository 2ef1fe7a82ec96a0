// An independent MCP client: the official TypeScript SDK (@modelcontextprotocol/sdk, pinned)
// against a live Errand. It lists tools (a runner whose input schema is a string must not
// break the list), calls `calculator`, a runner's tool with an output schema, the
// string-schema runner through its wrapped `input`, and a slow runner with progress; then
// finds the tasks it started among the project's resources.
// Usage: node mcp_client.js URL KEY. Exits non-zero on any mismatch.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, key] = process.argv.slice(2);

function check(ok: boolean, what: string, detail?: unknown): asserts ok {
  if (!ok) {
    console.error(`FAILED: ${what}`, JSON.stringify(detail));
    process.exit(1);
  }
}

/** What a tools/call answers (the SDK's type also allows a legacy `toolResult`). */
type ToolResult = {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

function textOf(result: ToolResult): string {
  return (result.content ?? []).map((b) => b.text ?? "").join("");
}

const client = new Client({ name: "errand-ci", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url), {
  requestInit: { headers: { Authorization: `Bearer ${key}` } },
});
await client.connect(transport);
console.log("protocol:", transport.protocolVersion);

const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
console.log("tools:", names.join(", "));
for (const expected of ["calculator", "run_quick_task", "run_slow_task", "run_shout_task"]) {
  check(names.includes(expected), `tools/list has ${expected}`, names);
}
check(!names.includes("ask_human"), "ask_human is not offered over MCP", names);
const shout = tools.find((t) => t.name === "run_shout_task");
check(
  shout !== undefined && shout.inputSchema.type === "object" && "input" in (shout.inputSchema.properties ?? {}),
  "a string input schema is wrapped as an object's `input`",
  shout,
);

const calc = (await client.callTool({ name: "calculator", arguments: { expression: "6*7" } })) as ToolResult;
check(!calc.isError && calc.structuredContent?.result === 42, "calculator 6*7", calc);
console.log("calculator: 6*7 =", calc.structuredContent?.result);

const quick = (await client.callTool({ name: "run_quick_task", arguments: { text: "hi" } })) as ToolResult;
check(!quick.isError && quick.structuredContent?.text === "hi", "run_quick_task", quick);
console.log("run_quick_task:", JSON.stringify(quick.structuredContent));

const shouted = (await client.callTool({ name: "run_shout_task", arguments: { input: "hey" } })) as ToolResult;
check(!shouted.isError && textOf(shouted).length > 0, "run_shout_task with a wrapped input", shouted);
console.log("run_shout_task:", textOf(shouted));

const progress: number[] = [];
const slow = (await client.callTool({ name: "run_slow_task", arguments: {} }, undefined, {
  onprogress: (p) => progress.push(p.progress),
  timeout: 60_000,
})) as ToolResult;
check(!slow.isError && textOf(slow) === "done at last", "run_slow_task", slow);
check(progress.length > 0, "progress notifications arrived", progress);
check(progress.every((p, i) => i === 0 || p > progress[i - 1]), "progress only grows", progress);
console.log(`run_slow_task: ${textOf(slow)} (${progress.length} progress notifications)`);

const { resources } = await client.listResources();
check(resources.length >= 4, "the tasks started are listed as resources", resources);
const first = resources[0];
check(first.uri.startsWith("errand://tasks/"), "a task resource's uri", first);
const read = await client.readResource({ uri: first.uri });
const contents = read.contents[0];
check(contents !== undefined && "text" in contents, "a task resource reads as text", read);
const task = JSON.parse(String(contents.text)) as { id?: string };
check(first.uri === `errand://tasks/${task.id}`, "the resource is the task", task);
console.log("resources: found", resources.length, "tasks; read", task.id);

await client.close();
console.log("the TypeScript MCP client passed");
