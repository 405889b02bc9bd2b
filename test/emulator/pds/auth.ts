/**
 * PDS authentication in the emulator: the jwt-bearer (and refresh_token) grant of
 * `POST /v2/oauth/token`, and the check every other route runs: a Bearer access token, or an
 * AccessKey `acs` signature recomputed from the request as received with the same functions the
 * credential signs with (credentials/common/pdsSigner.ts).
 */
import { createHash, timingSafeEqual, verify } from 'node:crypto';

import { decodeJwt } from '../../../credentials/common/jwt';
import { parsePdsAuthorization, pdsSignature, pdsStringToSign } from '../../../credentials/common/pdsSigner';
import type { EmulatorContext, EmulatorRequest } from '../types';
import { PDS_DATE_SKEW_MS, PDS_TOKEN_LIFETIME_SECONDS, pdsAccessKey, pdsStsAccessKey } from './fixtures';
import { PdsError, invalid, missing, type PdsIdentity, type PdsStore } from './store';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Allowed clock difference for `iat` / `nbf` of an assertion. */
export const ASSERTION_LEEWAY_SECONDS = 60;

interface AccessKeyRecord {
	accessKeySecret: string;
	securityToken?: string;
}

const ACCESS_KEYS: Record<string, AccessKeyRecord> = {
	[pdsAccessKey.accessKeyId]: { accessKeySecret: pdsAccessKey.accessKeySecret },
	[pdsStsAccessKey.accessKeyId]: {
		accessKeySecret: pdsStsAccessKey.accessKeySecret,
		securityToken: pdsStsAccessKey.securityToken,
	},
};

/** Request headers as a flat lower-case map (repeated headers joined with ', '). */
export function headerMap(headers: EmulatorRequest['headers']): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

function decode(part: string): string {
	try {
		return decodeURIComponent(part.replace(/\+/g, ' '));
	} catch {
		return part;
	}
}

/** Query pairs of the raw query string, decoded (the canonical resource signs raw values). */
export function rawQueryPairs(rawQuery: string): Array<[string, string]> {
	if (!rawQuery) return [];
	return rawQuery
		.split('&')
		.filter((part) => part !== '')
		.map((part) => {
			const eq = part.indexOf('=');
			return eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))];
		});
}

function isoSeconds(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function tokenBody(store: PdsStore, issued: ReturnType<PdsStore['issueToken']>): Record<string, unknown> {
	const user = issued.identity.userId ? store.users.get(issued.identity.userId) : undefined;
	return {
		access_token: issued.accessToken,
		token_type: 'Bearer',
		expires_in: Math.round((issued.expiresAt - issued.issuedAt) / 1000),
		expire_time: isoSeconds(issued.expiresAt),
		refresh_token: issued.refreshToken,
		user_id: issued.identity.userId ?? '',
		user_name: user?.user_name ?? '',
		nick_name: user?.nick_name ?? '',
		domain_id: store.domainId,
		default_drive_id: user?.default_drive_id ?? '',
		role: issued.identity.role,
	};
}

function claimString(payload: Record<string, unknown>, name: string): string {
	const v = payload[name];
	if (v === undefined || v === null || v === '') throw missing(`assertion.${name}`);
	if (typeof v !== 'string') throw invalid(`assertion.${name}`, 'must be a string');
	return v;
}

function claimTime(payload: Record<string, unknown>, name: string, required: boolean): number | undefined {
	const v = payload[name];
	if (v === undefined || v === null) {
		if (required) throw missing(`assertion.${name}`);
		return undefined;
	}
	if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`assertion.${name}`, 'must be an integer (seconds)');
	return v;
}

