const TERMINAL = new Set(["task.succeeded", "task.failed", "task.cancelled", "task.timed_out"]);
/** Whether the event ends its task's stream (its `data.task` is the final task). */
export function isTerminal(event) {
    return TERMINAL.has(event.type);
}
/** An SSE frame's `data` as an event, or `undefined` when it is not one. */
export function parseEvent(data) {
    try {
        const value = JSON.parse(data);
        return typeof value.seq === "number" && typeof value.type === "string" ? value : undefined;
    }
    catch {
        return undefined;
    }
}
