// A task's events, typed by `type`. Errand's event log is the one source of SSE, polling,
// webhooks and MCP; these are its event types and what each carries.
import type { components } from "./schema.js";

type Task = components["schemas"]["Task"];

interface Event<T extends string, D> {
  seq: number;
  type: T;
  data: D;
  created_at: string;
}

export type TerminalType = "task.succeeded" | "task.failed" | "task.cancelled" | "task.timed_out";

export type ErrandEvent =
  | Event<"task.queued" | "task.started" | "task.resumed", { attempt: number }>
  | Event<"message.delta", { text: string }>
  | Event<"message.completed", Record<string, unknown>>
  | Event<"tool_call.started", { id: string; name: string; arguments: unknown }>
  | Event<"tool_call.completed", { id: string; output?: unknown; error?: unknown }>
  | Event<"task.input_required", Record<string, unknown>>
  | Event<"task.waiting", { children: string[] }>
  | Event<"task.output" | "usage" | "thread.history_trimmed", Record<string, unknown>>
  | Event<TerminalType, { task: Task }>;

export type EventType = ErrandEvent["type"];

const TERMINAL: ReadonlySet<string> = new Set(["task.succeeded", "task.failed", "task.cancelled", "task.timed_out"]);

/** Whether the event ends its task's stream (its `data.task` is the final task). */
export function isTerminal(event: ErrandEvent): event is Event<TerminalType, { task: Task }> {
  return TERMINAL.has(event.type);
}

/** An SSE frame's `data` as an event, or `undefined` when it is not one. */
export function parseEvent(data: string): ErrandEvent | undefined {
  try {
    const value = JSON.parse(data) as ErrandEvent;
    return typeof value.seq === "number" && typeof value.type === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
