import type {
	IDataObject,
	IExecuteFunctions,
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
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: IDataObject;
	body: T;
}

export interface RetryPolicy {
	/** Retries after the first attempt (0 = no retry). */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

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
		httpCode?: string | null;
		context?: { data?: unknown };
		response?: { status?: number; headers?: IDataObject; data?: unknown };
	};
	const status = e?.response?.status ?? (e?.httpCode ? Number(e.httpCode) : undefined);
	return {
		status: Number.isFinite(status) ? status : undefined,
		headers: e?.response?.headers ?? {},
		body: decodeBody(e?.response?.data ?? e?.context?.data),
		message: [e?.message, ...(e?.messages ?? [])].filter(Boolean).join(' | ') || String(error),
	};
}

/** A request that never got an answer because the connection failed or timed out. */
const TRANSIENT_NETWORK_FAILURE =
	/ECONNRESET|ETIMEDOUT|ECONNABORTED|EPIPE|ESOCKETTIMEDOUT|EAI_AGAIN|socket hang up|closed unexpectedly|timeout/i;

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
): ServiceCallError {
	const service = facts.status ? readServiceError(facts.status, facts.body, facts.headers) : {};
	const what = facts.status ? `HTTP ${facts.status}` : 'no response';
	const message = service.code
		? `${service.code}: ${service.message ?? 'request failed'}`
		: (service.message ?? facts.message);
	const details: JsonObject = {
		message,
		...(service.code ? { code: service.code } : {}),
		...(service.requestId ? { requestId: service.requestId } : {}),
		...(facts.status ? { httpCode: String(facts.status) } : {}),
	};
	return new ServiceCallError(ctx.getNode(), details, {
		message,
		description:
			`${what}` +
			(service.requestId ? `, request id ${service.requestId}` : '') +
			(attempts > 1 ? ` (after ${attempts} attempts)` : ''),
		httpCode: facts.status ? String(facts.status) : undefined,
	});
}

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
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		qs: request.qs,
		body: request.body,
		headers: request.headers,
		json: request.encoding === undefined,
		returnFullResponse: true,
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

	const resendWithNewToken = async (attempts: number): Promise<ApiResponse<T>> => {
		try {
			const key = `${ctx.getExecutionId()}\n${request.credentialType}`;
			const renewed = await oneRenewalAtATime(key, async () => await send(false));
			return { statusCode: renewed.statusCode, headers: renewed.headers ?? {}, body: renewed.body };
		} catch (error) {
			throw toServiceCallError(ctx, thrownFacts(error), readServiceError, attempts);
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
		if (response) {
			const status = response.statusCode;
			if (status < 400) return { statusCode: status, headers: response.headers ?? {}, body: response.body };
			if (status === 401 && request.refreshTokenOn401) return await resendWithNewToken(attempt + 2);
			facts = { status, headers: response.headers ?? {}, body: decodeBody(response.body), message: `HTTP ${status}` };
		} else {
			facts = thrownFacts(thrown);
		}
		const retryable =
			facts.status !== undefined
				? RETRYABLE_STATUSES.has(facts.status)
				: TRANSIENT_NETWORK_FAILURE.test(facts.message);
		if (!retryable || attempt >= policy.maxRetries) {
			throw toServiceCallError(ctx, facts, readServiceError, attempt + 1);
		}
		const hinted = retryAfterMs(facts.headers);
		if (hinted !== undefined && hinted > policy.maxDelayMs) {
			// waiting longer than the policy allows would stall the workflow: fail now and say so
			throw toServiceCallError(ctx, facts, readServiceError, attempt + 1);
		}
		await sleep(hinted ?? backoffMs(attempt, policy));
	}
}
