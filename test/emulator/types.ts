/**
 * Contract between the emulator's HTTP server (server.ts) and its vendor route modules
 * (huawei/, pds/, wps/). A module answers the requests it owns and returns undefined for others.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface EmulatorRequest {
	method: string;
	/** Path exactly as received (still percent-encoded), without the query. */
	rawPath: string;
	/** Query string exactly as received, without `?` ('' when none). */
	rawQuery: string;
	/** Parsed URL (for convenience; signature checks must use rawPath/rawQuery). */
	url: URL;
	/** Header names lower-cased, as Node gives them. */
	headers: IncomingHttpHeaders;
	body: Buffer;
	bodyText: string;
	/**
	 * Id the server puts in the `X-Request-Id` response header (set by server.ts); modules may
	 * repeat it in error bodies (e.g. Huawei's `request_id`).
	 */
	requestId?: string;
}

export interface EmulatorResponse {
	status: number;
	headers?: Record<string, string>;
	/** Objects are sent as JSON; Buffers and strings as they are. */
	body?: unknown;
}

/** A fault to inject into the next `times` requests whose path contains `pathContains`. */
export interface FaultRule {
	/** Substring of the request path (e.g. '/batch', 'access-urls'); '' matches every request. */
	pathContains: string;
	/**
	 * - status: answer `status` (and `body`) without processing.
	 * - reset: read the request, then drop the connection without processing it.
	 * - dropBeforeRead: drop the connection before reading the request (nothing processed).
	 * - dropAfterProcess: process the request (its side effects happen), then drop the
	 *   connection without answering.
	 * - holdAnswer: process the request, then hold the answer for `delayMs` (past the client's
	 *   timeout) before sending it.
	 * - truncate: process the request, send the headers and half of the body, then drop.
	 * - rewrite: process the request, then answer with `body` (and `contentType`) instead of
	 *   the real body, keeping the status unless `status` is given.
	 * - delay: wait `delayMs`, then process and answer normally.
	 * - expireTokens: expire every token, then process normally.
	 */
	kind: 'status' | 'reset' | 'delay' | 'expireTokens' | 'dropBeforeRead' | 'dropAfterProcess' | 'holdAnswer' | 'truncate' | 'rewrite';
	/** For kind 'rewrite': content type of the replacement body (default: JSON for objects,
	 * text/plain for strings). */
	contentType?: string;
	/** For kind 'status': HTTP status to answer (e.g. 429, 500, 503). */
	status?: number;
	/** For kind 'status': seconds put in a Retry-After header. */
	retryAfterSeconds?: number;
	/** For kind 'status': body to answer with (default: a vendor-neutral JSON error). */
	body?: unknown;
	/** For kind 'status': answer with a body that repeats the request's headers and body in
	 * every usual error field (as some gateways do), to prove that secrets never reach errors. */
	echo?: boolean;
	/** For kind 'delay': milliseconds to wait before answering normally. */
	delayMs?: number;
	/** How many matching requests the rule affects (default 1). */
	times?: number;
	/** Matching requests to let through untouched before the rule applies (default 0), e.g. to
	 * expire tokens in the middle of a run. */
	afterRequests?: number;
	/** Optional HTTP method the request must have as well (any method when absent). */
	method?: string;
}

export interface RequestLogEntry {
	method: string;
	path: string;
	query: string;
	status: number;
	module: string;
	at: number;
}

export interface EmulatorContext {
	/** Clock used for token expiry and signature time windows (tests may shift it). */
	now(): Date;
	/** Base URL of the running emulator, e.g. http://127.0.0.1:4010 (for download links). */
	baseUrl: string;
	/** Marks every issued token of every module as expired (fault kind 'expireTokens'). */
	tokenGeneration: number;
}

export interface RouteModule {
	name: string;
	handle(
		req: EmulatorRequest,
		ctx: EmulatorContext,
	): Promise<EmulatorResponse | undefined> | EmulatorResponse | undefined;
	/** Restores the module's seeded data (called by reset()). */
	reset?(): void;
	/** Optional counters shown by `GET /__emulator/requests` (e.g. tokens issued). */
	stats?(): Record<string, unknown>;
	/** Optional human summary lines (seeded data, test credentials) printed by the CLI. */
	describe?(ctx: EmulatorContext): string[];
}
