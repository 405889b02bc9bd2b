import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

/** What a request is sent from: an action node's run or a trigger's poll. */
export type RequestContext = IExecuteFunctions | IPollFunctions;

/** One HTTP call of a batch node. `credentialType` unset = unauthenticated (pre-signed URLs). */
export interface ApiRequest {
	credentialType?: string;
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject | string;
	headers?: IDataObject;
	/** 'arraybuffer' for file downloads. */
	encoding?: 'arraybuffer';
	/** The credential holds a token that n8n renews on a 401 (preAuthentication). */
	refreshTokenOn401?: boolean;
	/**
	 * Whether sending the request twice is harmless (reads, idempotent actions). Default: true
	 * for GET and HEAD, false otherwise. A request that may have reached the service but got no
	 * answer (connection dropped, timed out, body cut short) is sent again only when this is true;
	 * otherwise the unit fails with an error saying the request may have been applied.
	 */
	resendSafe?: boolean;
	/** Per-attempt timeout in milliseconds (default DEFAULT_TIMEOUT_MS). */
	timeoutMs?: number;
	/** Names the service in "unexpected response from ..." errors, e.g. 'OSM'. */
	service?: string;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: IDataObject;
	body: T;
	/**
	 * An earlier attempt of this request may have reached the service without an answer
	 * (dropped or timed out after sending). Callers of idempotent actions use it to read an
	 * "already done" answer as success.
	 */
	afterAmbiguousAttempt?: boolean;
}

export interface RetryPolicy {
	/** Retries after the first attempt (0 = no retry). */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Default per-attempt request timeout (the "Request Timeout" option). */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** The service's error code, message and request id, read from an error response. */
export interface ServiceError {
	code?: string;
	message?: string;
	requestId?: string;
}

export type ServiceErrorReader = (status: number, body: unknown, headers: IDataObject) => ServiceError;

/** HTTP statuses worth another try: rate limits and temporary unavailability. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

interface FailureFacts {
	status?: number;
	headers: IDataObject;
	body: unknown;
	message: string;
	/** Error codes and texts of a network failure, for classification only. */
	networkText?: string;
	/** Set when the failure is one the caller must see as "may have been applied". */
	ambiguous?: boolean;
	timedOutAfterMs?: number;
}

/**
 * What is left of a thrown request error. n8n-workflow 2.8's NodeApiError drops the wrapped
 * axios error (and with it the response headers), keeping the status, the parsed error body and
 * the original message; that is why requests run with `ignoreHttpStatusErrors` and only network
 * failures and the 401 re-authentication path end up here.
 */
function thrownFacts(error: unknown): FailureFacts {
	const e = error as {
		message?: string;
		messages?: string[];
		code?: string;
		httpCode?: string | null;
		context?: { data?: unknown };
		cause?: { code?: string; message?: string };
		response?: { status?: number; headers?: IDataObject; data?: unknown };
	};
	const status = e?.response?.status ?? (e?.httpCode ? Number(e.httpCode) : undefined);
	// n8n repeats the same text in message and messages: keep each text once
	const texts = [...new Set([e?.message, ...(e?.messages ?? [])].filter((t): t is string => !!t))];
	return {
		status: Number.isFinite(status) ? status : undefined,
		headers: e?.response?.headers ?? {},
		body: decodeBody(e?.response?.data ?? e?.context?.data),
		message: texts.join(' | ') || String(error),
		networkText: [e?.code, e?.cause?.code, e?.cause?.message, ...texts].filter(Boolean).join(' '),
	};
}

/**
 * The connection failed before the request could be written: nothing reached the service, so
 * sending again is always safe.
 */
const FAILED_BEFORE_SENDING = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|refused the connection/i;

/** The answer did not come within the request timeout. */
const TIMED_OUT = /ETIMEDOUT|ESOCKETTIMEDOUT|ECONNABORTED|timeout of \d+ms exceeded|timed? ?out/i;

/**
 * The request was (or may have been) sent but no complete answer came back: the connection
 * dropped, or the body was cut short. The service may have processed it.
 */
const NO_COMPLETE_ANSWER =
	/ECONNRESET|EPIPE|socket hang up|closed unexpectedly|stream has been aborted|aborted|ERR_BAD_RESPONSE|premature close|ECONNABORTED|Unexpected end/i;