/** `POST /v2/oauth/token`: returns the token response body or throws a PdsError. */
export function exchangeToken(req: EmulatorRequest, ctx: EmulatorContext, store: PdsStore): Record<string, unknown> {
	const contentType = (headerMap(req.headers)['content-type'] ?? '').toLowerCase();
	if (!contentType.includes('application/x-www-form-urlencoded')) {
		throw new PdsError(
			400,
			'InvalidParameter',
			'The token request must be sent as application/x-www-form-urlencoded.',
		);
	}
	const form = new URLSearchParams(req.bodyText);
	const grantType = form.get('grant_type') ?? '';
	const clientId = form.get('client_id') ?? '';
	const now = ctx.now().getTime();
	if (!grantType) throw missing('grant_type');
	if (!clientId) throw missing('client_id');

	if (grantType === 'refresh_token') {
		const refresh = form.get('refresh_token') ?? '';
		if (!refresh) throw missing('refresh_token');
		const accessToken = store.refreshTokens.get(refresh);
		const previous = accessToken ? store.tokens.get(accessToken) : undefined;
		if (!previous || previous.clientId !== clientId) {
			throw new PdsError(401, 'InvalidRefreshToken', 'The refresh token is invalid.');
		}
		store.refreshTokens.delete(refresh);
		const issued = store.issueToken(clientId, previous.identity, now, PDS_TOKEN_LIFETIME_SECONDS, ctx.tokenGeneration);
		return tokenBody(store, issued);
	}
	if (grantType !== JWT_GRANT) {
		throw new PdsError(400, 'InvalidParameterNotSupported', `The grant_type ${grantType} is not supported.`);
	}

	const publicKey = store.jwtAppKey(clientId);
	if (!publicKey) throw new PdsError(400, 'InvalidParameter', `The input parameter client_id is not valid (no JWT app ${clientId}).`);
	const assertion = form.get('assertion') ?? '';
	if (!assertion) throw missing('assertion');
	let decoded: ReturnType<typeof decodeJwt>;
	try {
		decoded = decodeJwt(assertion);
	} catch (error) {
		throw invalid('assertion', `is not a valid JWT (${(error as Error).message})`);
	}
	if (decoded.header.alg !== 'RS256') throw invalid('assertion', 'must be signed with alg RS256');
	if (decoded.header.typ !== 'JWT') throw invalid('assertion', 'must have typ JWT');
	const signatureOk = verify('RSA-SHA256', Buffer.from(decoded.signingInput, 'utf8'), publicKey, decoded.signature);
	if (!signatureOk) {
		throw new PdsError(401, 'InvalidJWTSignature', 'The signature of the assertion does not verify with the public key of the app.');
	}
	const claims = decoded.payload;
	const nowSec = Math.floor(now / 1000);
	if (claimString(claims, 'iss') !== clientId) {
		throw new PdsError(400, 'InvalidParameterNotMatch', 'The assertion iss does not match client_id.');
	}
	if (claimString(claims, 'aud') !== store.domainId) {
		throw new PdsError(400, 'InvalidParameterNotMatch', `The assertion aud must be the domain id ${store.domainId}.`);
	}
	const subType = claimString(claims, 'sub_type');
	const sub = claimString(claims, 'sub');
	const exp = claimTime(claims, 'exp', true)!;
	const iat = claimTime(claims, 'iat', false);
	const nbf = claimTime(claims, 'nbf', false);
	if (exp <= nowSec) throw new PdsError(400, 'InvalidParameterExpired', 'The assertion has expired (exp).');
	if (iat !== undefined && iat > nowSec + ASSERTION_LEEWAY_SECONDS) throw invalid('assertion.iat', 'is in the future');
	if (nbf !== undefined && nbf > nowSec + ASSERTION_LEEWAY_SECONDS) throw invalid('assertion.nbf', 'is in the future');
	const jti = claimString(claims, 'jti');
	if (jti.length < 16 || jti.length > 128) throw invalid('assertion.jti', 'must be 16 to 128 characters long');
	if (store.usedJtis.has(jti)) throw invalid('assertion.jti', 'has already been used');

	let identity: PdsIdentity;
	if (subType === 'service') {
		if (sub !== store.domainId) {
			throw new PdsError(400, 'InvalidParameterNotMatch', 'For sub_type service the assertion sub must be the domain id.');
		}
		identity = { kind: 'service', role: 'superadmin' };
	} else if (subType === 'user') {
		let user = store.users.get(sub);
		if (!user) {
			if (claims.auto_create !== true) {
				throw new PdsError(404, 'NotFound.User', `The resource user cannot be found. user_id: ${sub}`);
			}
			user = store.autoCreateUser(sub, now);
		}
		if (user.status !== 'enabled') throw new PdsError(403, 'Forbidden.UserDisabled', `The user ${sub} is disabled.`);
		identity = { kind: 'user', userId: user.user_id, role: user.role };
	} else {
		throw invalid('assertion.sub_type', 'must be user or service');
	}
	store.usedJtis.set(jti, exp * 1000);
	const issued = store.issueToken(clientId, identity, now, PDS_TOKEN_LIFETIME_SECONDS, ctx.tokenGeneration);
	return tokenBody(store, issued);
}

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a, 'utf8');
	const y = Buffer.from(b, 'utf8');
	return x.length === y.length && timingSafeEqual(x, y);
}

