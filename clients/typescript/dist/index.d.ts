import { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";
export type { components, paths };
export type Task = components["schemas"]["Task"];
export type CreateTask = components["schemas"]["CreateTask"];
export type InputRequest = components["schemas"]["InputRequest"];
export type Problem = components["schemas"]["Problem"];
export type Batch = components["schemas"]["Batch"];
export type { ErrandEvent, EventType, TerminalType } from "./events.js";
export { isTerminal, parseEvent } from "./events.js";
export { watchTask, type WatchHandlers, type WatchOptions } from "./watch.js";
import { type ErrandEvent } from "./events.js";
/** A request Errand refused or failed, with its problem+json. */
export declare class ErrandError extends Error {
    readonly status: number;
    readonly problem: Partial<Problem> & Record<string, unknown>;
    constructor(status: number, problem: Partial<Problem> & Record<string, unknown>);
    /** The stable code (`runner_not_found`, `invalid_arguments`, …). */
    get code(): string | undefined;
}
export interface ErrandOptions {
    /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
    baseUrl: string;
    /** An API key, sent as `Authorization: Bearer`; none in open mode. */
    apiKey?: string;
    /** A `fetch` to use instead of the global one. */
    fetch?: typeof fetch;
}
export interface WaitOptions {
    /** Give up after this many milliseconds (rejects with a `TimeoutError`). */
    timeoutMs?: number;
    signal?: AbortSignal;
}
/**
 * Whether a task has ended or waits for an answer (its own question, or a child's: a waiting
 * task shows an unanswered one asked below it, with its `task_id`).
 */
export declare function awaitsCaller(task: Task): boolean;
export declare class Errand {
    /** The typed low-level client, for every operation. */
    readonly api: Client<paths>;
    private readonly baseUrl;
    private readonly headers;
    private readonly fetcher;
    constructor(options: ErrandOptions);
    /**
     * Queues a task of `runner` (`body` is the submission: arguments, thread, priority, …). A
     * batch across `models` is `submitBatch`.
     */
    submit(runner: string, body: CreateTask, idempotencyKey?: string): Promise<Task>;
    /** Queues one task of `runner` per model in `body.models`, as a batch sharing one `batch_id`. */
    submitBatch(runner: string, body: CreateTask & {
        models: string[];
    }, idempotencyKey?: string): Promise<Batch>;
    private create;
    get(id: string): Promise<Task>;
    /** The task once it ends or waits for an answer; follows its event stream. */
    wait(id: string, options?: WaitOptions): Promise<Task>;
    /** Submits, then waits for the end (or a question); see `wait`. */
    submitAndWait(runner: string, body: CreateTask, options?: WaitOptions): Promise<Task>;
    /**
     * The task's events after `after` as they come, ending with the terminal one. A dropped
     * connection resumes after the last event seen (`Last-Event-ID`): nothing is missed or
     * repeated.
     */
    stream(id: string, options?: {
        after?: number;
        signal?: AbortSignal;
    }): AsyncGenerator<ErrandEvent>;
    /** Answers the question `requestId` the task (or a child of it) asks. */
    answer(id: string, requestId: string, answer: unknown): Promise<Task>;
    cancel(id: string): Promise<Task>;
}