/** The credential could not get a token (credentials/*: preAuthentication). */
export const CREDENTIAL_FAILURE =
	/IAM login (failed|answered)|token request( to \S+)? (failed|answered)|cannot build the token request|no access token yet|App ID and App Key are required/i;

type NetworkFailureKind = 'beforeSending' | 'timeout' | 'noAnswer' | 'other';

function classifyNetworkFailure(text: string): NetworkFailureKind {
	if (FAILED_BEFORE_SENDING.test(text)) return 'beforeSending';
	if (TIMED_OUT.test(text) && !/stream has been aborted/i.test(text)) return 'timeout';
	if (NO_COMPLETE_ANSWER.test(text)) return 'noAnswer';
	return 'other';
}

/** A short, markup-free rendering of a text body (HTML pages become their title). */
export function summarizeText(text: string, max = 200): string {
	const trimmed = text.trim();
	if (/^<!doctype html|^<html|<head[\s>]|<body[\s>]|<title[\s>]/i.test(trimmed)) {
		const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
		const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(trimmed)?.[1];
		const label = (title ?? heading ?? '').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
		return label ? `an HTML page ("${label.slice(0, 100)}")` : 'an HTML page';
	}
	const plain = trimmed.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
	return plain.length > max ? `${plain.slice(0, max)}…` : plain;
}

/** The request id a response carries in its headers, if any. */
export function responseRequestId(headers: IDataObject): string | undefined {
	const id =
		headers['x-request-id'] ?? headers['x-ca-request-id'] ?? headers['x-kso-request-id'] ?? headers['x-acs-request-id'];
	return id !== undefined && id !== null && id !== '' ? String(id) : undefined;
}

/**
 * An answer that does not have the documented shape: "unexpected response from <service>:
 * <problem>, request id <id>". Thrown by operations after checking a response.
 */
export function unexpectedResponse(
	ctx: { getNode(): INode },
	service: string,
	problem: string,
	headers: IDataObject,
): ServiceCallError {
	const requestId = responseRequestId(headers);
	const message = `unexpected response from ${service}: ${problem}, request id ${requestId ?? 'unknown'}`;
	return new ServiceCallError(
		ctx.getNode(),
		{ message, ...(requestId ? { requestId } : {}), code: 'UNEXPECTED_RESPONSE' },
		{ message, description: 'The service answered with a body that does not have the documented shape.' },
	);
}

/**
 * `value` when it is a JSON object, else "unexpected response from <service>: expected
 * <expectation>, got <what it was>" (e.g. expectation `an object with a "files" array`).
 */
export function expectObject(
	ctx: { getNode(): INode },
	service: string,
	value: unknown,
	expectation: string,
	headers: IDataObject,
): IDataObject {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw unexpectedResponse(ctx, service, `expected ${expectation}, got ${describeValue(value)}`, headers);
	}
	return value as IDataObject;
}

/** `value` when it is an array, else "unexpected response ...: expected <name> to be an array, got ...". */
export function expectArray(
	ctx: { getNode(): INode },
	service: string,
	value: unknown,
	name: string,
	headers: IDataObject,
): unknown[] {
	if (!Array.isArray(value)) {
		throw unexpectedResponse(ctx, service, `expected ${name} to be an array, got ${describeValue(value)}`, headers);
	}
	return value;
}

/** What kind of value `value` is, for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') return value.trim() === '' ? 'an empty body' : `text (${summarizeText(value, 60)})`;
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function decodeBody(data: unknown): unknown {
	if (data instanceof ArrayBuffer || Buffer.isBuffer(data)) {
		const text = Buffer.from(data as ArrayBuffer).toString('utf8');
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	if (typeof data === 'string') {
		try {
			return JSON.parse(data);
		} catch {
			return data;
		}
	}
	return data;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function retryAfterMs(headers: IDataObject, now = Date.now()): number | undefined {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const at = Date.parse(String(raw));
	return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Exponential backoff with jitter in [50%, 100%] of the step, capped. */
export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random): number {
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	return Math.round(step * (0.5 + random() / 2));
}

/** Raised after the last try; carries only what is safe to show (no request headers). */
export class ServiceCallError extends NodeApiError {}

