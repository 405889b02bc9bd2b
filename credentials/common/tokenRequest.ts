import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * Token requests of the credentials (IAM password login, WPS client credentials, PDS JWT
 * bearer): sent like any other request of the package, i.e. a 429 or 5xx and a dropped
 * connection are retried with backoff and `Retry-After` (a login has no side effect, so sending
 * it again is safe), and whatever the endpoint answers never brings a secret into an error.
 */

/** Retries of a token request (mutable so tests can shorten the delays). */
export const TOKEN_RETRY = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
const TRANSIENT = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|ECONNABORTED|EPIPE|EAI_AGAIN|socket hang up|timeout|aborted/i;

export interface TokenResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

function retryAfterMs(headers: IDataObject): number | undefined {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	if (raw === undefined || raw === null || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const at = Date.parse(String(raw));
	return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Sends a token request and returns the final response, whatever its status (callers turn an
 * error status into their own message). Network failures that outlast the retries throw an
 * Error with the client's message only (the client's error object holds the request body).
 */
export async function sendTokenRequest(
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>,
	options: IHttpRequestOptions,
	secrets: string[],
): Promise<TokenResponse> {
	for (let attempt = 0; ; attempt++) {
		let response: TokenResponse | undefined;
		let failedWith: string | undefined;
		try {
			const result = await httpRequest({
				timeout: 60_000,
				...options,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			});
			const full = result as Partial<TokenResponse> | undefined;
			// a helper that ignores returnFullResponse gives the body alone
			response =
				full && typeof full === 'object' && typeof full.statusCode === 'number'
					? { statusCode: full.statusCode, headers: full.headers ?? {}, body: full.body }
					: { statusCode: 200, headers: {}, body: result };
		} catch (error) {
			const e = error as {
				message?: string;
				code?: string;
				cause?: { code?: string };
				response?: { status?: number; headers?: IDataObject; data?: unknown };
			};
			if (typeof e?.response?.status === 'number') {
				// a helper that throws on error statuses despite ignoreHttpStatusErrors
				response = { statusCode: e.response.status, headers: e.response.headers ?? {}, body: e.response.data };
			} else {
				const text = [e?.code, e?.cause?.code, e?.message].filter(Boolean).join(' ') || String(error);
				if (!(attempt < TOKEN_RETRY.maxRetries && TRANSIENT.test(text))) {
					failedWith = redactSecrets(e?.message ?? String(error), secrets);
				}
			}
		}
		if (failedWith !== undefined) throw new TokenRequestError(failedWith);
		if (!response) {
			await sleep(backoff(attempt));
			continue;
		}
		const status = response.statusCode;
		if (RETRYABLE_STATUSES.has(status) && attempt < TOKEN_RETRY.maxRetries) {
			const hinted = retryAfterMs(response.headers);
			if (hinted === undefined || hinted <= TOKEN_RETRY.maxDelayMs) {
				await sleep(hinted ?? backoff(attempt));
				continue;
			}
		}
		return response;
	}
}

/** A token request that got no answer; the message is the client's, secrets masked. */
export class TokenRequestError extends Error {}

function backoff(attempt: number): number {
	const step = Math.min(TOKEN_RETRY.maxDelayMs, TOKEN_RETRY.baseDelayMs * 2 ** attempt);
	return Math.round(step * (0.5 + Math.random() / 2));
}

/**
 * Replaces every secret in `text` with `***`, in each form a server may echo it: as given, URL-
 * or form-encoded, JSON-escaped, base64. Anything that still looks like a JWT is masked too.
 */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (!secret || secret.length < 3) continue;
		forms.add(secret);
		forms.add(encodeURIComponent(secret));
		forms.add(new URLSearchParams([['', secret]]).toString().slice(1));
		forms.add(JSON.stringify(secret).slice(1, -1));
		forms.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
		// a PEM key may come back with its line breaks escaped or dropped
		for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16 && !line.startsWith('-----')) forms.add(line.trim());
	}
	let out = text;
	for (const form of [...forms].filter((f) => f.length >= 3).sort((a, b) => b.length - a.length)) {
		out = out.split(form).join('***');
	}
	return out.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?/g, '***');
}

/** A text body, decoded when it is JSON. */
export function parseBody(body: unknown): unknown {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			return JSON.parse(value) as unknown;
		} catch {
			return value;
		}
	}
	return value;
}

/**
 * "HTTP <status>: <the service's own error text>", with secrets masked and HTML pages reduced to
 * their title. Only known error fields are read: a body that echoes the request is never shown.
 */
export function describeTokenFailure(status: number, body: unknown, secrets: Array<string | undefined>): string {
	const data = parseBody(body);
	let detail = '';
	if (typeof data === 'string') {
		const text = data.trim();
		if (/^<!doctype html|^<html|<title[\s>]/i.test(text)) {
			const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
			detail = title ? `an HTML page ("${title.slice(0, 100)}")` : 'an HTML page';
		} else detail = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').slice(0, 200);
	} else if (data && typeof data === 'object') {
		const d = data as IDataObject;
		const nested = (d.error && typeof d.error === 'object' ? d.error : {}) as IDataObject;
		const code = d.code ?? d.Code ?? d.error_code ?? nested.code;
		const message =
			d.msg ?? d.message ?? d.Message ?? d.error_msg ?? d.error_description ?? nested.message ?? (typeof d.error === 'string' ? d.error : undefined);
		detail = [code, message]
			.filter((v) => v !== undefined && v !== null && v !== '' && typeof v !== 'object')
			.map(String)
			.join(': ')
			.slice(0, 300);
	}
	return redactSecrets(`HTTP ${status}${detail ? `: ${detail}` : ''}`, secrets);
}
