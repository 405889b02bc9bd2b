import { createHash, createHmac } from 'node:crypto';

import { canonicalQuery, encodeRfc3986 } from './wireRequest';

/** Huawei Cloud APIG signature `SDK-HMAC-SHA256` (reference: huawei-cloud.md section 5). */
export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

export interface HuaweiSigningInput {
	method: string;
	/** Path as sent (percent-encoded segments are decoded and re-encoded canonically). */
	path: string;
	query: Array<[string, string]>;
	/** Headers to sign, any case; must include `x-sdk-date` (and `host` when it should be signed). */
	headers: Record<string, string>;
	body: string;
	accessKeyId: string;
	secretAccessKey: string;
}

export interface HuaweiSignature {
	authorization: string;
	signedHeaders: string;
	canonicalRequest: string;
	stringToSign: string;
	signature: string;
}

export function sha256Hex(data: string): string {
	return createHash('sha256').update(data, 'utf8').digest('hex');
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the `X-Sdk-Date` format. */
export function formatSdkDate(date: Date): string {
	return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Each segment decoded once, RFC 3986 encoded, and a trailing `/` added (signing only). */
export function canonicalUri(path: string): string {
	const encoded = path
		.split('/')
		.map((segment) => encodeRfc3986(safeDecode(segment)))
		.join('/');
	return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/**
 * Header names lower-cased and sorted; values trimmed. Headers whose name contains `_` are
 * left out, as the SDKs do, because gateways may drop them.
 */
export function canonicalHeaders(headers: Record<string, string>): {
	canonical: string;
	signedHeaders: string;
} {
	const entries = Object.entries(headers)
		.map(([name, value]) => [name.toLowerCase(), String(value).trim()] as [string, string])
		.filter(([name]) => !name.includes('_'))
		.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	return {
		canonical: entries.map(([name, value]) => `${name}:${value}\n`).join(''),
		signedHeaders: entries.map(([name]) => name).join(';'),
	};
}

export function signHuaweiRequest(input: HuaweiSigningInput): HuaweiSignature {
	const { canonical, signedHeaders } = canonicalHeaders(input.headers);
	// Trimmed like its canonical header line, so the date in both places is the same.
	const sdkDate = Object.entries(input.headers)
		.find(([k]) => k.toLowerCase() === 'x-sdk-date')?.[1]
		?.trim();
	if (!sdkDate) throw new Error('X-Sdk-Date header is required for SDK-HMAC-SHA256');
	const canonicalRequest = [
		input.method.toUpperCase(),
		canonicalUri(input.path),
		canonicalQuery(input.query),
		canonical,
		signedHeaders,
		sha256Hex(input.body),
	].join('\n');
	const stringToSign = [HUAWEI_SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join('\n');
	const signature = createHmac('sha256', input.secretAccessKey)
		.update(stringToSign, 'utf8')
		.digest('hex');
	return {
		authorization: `${HUAWEI_SIGNING_ALGORITHM} Access=${input.accessKeyId}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
		signedHeaders,
		canonicalRequest,
		stringToSign,
		signature,
	};
}
