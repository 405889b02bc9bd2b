import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

/**
 * The exact bytes a signed request puts on the wire. Signers work on this, never on n8n's
 * request options, because n8n would otherwise serialize the query and the body itself
 * after signing and the server would see different bytes than the ones that were signed.
 */
export interface WireRequest {
	method: string;
	/** Scheme, host and optional port, e.g. `https://iam.myhuaweicloud.com`. */
	origin: string;
	/** `host` header value: host plus port when the port is not the scheme's default. */
	host: string;
	/** Path as sent, percent-encoded, starting with `/`. */
	path: string;
	/** Query pairs in the order they are sent (already canonical). */
	query: Array<[string, string]>;
	/** Query string as sent (without `?`), built from `query`. */
	queryString: string;
	/** Body as sent; '' when there is none. */
	body: string;
	headers: Record<string, string>;
}

/** RFC 3986 encoding: only `A-Z a-z 0-9 - _ . ~` stay literal; `+`, `*`, space are escaped. */
export function encodeRfc3986(value: string): string {
	return encodeURIComponent(value).replace(
		/[!'()*]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
	);
}

/** Flattens n8n `qs` (scalars and arrays, arrays as repeated keys) into ordered pairs. */
export function queryPairs(qs: IDataObject | undefined): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	if (!qs) return pairs;
	for (const [key, raw] of Object.entries(qs)) {
		if (raw === undefined || raw === null) continue;
		const values = Array.isArray(raw) ? raw : [raw];
		for (const value of values) {
			if (value === undefined || value === null) continue;
			pairs.push([key, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
		}
	}
	return pairs;
}

/** Sorts query pairs by name, then value (raw strings, code-unit order, as Huawei's SDKs do). */
export function sortQueryPairs(pairs: Array<[string, string]>): Array<[string, string]> {
	return [...pairs].sort((a, b) => (a[0] === b[0] ? compare(a[1], b[1]) : compare(a[0], b[0])));
}

/**
 * Canonical query: pairs sorted by name then value, names and values RFC 3986 encoded,
 * repeated keys kept as separate pairs. Huawei's SDK-HMAC-SHA256 signs exactly this, and
 * sending exactly this means the wire and the signature cannot diverge.
 */
export function canonicalQuery(pairs: Array<[string, string]>): string {
	return sortQueryPairs(pairs)
		.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
		.join('&');
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function lowerCaseHeaders(headers: IHttpRequestOptions['headers']): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = String(value);
	}
	return out;
}

/**
 * Resolves n8n request options into the wire request: base URL + url + qs become one URL with a
 * canonical query string, and an object body is serialized once to JSON (a string body is kept
 * as it is). Header names are lower-cased so signers and callers agree on one spelling.
 */
export function toWireRequest(options: IHttpRequestOptions): WireRequest {
	const base = options.baseURL ? options.baseURL.replace(/\/+$/, '') : '';
	// n8n's legacy request helper (used by the HTTP Request node with a predefined credential)
	// passes `uri` instead of `url`
	const target = options.url ?? String((options as { uri?: unknown }).uri ?? '');
	const rawUrl = /^https?:\/\//i.test(target) ? target : base + target;
	const url = new URL(rawUrl);
	const pairs: Array<[string, string]> = [];
	for (const [k, v] of url.searchParams) pairs.push([k, v]);
	pairs.push(...queryPairs(options.qs));
	const headers = lowerCaseHeaders(options.headers);
	let body = '';
	if (options.body !== undefined && options.body !== null && options.body !== '') {
		if (typeof options.body === 'string') body = options.body;
		else if (Buffer.isBuffer(options.body)) body = options.body.toString('utf8');
		else if (headers['content-type']?.includes('application/x-www-form-urlencoded')) {
			body = new URLSearchParams(queryPairs(options.body as IDataObject)).toString();
		} else {
			body = JSON.stringify(options.body);
			headers['content-type'] ??= 'application/json';
		}
	}
	const sortedPairs = sortQueryPairs(pairs);
	return {
		method: (options.method ?? 'GET').toUpperCase(),
		origin: url.origin,
		host: url.host,
		path: url.pathname || '/',
		query: sortedPairs,
		queryString: canonicalQuery(sortedPairs),
		body,
		headers,
	};
}

export function wireUrl(wire: WireRequest): string {
	return wire.origin + wire.path + (wire.queryString ? `?${wire.queryString}` : '');
}

/**
 * Turns the wire request back into n8n request options that send exactly those bytes: the URL
 * carries the query (so n8n adds none), the body is the signed string.
 */
export function toRequestOptions(
	original: IHttpRequestOptions,
	wire: WireRequest,
): IHttpRequestOptions {
	const result: IHttpRequestOptions = {
		...original,
		method: wire.method as IHttpRequestOptions['method'],
		url: wireUrl(wire),
		headers: wire.headers,
	};
	delete result.baseURL;
	delete result.qs;
	delete (result as { uri?: unknown }).uri;
	if (wire.body !== '') result.body = wire.body;
	else delete result.body;
	return result;
}

/**
 * A short, secret-free description of a failed HTTP call made with n8n's helpers: the status and
 * the service's own error text. The request (with its headers) is never included.
 */
export function describeHttpFailure(error: unknown): string {
	const e = error as {
		message?: string;
		response?: { status?: number; data?: unknown };
		cause?: { response?: { status?: number; data?: unknown } };
		httpCode?: string;
	};
	const response = e?.response ?? e?.cause?.response;
	const status = response?.status ?? e?.httpCode;
	const data = response?.data as Record<string, unknown> | string | undefined;
	let detail = '';
	if (typeof data === 'string') detail = data.slice(0, 300);
	else if (data && typeof data === 'object') {
		const nested = (data.error ?? {}) as Record<string, unknown>;
		// known error fields only: a body that echoes the request (with its secrets) is not shown
		const known = data.error_msg ?? data.message ?? data.Message ?? data.msg ?? nested.message;
		detail = known !== undefined && typeof known !== 'object' ? String(known).slice(0, 300) : '';
	}
	if (status) return `HTTP ${status}${detail ? `: ${detail}` : ''}`;
	return e?.message ?? String(error);
}
