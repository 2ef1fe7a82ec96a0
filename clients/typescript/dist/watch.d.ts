import { type ErrandEvent } from "./events.js";
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
/**
 * Watches the task whose events are at `eventsUrl` (`…/v1/tasks/{id}/events`); returns a
 * function that stops watching. A browser's `EventSource` cannot send `Authorization`: point
 * it at your own backend, which forwards the request with the key (or serve the page from
 * the same origin with cookies, or pass a polyfill that sends headers).
 */
export declare function watchTask(eventsUrl: string, handlers: WatchHandlers, options?: WatchOptions): () => void;
export {};