function toServiceCallError(
	ctx: RequestContext,
	facts: FailureFacts,
	readServiceError: ServiceErrorReader,
	attempts: number,
	request: ApiRequest,
): ServiceCallError {
	// an object storage's XML error (OBS, OSS) is read as code and message; an HTML or other
	// text body is summarized before the service's reader sees it
	const xml =
		typeof facts.body === 'string'
			? /<Code>([^<]*)<\/Code>[\s\S]*?<Message>([^<]*)<\/Message>/i.exec(facts.body)
			: null;
	const body = xml
		? { error_code: xml[1], error_msg: xml[2], code: xml[1], message: xml[2] }
		: typeof facts.body === 'string'
			? summarizeText(facts.body)
			: facts.body;
	const service = facts.status ? readServiceError(facts.status, body, facts.headers) : {};
	const what = facts.status ? `HTTP ${facts.status}` : 'no response';
	let message = service.code
		? `${service.code}: ${service.message ?? 'request failed'}`
		: (service.message ?? (facts.status ? `HTTP ${facts.status}` : facts.message));
	let code = service.code;
	if (facts.timedOutAfterMs !== undefined) {
		message = `no answer within ${formatSeconds(facts.timedOutAfterMs)} (request timed out)`;
		code = 'TIMEOUT';
	}
	if (facts.ambiguous) {
		message +=
			`. The ${request.method} request may have reached ${request.service ?? 'the service'} and been applied;` +
			' it was not sent again because repeating it is not safe. Check the result in the service before running the item again.';
		code = 'MAYBE_APPLIED';
	}
	const requestId = service.requestId ?? responseRequestId(facts.headers);
	const details: JsonObject = {
		message,
		...(code ? { code } : {}),
		...(requestId ? { requestId } : {}),
		...(facts.status ? { httpCode: String(facts.status) } : {}),
	};
	return new ServiceCallError(ctx.getNode(), details, {
		message,
		description:
			`${what}` +
			(requestId ? `, request id ${requestId}` : '') +
			(attempts > 1 ? ` (after ${attempts} attempts)` : ''),
		httpCode: facts.status ? String(facts.status) : undefined,
	});
}

function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/** A failure of the credential itself (no token): it concerns the whole run, not one request. */
export class CredentialFailureError extends ServiceCallError {}

/** 401 renewals in flight, per execution and credential type. */
const renewals = new Map<string, Promise<unknown>>();

/**
 * Runs 401 renewals of one credential one after another. When parallel requests all meet an
 * expired token, the first one makes n8n fetch a new token (and save it); the others then send
 * with the saved token instead of each fetching their own.
 */
async function oneRenewalAtATime<T>(key: string, renew: () => Promise<T>): Promise<T> {
	const previous = renewals.get(key) ?? Promise.resolve();
	const current = previous.catch(() => undefined).then(renew);
	renewals.set(key, current);
	try {
		return await current;
	} finally {
		if (renewals.get(key) === current) renewals.delete(key);
	}
}

/**
 * Sends one request, retrying rate limits (429), temporary unavailability (502/503/504) and
 * dropped connections with exponential backoff, honouring `Retry-After`.
 *
 * Responses of any status come back as responses (so `Retry-After` and the error body can be
 * read). A 401 on a token credential is sent once more through n8n's normal path, where n8n
 * fetches a new token (preAuthentication) exactly once and retries.
 */
