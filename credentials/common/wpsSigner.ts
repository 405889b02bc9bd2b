import { createHash, createHmac, getHashes } from 'node:crypto';

/**
 * WPS 365 / Kingsoft Office request signatures (reference: wps365.md sections 1.2-1.4).
 *
 *   Signature = lowerhex(HMAC(AppKey, Ver + METHOD + URI + Content-Type + Date + BodyHash))
 *   header    = `<Ver> <AppId>:<Signature>`
 *
 * | scheme   | HMAC / body hash | date header     | signature header         |
 * |----------|------------------|-----------------|--------------------------|
 * | WPS-4    | SHA-256          | Wps-Docs-Date   | Wps-Docs-Authorization   |
 * | WPS-4-GM | SM3              | Wps-Docs-Date   | Wps-Docs-Authorization   |
 * | KSO-1    | SHA-256          | X-Kso-Date      | X-Kso-Authorization      |
 *
 * URI is the path plus `?query` exactly as sent, without scheme, host and gateway prefix
 * (`/graph`, `/openapi`). BodyHash is '' (not the hash of '') when the body is empty, and also ''
 * when the Content-Type is neither JSON nor form-urlencoded (the history signature page's rule
 * for multipart; applied to every scheme here). Pure functions only: the emulator verifies
 * received requests with the same code.
 */

export type WpsSignatureScheme = 'WPS-4' | 'WPS-4-GM' | 'KSO-1';

export const WPS_SIGNATURE_SCHEMES: readonly WpsSignatureScheme[] = ['WPS-4', 'WPS-4-GM', 'KSO-1'];

export interface WpsSchemeInfo {
	/** Version literal that starts the string to sign and the header value. */
	version: WpsSignatureScheme;
	/** Node crypto algorithm of the HMAC and of the body hash. */
	digest: 'sha256' | 'sm3';
	/** Header names as documented (HTTP header names are case-insensitive). */
	dateHeader: 'Wps-Docs-Date' | 'X-Kso-Date';
	authorizationHeader: 'Wps-Docs-Authorization' | 'X-Kso-Authorization';
}

const SCHEMES: Record<WpsSignatureScheme, WpsSchemeInfo> = {
	'WPS-4': {
		version: 'WPS-4',
		digest: 'sha256',
		dateHeader: 'Wps-Docs-Date',
		authorizationHeader: 'Wps-Docs-Authorization',
	},
	'WPS-4-GM': {
		version: 'WPS-4-GM',
		digest: 'sm3',
		dateHeader: 'Wps-Docs-Date',
		authorizationHeader: 'Wps-Docs-Authorization',
	},
	'KSO-1': {
		version: 'KSO-1',
		digest: 'sha256',
		dateHeader: 'X-Kso-Date',
		authorizationHeader: 'X-Kso-Authorization',
	},
};

export function isWpsSignatureScheme(value: unknown): value is WpsSignatureScheme {
	return typeof value === 'string' && (WPS_SIGNATURE_SCHEMES as readonly string[]).includes(value);
}

export function wpsSchemeInfo(scheme: WpsSignatureScheme): WpsSchemeInfo {
	const info = SCHEMES[scheme];
	if (!info) {
		throw new Error(
			`Unknown WPS signature scheme "${String(scheme)}" (expected ${WPS_SIGNATURE_SCHEMES.join(', ')})`,
		);
	}
	return info;
}

let sm3Available: boolean | undefined;

/** True when this Node.js build's OpenSSL provides SM3 (needed by WPS-4-GM only). */
export function isSm3Available(): boolean {
	sm3Available ??= getHashes().includes('sm3');
	return sm3Available;
}

function assertDigestAvailable(digest: WpsSchemeInfo['digest']): void {
	if (digest === 'sm3' && !isSm3Available()) {
		throw new Error(
			'The WPS-4-GM signature needs SM3, but the OpenSSL build of this Node.js runtime does not ' +
				"provide it (crypto.getHashes() has no 'sm3'). Use WPS-4 or KSO-1, or run n8n on a " +
				'Node.js build whose OpenSSL includes SM3.',
		);
	}
}

export type WpsBody = string | Uint8Array;

function update(hash: { update(data: string | Uint8Array, enc?: 'utf8'): unknown }, data: WpsBody) {
	if (typeof data === 'string') hash.update(data, 'utf8');
	else hash.update(data);
}

/** Lower-case hex digest of `data` (UTF-8 for strings). */
export function wpsDigestHex(digest: WpsSchemeInfo['digest'], data: WpsBody): string {
	assertDigestAvailable(digest);
	const hash = createHash(digest);
	update(hash, data);
	return hash.digest('hex');
}

/** Lower-case hex HMAC of `data` keyed with `key` (UTF-8). */
export function wpsHmacHex(digest: WpsSchemeInfo['digest'], key: string, data: string): string {
	assertDigestAvailable(digest);
	return createHmac(digest, key).update(data, 'utf8').digest('hex');
}

