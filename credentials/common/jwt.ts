import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, randomUUID, sign, verify } from 'node:crypto';

/**
 * RS256 JSON Web Tokens with node:crypto only, and the claims of the Alibaba Cloud PDS
 * `urn:ietf:params:oauth:grant-type:jwt-bearer` assertion (alibaba-pds.md section 1.4).
 */

export interface JwtHeader {
	alg: 'RS256';
	typ: 'JWT';
	kid?: string;
}

export type JwtPayload = Record<string, unknown>;

export function base64UrlEncode(data: Buffer | string): string {
	return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
		.toString('base64')
		.replace(/=+$/, '')
		.replace(/\+/g, '-')
		.replace(/\//g, '_');
}

export function base64UrlDecode(text: string): Buffer {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('Not base64url');
	return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/**
 * Tidies a pasted PEM: literal `\n` sequences (keys copied from JSON or env files), CRLF, and
 * keys whose line breaks were lost (header, body and footer on one line) are accepted.
 */
export function normalizePem(pem: string): string {
	let text = String(pem ?? '')
		.replace(/\\r\\n|\\n|\\r/g, '\n')
		.replace(/\r\n?/g, '\n')
		.trim();
	const match = /^(-----BEGIN [A-Z0-9 ]+-----)\s*([\s\S]*?)\s*(-----END [A-Z0-9 ]+-----)$/.exec(text);
	if (match) {
		const [, begin, body, end] = match;
		// Keep encrypted-key headers ("Proc-Type: ...") as they are; re-wrap plain base64 bodies.
		if (!body.includes(':')) {
			const base64 = body.replace(/\s+/g, '');
			text = `${begin}\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n${end}`;
		}
	}
	return `${text}\n`;
}

const INVALID_KEY_MESSAGE =
	'The private key is not a valid PEM RSA private key. Paste the whole key, including the ' +
	'"-----BEGIN PRIVATE KEY-----" (or "-----BEGIN RSA PRIVATE KEY-----") and "-----END ...-----" lines.';

/**
 * Parses a PEM RSA private key (PKCS#8 or PKCS#1). Errors never contain any part of the key.
 */
export function loadRsaPrivateKey(pem: string): KeyObject {
	if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) throw new Error(INVALID_KEY_MESSAGE);
	if (/ENCRYPTED/.test(pem)) {
		throw new Error('The private key is encrypted. Export it without a passphrase (PKCS#8 or PKCS#1 PEM).');
	}
	let key: KeyObject | undefined;
	try {
		key = createPrivateKey({ key: normalizePem(pem), format: 'pem' });
	} catch {
		key = undefined; // node's message is replaced: it may quote parts of the input
	}
	if (!key) throw new Error(INVALID_KEY_MESSAGE);
	if (key.asymmetricKeyType !== 'rsa') {
		throw new Error(
			`The private key is a ${key.asymmetricKeyType ?? 'non-RSA'} key; RS256 needs an RSA private key.`,
		);
	}
	// A key whose parts were damaged in copying still parses; a probe signature exposes it.
	let consistent = false;
	try {
		const probe = Buffer.from('pds-key-check', 'utf8');
		consistent = verify('RSA-SHA256', probe, createPublicKey(key), sign('RSA-SHA256', probe, key));
	} catch {
		consistent = false;
	}
	if (!consistent) throw new Error(INVALID_KEY_MESSAGE);
	return key;
}

/** `base64url(header).base64url(payload).base64url(RSA-SHA256 signature)`. */
export function createRs256Jwt(
	payload: JwtPayload,
	privateKey: string | KeyObject,
	extraHeader: { kid?: string } = {},
): string {
	const key = typeof privateKey === 'string' ? loadRsaPrivateKey(privateKey) : privateKey;
	const header: JwtHeader = { alg: 'RS256', typ: 'JWT', ...extraHeader };
	const signingInput = `${base64UrlEncode(JSON.stringify(header))}.${base64UrlEncode(JSON.stringify(payload))}`;
	const signature = sign('RSA-SHA256', Buffer.from(signingInput, 'utf8'), key);
	return `${signingInput}.${base64UrlEncode(signature)}`;
}

export interface DecodedJwt {
	header: Record<string, unknown>;
	payload: JwtPayload;
	/** `header.payload`, the bytes the signature covers. */
	signingInput: string;
	signature: Buffer;
}

/** Splits and decodes a compact JWT without verifying it; throws on malformed input. */
export function decodeJwt(token: string): DecodedJwt {
	const parts = String(token ?? '').split('.');
	if (parts.length !== 3) throw new Error('A JWT has three dot-separated parts');
	const header = JSON.parse(base64UrlDecode(parts[0]).toString('utf8')) as unknown;
	const payload = JSON.parse(base64UrlDecode(parts[1]).toString('utf8')) as unknown;
	if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error('JWT header is not an object');
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
		throw new Error('JWT payload is not an object');
	}
	return {
		header: header as Record<string, unknown>,
		payload: payload as JwtPayload,
		signingInput: `${parts[0]}.${parts[1]}`,
		signature: base64UrlDecode(parts[2]),
	};
}