export async function sendWithRetry<T = unknown>(
	ctx: RequestContext,
	request: ApiRequest,
	policy: RetryPolicy,
	readServiceError: ServiceErrorReader,
): Promise<ApiResponse<T>> {
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const resendSafe = request.resendSafe ?? (request.method === 'GET' || request.method === 'HEAD');
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: request.encoding === undefined,
		returnFullResponse: true,
		timeout: timeoutMs,
		...(request.encoding ? { encoding: request.encoding } : {}),
	};
	// n8n's helpers rewrite the options they are given (authenticate returns new ones): pass copies
	const send = async (ignoreHttpStatusErrors: boolean) =>
		(request.credentialType
			? await ctx.helpers.httpRequestWithAuthentication.call(ctx, request.credentialType, {
					...options,
					ignoreHttpStatusErrors,
				})
			: await ctx.helpers.httpRequest({ ...options, ignoreHttpStatusErrors })) as ApiResponse<T>;

	let ambiguousBefore = false;
	const answer = (response: ApiResponse<T>): ApiResponse<T> => ({
		statusCode: response.statusCode,
		headers: response.headers ?? {},
		body: checkedBody(ctx, request, response),
		...(ambiguousBefore ? { afterAmbiguousAttempt: true } : {}),
	});

	const credentialFailure = (error: unknown, attempts: number): ServiceCallError | undefined => {
		const facts = thrownFacts(error);
		if (!request.credentialType || facts.status !== undefined || !CREDENTIAL_FAILURE.test(facts.message)) {
			return undefined;
		}
		return new CredentialFailureError(ctx.getNode(), { message: facts.message, code: 'CREDENTIAL' }, {
			message: facts.message,
			description: `The credential could not get a token${attempts > 1 ? ` (after ${attempts} attempts)` : ''}; nothing else was sent.`,
		});
	};

	const resendWithNewToken = async (attempts: number): Promise<ApiResponse<T>> => {
		try {
			const key = `${ctx.getExecutionId()}\n${request.credentialType}`;
			const renewed = await oneRenewalAtATime(key, async () => await send(false));
			return answer(renewed);
		} catch (error) {
			throw credentialFailure(error, attempts) ?? toServiceCallError(ctx, thrownFacts(error), readServiceError, attempts, request);
		}
	};

	for (let attempt = 0; ; attempt++) {
		let response: ApiResponse<T> | undefined;
		let thrown: unknown;
		try {
			response = await send(true);
		} catch (error) {
			thrown = error;
		}
		let facts: FailureFacts;
		let retryable: boolean;
		if (response) {
			const status = response.statusCode;
			if (status < 400) return answer(response);
			if (status === 401 && request.refreshTokenOn401) return await resendWithNewToken(attempt + 2);
			facts = { status, headers: response.headers ?? {}, body: decodeBody(response.body), message: `HTTP ${status}` };
			retryable = RETRYABLE_STATUSES.has(status);
		} else {
			const fatal = credentialFailure(thrown, attempt + 1);
			if (fatal) throw fatal;
			facts = thrownFacts(thrown);
			// n8n-core 1.x throws when the body of a 2xx answer is cut short, with the status of the
			// headers it did get: that is an incomplete answer, not an HTTP error
			const incompleteAnswer = facts.status !== undefined && facts.status < 400;
			if (incompleteAnswer) {
				facts.status = undefined;
				facts.message = `the answer was cut short (${facts.message})`;
			}
			if (facts.status !== undefined) {
				retryable = RETRYABLE_STATUSES.has(facts.status);
			} else {
				let kind = classifyNetworkFailure(facts.networkText ?? facts.message);
				if (incompleteAnswer && kind === 'other') kind = 'noAnswer';
				if (kind === 'timeout') facts.timedOutAfterMs = timeoutMs;
				if (kind === 'beforeSending') retryable = true;
				else if (kind === 'timeout' || kind === 'noAnswer') {
					// the service may have processed it: only requests that are safe to repeat go again
					retryable = resendSafe;
					if (!resendSafe) facts.ambiguous = true;
					else ambiguousBefore = true;
				} else retryable = false;
			}
		}
		if (!retryable || attempt >= policy.maxRetries) {
			throw toServiceCallError(ctx, facts, readServiceError, attempt + 1, request);
		}
		const hinted = retryAfterMs(facts.headers);
		if (hinted !== undefined && hinted > policy.maxDelayMs) {
			// waiting longer than the policy allows would stall the workflow: fail now and say so
			throw toServiceCallError(ctx, facts, readServiceError, attempt + 1, request);
		}
		await sleep(hinted ?? backoffMs(attempt, policy));
	}
}

/**
 * A JSON request must get JSON back: a 2xx whose body n8n could not parse (HTML, truncated,
 * empty) is an unexpected response, not data.
 */
function checkedBody<T>(ctx: RequestContext, request: ApiRequest, response: ApiResponse<T>): T {
	if (request.encoding !== undefined) return response.body;
	const body = response.body as unknown;
	if (typeof body === 'string' || body === undefined || Buffer.isBuffer(body)) {
		const text = Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? '');
		try {
			if (text.trim() !== '') return JSON.parse(text) as T;
		} catch {
			// reported below
		}
		throw unexpectedResponse(
			ctx,
			request.service ?? 'the service',
			text.trim() === '' ? 'empty body' : `body is not JSON (${summarizeText(text, 80)})`,
			response.headers ?? {},
		);
	}
	return response.body;
}