/** Identity of an authenticated request, or a PdsError (401 token / 403 signature problems). */
export function authenticateRequest(req: EmulatorRequest, ctx: EmulatorContext, store: PdsStore): PdsIdentity {
	const headers = headerMap(req.headers);
	const authorization = (headers['authorization'] ?? '').trim();
	const now = ctx.now().getTime();

	const bearer = /^bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? (authorization ? undefined : headers['x-acs-bearer-token']);
	if (bearer) {
		if (headers['x-acs-bearer-token'] && headers['x-acs-bearer-token'] !== bearer) {
			throw new PdsError(401, 'AccessTokenInvalid', 'Authorization and x-acs-bearer-token carry different tokens.');
		}
		const token = store.tokens.get(bearer);
		if (!token) throw new PdsError(401, 'AccessTokenInvalid', 'AccessToken is invalid.');
		if (token.generation < ctx.tokenGeneration || now >= token.expiresAt) {
			throw new PdsError(401, 'AccessTokenExpired', 'AccessToken is expired.');
		}
		return token.identity;
	}

	if (!authorization) throw new PdsError(401, 'AccessTokenInvalid', 'The Authorization header is missing.');
	const acs = parsePdsAuthorization(authorization);
	if (!acs) throw new PdsError(401, 'AccessTokenInvalid', 'The Authorization header is neither Bearer nor acs.');
	const key = ACCESS_KEYS[acs.accessKeyId];
	if (!key) throw new PdsError(403, 'InvalidAccessKeyId.NotFound', `Specified access key is not found: ${acs.accessKeyId}`);
	if (key.securityToken !== undefined) {
		const sent = headers['x-acs-security-token'];
		if (!sent) throw new PdsError(403, 'InvalidSecurityToken.Missing', 'The x-acs-security-token header is required for STS keys.');
		if (!safeEqual(sent, key.securityToken)) {
			throw new PdsError(403, 'InvalidSecurityToken.Mismatch', 'The security token does not belong to this AccessKey.');
		}
	}
	const date = headers['date'];
	if (!date) throw new PdsError(403, 'MissingDate', 'The Date header is required for AccessKey requests.');
	const sentAt = Date.parse(date);
	if (Number.isNaN(sentAt)) throw new PdsError(403, 'InvalidDate', `The Date header is not an RFC 1123 date: ${date}`);
	if (Math.abs(sentAt - now) > PDS_DATE_SKEW_MS) {
		throw new PdsError(
			403,
			'RequestTimeTooSkewed',
			`The difference between the Date header (${date}) and the server time (${ctx.now().toUTCString()}) is more than 15 minutes.`,
		);
	}
	const md5 = headers['content-md5'];
	if (md5 && md5 !== createHash('md5').update(req.body).digest('base64')) {
		throw new PdsError(400, 'InvalidParameter', 'The Content-MD5 header does not match the body.');
	}
	const stringToSign = pdsStringToSign({
		method: req.method,
		pathname: req.rawPath,
		query: rawQueryPairs(req.rawQuery),
		headers,
	});
	const expected = pdsSignature(stringToSign, key.accessKeySecret);
	if (!safeEqual(expected, acs.signature)) {
		store.counters.signatureFailures++;
		throw new PdsError(
			403,
			'InvalidSignature',
			`The request signature does not match. Server string to sign: ${JSON.stringify(stringToSign)}`,
		);
	}
	const nonce = headers['x-acs-signature-nonce'];
	if (nonce) {
		if (store.usedNonces.has(nonce)) {
			throw new PdsError(403, 'SignatureNonceUsed', `The x-acs-signature-nonce ${nonce} has already been used.`);
		}
		store.usedNonces.set(nonce, now);
	}
	return { kind: 'accessKey', role: 'superadmin' };
}
