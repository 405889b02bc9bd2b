import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

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

/** Socket-level failures of a request that never got an answer. */
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
	'EAI_AGAIN',
]);

interface FailureFacts {
	status?: number;
	headers: IDataObject;
	body: unknown;
	networkCode?: string;
	message: string;
}

/** Reads status, headers and body out of whatever n8n's HTTP helpers threw. */
function failureFacts(error: unknown): FailureFacts {
	const e = error as {
		message?: string;
		code?: string;
		httpCode?: string | null;
		response?: { status?: number; headers?: IDataObject; data?: unknown };
		cause?: {
			code?: string;
			message?: string;
			response?: { status?: number; headers?: IDataObject; data?: unknown };
		};
	};
	const response = e?.response ?? e?.cause?.response;
	const code = e?.cause?.code ?? e?.code;
	const status = response?.status ?? (e?.httpCode ? Number(e.httpCode) : undefined);
	return {
		status: Number.isFinite(status) ? status : undefined,
		headers: response?.headers ?? {},
		body: decodeBody(response?.data),
		networkCode: typeof code === 'string' ? code : undefined,
		message: e?.cause?.message ?? e?.message ?? String(error),
	};
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
	ctx: IExecuteFunctions,
	facts: FailureFacts,
	readServiceError: ServiceErrorReader,
	attempts: number,
): ServiceCallError {
	const service = facts.status ? readServiceError(facts.status, facts.body, facts.headers) : {};
	const what = facts.status ? `HTTP ${facts.status}` : (facts.networkCode ?? 'network error');
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

/**
 * Sends one request, retrying rate limits (429), temporary unavailability (502/503/504) and
 * dropped connections with exponential backoff, honouring `Retry-After`. Authentication (and
 * n8n's single re-authentication after a 401) happens inside n8n's helper.
 */
export async function sendWithRetry<T = unknown>(
	ctx: IExecuteFunctions,
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
	for (let attempt = 0; ; attempt++) {
		try {
			// n8n's helpers rewrite the options object (authenticate returns a new one): pass a copy
			const response = (
				request.credentialType
					? await ctx.helpers.httpRequestWithAuthentication.call(ctx, request.credentialType, {
							...options,
						})
					: await ctx.helpers.httpRequest({ ...options })
			) as { statusCode: number; headers: IDataObject; body: T };
			return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
		} catch (error) {
			const facts = failureFacts(error);
			const retryable =
				(facts.status !== undefined && RETRYABLE_STATUSES.has(facts.status)) ||
				(facts.status === undefined &&
					(RETRYABLE_NETWORK_CODES.has(facts.networkCode ?? '') || /socket hang up/i.test(facts.message)));
			if (!retryable || attempt >= policy.maxRetries) {
				throw toServiceCallError(ctx, facts, readServiceError, attempt + 1);
			}
			const hinted = retryAfterMs(facts.headers);
			if (hinted !== undefined && hinted > policy.maxDelayMs) {
				// waiting longer than the policy allows would stall the workflow: fail now and say when
				throw toServiceCallError(ctx, facts, readServiceError, attempt + 1);
			}
			await sleep(hinted ?? backoffMs(attempt, policy));
		}
	}
}
