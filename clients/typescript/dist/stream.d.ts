import { type ErrandEvent } from "./events.js";
export interface FollowOptions {
    url: string;
    headers: Record<string, string>;
    fetch: typeof fetch;
    after: number;
    signal?: AbortSignal;
    refuse: (status: number, problem: Record<string, unknown>) => Error;
}
export declare function follow(options: FollowOptions): AsyncGenerator<ErrandEvent>;