export type PdsSubjectType = 'user' | 'service';

export interface PdsAssertionOptions {
	/** App ID of the JWT app (`client_id`), the `iss` claim. */
	clientId: string;
	/** PDS domain ID, the `aud` claim (and `sub` for service tokens). */
	domainId: string;
	subjectType: PdsSubjectType;
	/** Required when subjectType is `user`: the `sub` claim. */
	userId?: string;
	/** `auto_create`: create the user when it does not exist (user tokens only). */
	autoCreate?: boolean;
	/** Issue time (default: now). */
	now?: Date;
	/** exp - iat in seconds (default 60, as in the official example). */
	lifetimeSeconds?: number;
	/** 16..128 characters, unique per assertion (default: a random UUID). */
	jti?: string;
}

export interface PdsAssertionClaims {
	iss: string;
	sub: string;
	sub_type: PdsSubjectType;
	aud: string;
	jti: string;
	iat: number;
	exp: number;
	auto_create?: boolean;
}

export const PDS_ASSERTION_DEFAULT_LIFETIME = 60;

/** The claims of a PDS jwt-bearer assertion; throws a clear error for missing inputs. */
export function buildPdsAssertionClaims(options: PdsAssertionOptions): PdsAssertionClaims {
	const clientId = String(options.clientId ?? '').trim();
	const domainId = String(options.domainId ?? '').trim();
	const subjectType = options.subjectType;
	if (!clientId) throw new Error('The App ID (client ID) of the PDS JWT app is required');
	if (!domainId) throw new Error('The PDS domain ID is required');
	if (subjectType !== 'user' && subjectType !== 'service') {
		throw new Error(`Subject type must be "user" or "service", got "${String(subjectType)}"`);
	}
	const userId = String(options.userId ?? '').trim();
	if (subjectType === 'user' && !userId) throw new Error('A user ID is required when the subject type is "user"');
	const lifetime = options.lifetimeSeconds ?? PDS_ASSERTION_DEFAULT_LIFETIME;
	if (!Number.isInteger(lifetime) || lifetime <= 0) {
		throw new Error('The assertion lifetime must be a positive whole number of seconds');
	}
	const jti = options.jti ?? randomUUID();
	if (jti.length < 16 || jti.length > 128) throw new Error('jti must be 16 to 128 characters long');
	const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
	const claims: PdsAssertionClaims = {
		iss: clientId,
		sub: subjectType === 'user' ? userId : domainId,
		sub_type: subjectType,
		aud: domainId,
		jti,
		iat,
		exp: iat + lifetime,
	};
	if (subjectType === 'user' && options.autoCreate) claims.auto_create = true;
	return claims;
}

/** A signed PDS jwt-bearer assertion. */
export function createPdsAssertion(
	options: PdsAssertionOptions & { privateKey: string | KeyObject },
): string {
	const claims = buildPdsAssertionClaims(options);
	return createRs256Jwt({ ...claims }, options.privateKey);
}
