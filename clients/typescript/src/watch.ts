// `watchTask`: a task's events in a web app, over the browser's `EventSource` (which
// reconnects by itself, sending `Last-Event-ID`, and stops on the server's 204).
import { type ErrandEvent, isTerminal, parseEvent } from "./events.js";
import type { components } from "./schema.js";

type Task = components["schemas"]["Task"];

export interface WatchHandlers {
  /** Every event, in order. */
  onEvent?: (event: ErrandEvent) => void;
  /** The model's text as it arrives; `attempt` > 1 means an earlier attempt's text is void. */
  onText?: (text: string) => void;
  /** A new attempt started: drop the text shown so far. */
  onRestart?: (attempt: number) => void;
  /** The task ended: the final task. The stream is closed. */
  onEnd?: (task: Task) => void;
  /** The connection failed and `EventSource` is retrying (or gave up, if `closed`). */
  onError?: (closed: boolean) => void;
}

export interface WatchOptions {
  /** An `EventSource` class (a polyfill that sends headers, say); the global one by default. */
  EventSource?: typeof EventSource;
  /** Send cookies cross-origin. */
  withCredentials?: boolean;
}

const TYPES = [
  "task.queued", "task.started", "task.resumed", "message.delta", "message.completed",
  "tool_call.started", "tool_call.completed", "task.input_required", "task.waiting",
  "task.output", "usage", "thread.history_trimmed",
  "task.succeeded", "task.failed", "task.cancelled", "task.timed_out",
];

/**
 * Watches the task whose events are at `eventsUrl` (`…/v1/tasks/{id}/events`); returns a
 * function that stops watching. A browser's `EventSource` cannot send `Authorization`: point
 * it at your own backend, which forwards the request with the key (or serve the page from
 * the same origin with cookies, or pass a polyfill that sends headers).
 */
export function watchTask(eventsUrl: string, handlers: WatchHandlers, options: WatchOptions = {}): () => void {
  const Source = options.EventSource ?? globalThis.EventSource;
  const source = new Source(eventsUrl, { withCredentials: options.withCredentials ?? false });
  const seen = new Set<number>();
  const listener = (message: MessageEvent<string>) => {
    const event = parseEvent(message.data);
    if (event === undefined || seen.has(event.seq)) {
      return;
    }
    seen.add(event.seq);
    handlers.onEvent?.(event);
    if (event.type === "message.delta") {
      handlers.onText?.(event.data.text);
    } else if (event.type === "task.started" && event.data.attempt > 1) {
      handlers.onRestart?.(event.data.attempt);
    } else if (isTerminal(event)) {
      source.close();
      handlers.onEnd?.(event.data.task);
    }
  };
  for (const type of TYPES) {
    source.addEventListener(type, listener as EventListener);
  }
  source.onerror = () => handlers.onError?.(source.readyState === Source.CLOSED);
  return () => source.close();
}
