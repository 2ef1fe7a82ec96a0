// Following a task's Server-Sent Events over fetch, resuming after the last event seen
// (`Last-Event-ID`) when the connection drops.
import { isTerminal, parseEvent } from "./events.js";
/** Reconnections in a row without an event before giving up. */
const MAX_RECONNECTS = 10;
export async function* follow(options) {
    let last = options.after;
    let dropped = 0;
    for (;;) {
        const headers = { ...options.headers, Accept: "text/event-stream" };
        if (last > 0) {
            headers["Last-Event-ID"] = String(last);
        }
        let response;
        try {
            response = await options.fetch(options.url, { headers, signal: options.signal });
        }
        catch (e) {
            if (options.signal?.aborted || dropped >= MAX_RECONNECTS) {
                throw e;
            }
        }
        if (response !== undefined) {
            if (response.status === 204) {
                return;
            }
            if (!response.ok) {
                const problem = (await response.json().catch(() => ({})));
                throw options.refuse(response.status, problem);
            }
            try {
                for await (const event of frames(response)) {
                    last = event.seq;
                    dropped = 0;
                    yield event;
                    if (isTerminal(event)) {
                        return;
                    }
                }
            }
            catch (e) {
                if (options.signal?.aborted) {
                    throw e;
                }
            }
        }
        // Closed (or broken) before the end: resume after the last event.
        dropped += 1;
        if (dropped > MAX_RECONNECTS) {
            throw new Error(`the event stream at ${options.url} kept dropping`);
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** dropped, 5000)));
    }
}
/** The events of one SSE response body, as they arrive. */
async function* frames(response) {
    if (response.body === null) {
        return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
        for (;;) {
            const { value, done } = await reader.read();
            if (done) {
                return;
            }
            buffer += value.replace(/\r\n?/g, "\n");
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
                const block = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const data = block
                    .split("\n")
                    .filter((line) => line.startsWith("data:"))
                    .map((line) => line.slice(5).replace(/^ /, ""))
                    .join("\n");
                const event = data ? parseEvent(data) : undefined;
                if (event !== undefined) {
                    yield event;
                }
            }
        }
    }
    finally {
        reader.releaseLock();
    }
}
