// `watchTask`: a task's events in a web app, over the browser's `EventSource` (which
// reconnects by itself, sending `Last-Event-ID`, and stops on the server's 204).
import { isTerminal, parseEvent } from "./events.js";
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
export function watchTask(eventsUrl, handlers, options = {}) {
    const Source = options.EventSource ?? globalThis.EventSource;
    const source = new Source(eventsUrl, { withCredentials: options.withCredentials ?? false });
    const seen = new Set();
    const listener = (message) => {
        const event = parseEvent(message.data);
        if (event === undefined || seen.has(event.seq)) {
            return;
        }
        seen.add(event.seq);
        handlers.onEvent?.(event);
        if (event.type === "message.delta") {
            handlers.onText?.(event.data.text);
        }
        else if (event.type === "task.started" && event.data.attempt > 1) {
            handlers.onRestart?.(event.data.attempt);
        }
        else if (isTerminal(event)) {
            source.close();
            handlers.onEnd?.(event.data.task);
        }
    };
    for (const type of TYPES) {
        source.addEventListener(type, listener);
    }
    source.onerror = () => handlers.onError?.(source.readyState === Source.CLOSED);
    return () => source.close();
}