/** True when the body takes part in the signature for this Content-Type. */
export function wpsBodyIsSigned(contentType: string): boolean {
	const ct = contentType.toLowerCase();
	return ct.includes('application/json') || ct.includes('application/x-www-form-urlencoded');
}

/**
 * The BodyHash part: '' for an empty body or a Content-Type that is neither JSON nor
 * form-urlencoded; else lowerhex(SHA-256(body)) (lowerhex(SM3(body)) for WPS-4-GM).
 */
export function wpsBodyHash(scheme: WpsSignatureScheme, body: WpsBody, contentType: string): string {
	if (body.length === 0 || !wpsBodyIsSigned(contentType)) return '';
	return wpsDigestHex(wpsSchemeInfo(scheme).digest, body);
}

/** RFC 1123 date in GMT, e.g. `Mon, 02 Jan 2006 15:04:05 GMT`. */
export function formatWpsDate(date: Date): string {
	return date.toUTCString();
}

/** Normalizes a gateway prefix: '' or '/' mean none; otherwise a leading `/`, no trailing `/`. */
export function normalizeGatewayPrefix(prefix: string | undefined | null): string {
	let p = String(prefix ?? '').trim();
	while (p.endsWith('/')) p = p.slice(0, -1);
	if (p === '') return '';
	return p.startsWith('/') ? p : `/${p}`;
}

/**
 * The path to sign: `path` without the gateway prefix when it starts with it (on a segment
 * boundary), else `path` unchanged. `/graph/v7/files` with prefix `/graph` -> `/v7/files`.
 */
export function stripGatewayPrefix(path: string, prefix: string | undefined | null): string {
	const p = normalizeGatewayPrefix(prefix);
	if (p === '') return path;
	if (path === p) return '/';
	if (path.startsWith(`${p}/`)) return path.slice(p.length);
	return path;
}

/** URI to sign from a path (percent-encoded as sent) and a raw query string (no `?`). */
export function wpsSignedUri(path: string, rawQuery: string, gatewayPrefix?: string): string {
	const uri = stripGatewayPrefix(path, gatewayPrefix);
	return rawQuery ? `${uri}?${rawQuery}` : uri;
}

export interface WpsSigningInput {
	scheme: WpsSignatureScheme;
	/** HTTP method as sent; upper-cased for signing. */
	method: string;
	/** Path and `?query` as sent, already without the gateway prefix (see wpsSignedUri). */
	uri: string;
	/** The Content-Type header exactly as sent ('' when none). */
	contentType: string;
	/** The date header value exactly as sent (see formatWpsDate). */
	date: string;
	/** The body bytes exactly as sent ('' when none). */
	body: WpsBody;
	appId: string;
	appKey: string;
}

export interface WpsSignature {
	scheme: WpsSignatureScheme;
	bodyHash: string;
	stringToSign: string;
	/** Lower-case hex signature. */
	signature: string;
	/** Value of the signature header: `<Ver> <AppId>:<signature>`. */
	authorization: string;
	dateHeader: WpsSchemeInfo['dateHeader'];
	authorizationHeader: WpsSchemeInfo['authorizationHeader'];
	/** The two headers to send, with their documented names. */
	headers: Record<string, string>;
}

type StringToSignInput = Omit<WpsSigningInput, 'appId' | 'appKey'>;

function buildStringToSign(input: StringToSignInput, bodyHash: string): string {
	const { version } = wpsSchemeInfo(input.scheme);
	return version + input.method.toUpperCase() + input.uri + input.contentType + input.date + bodyHash;
}

export function wpsStringToSign(input: StringToSignInput): string {
	return buildStringToSign(input, wpsBodyHash(input.scheme, input.body, input.contentType));
}

export function signWpsRequest(input: WpsSigningInput): WpsSignature {
	const info = wpsSchemeInfo(input.scheme);
	assertDigestAvailable(info.digest);
	const bodyHash = wpsBodyHash(input.scheme, input.body, input.contentType);
	const stringToSign = buildStringToSign(input, bodyHash);
	const signature = wpsHmacHex(info.digest, input.appKey, stringToSign);
	const authorization = `${info.version} ${input.appId}:${signature}`;
	return {
		scheme: input.scheme,
		bodyHash,
		stringToSign,
		signature,
		authorization,
		dateHeader: info.dateHeader,
		authorizationHeader: info.authorizationHeader,
		headers: { [info.dateHeader]: input.date, [info.authorizationHeader]: authorization },
	};
}

/** Splits a signature header value `<Ver> <AppId>:<sig>`; undefined when malformed. */
export function parseWpsAuthorization(
	value: string,
): { scheme: WpsSignatureScheme; appId: string; signature: string } | undefined {
	const match = /^(WPS-4-GM|WPS-4|KSO-1) ([^:\s]+):([0-9a-fA-F]+)$/.exec(value.trim());
	if (!match) return undefined;
	return { scheme: match[1] as WpsSignatureScheme, appId: match[2], signature: match[3] };
}
