/**
 * What Huawei's API gateway does before a request reaches a service: accept an IAM token
 * (`X-Auth-Token`) or an `SDK-HMAC-SHA256` AK/SK signature, otherwise answer 401 APIGW.0301.
 *
 * The signature is recomputed from the request as it arrived: method, raw path, query pairs
 * decoded from the raw query like a real server (a raw `+` is a space), the headers named in
 * SignedHeaders with their received values, and the received body. The canonical form itself
 * comes from the project's signer (credentials/common/huaweiSigner.ts).
 */
import { timingSafeEqual } from 'node:crypto';

import { signHuaweiRequest } from '../../../credentials/common/huaweiSigner';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse } from '../types';
import { huaweiAccount, huaweiPermanentKey, huaweiTemporaryKey } from './fixtures';
import { apigwError, formatIsoMicros, header, parseQuery, serviceError } from './http';
import { huaweiStore } from './state';

export interface Principal {
	kind: 'token' | 'aksk';
	domainId: string;
	userId: string;
	/** Token: its project scope. AK/SK: the `X-Project-Id` header, if sent. */
	projectId?: string;
	accessKeyId?: string;
	temporary?: boolean;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; response: EmulatorResponse };

/** Gateway tolerance between `X-Sdk-Date` and the gateway clock. */
export const SDK_DATE_WINDOW_MS = 15 * 60_000;

const AUTHORIZATION_RE =
	/^SDK-HMAC-SHA256\s+Access=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Headers whose values are credentials and never echoed back in an error message. */
const SECRET_HEADERS = new Set(['x-security-token', 'x-auth-token', 'authorization']);

const SIGNATURE_FAIL = 'verify aksk signature fail';

interface AccessKey {
	accessKeyId: string;
	secretAccessKey: string;
	securityToken?: string;
}

const ACCESS_KEYS: AccessKey[] = [huaweiPermanentKey, huaweiTemporaryKey];

export function authenticate(req: EmulatorRequest, ctx: EmulatorContext): AuthResult {
	const token = header(req, 'x-auth-token');
	if (token !== undefined) return authenticateToken(req, ctx, token);
	const authorization = header(req, 'authorization');
	if (authorization !== undefined) return authenticateAkSk(req, ctx, authorization);
	return { ok: false, response: apigwError(req, 'x-auth-token not found') };
}

function authenticateToken(req: EmulatorRequest, ctx: EmulatorContext, token: string): AuthResult {
	const issued = huaweiStore.tokens.get(token.trim());
	if (!issued) return { ok: false, response: apigwError(req, 'decrypt token fail') };
	if (issued.generation !== ctx.tokenGeneration || ctx.now().getTime() >= issued.expiresAt) {
		return {
			ok: false,
			response: apigwError(req, `token expires, expires_at: ${formatIsoMicros(new Date(issued.expiresAt))}`),
		};
	}
	return {
		ok: true,
		principal: { kind: 'token', domainId: issued.domainId, userId: issued.userId, projectId: issued.projectId },
	};
}

function parseSdkDate(value: string): number | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
	if (!m) return undefined;
	const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
	return Number.isNaN(ms) ? undefined : ms;
}

function redactCanonical(canonicalRequest: string): string {
	return canonicalRequest
		.split('\n')
		.map((line) => {
			const colon = line.indexOf(':');
			return colon > 0 && SECRET_HEADERS.has(line.slice(0, colon)) ? `${line.slice(0, colon)}:***` : line;
		})
		.join('|');
}

function authenticateAkSk(req: EmulatorRequest, ctx: EmulatorContext, authorization: string): AuthResult {
	const fail = (detail: string): AuthResult => ({
		ok: false,
		response: apigwError(req, `${SIGNATURE_FAIL}, ${detail}`),
	});
	const match = AUTHORIZATION_RE.exec(authorization.trim());
	if (!match) {
		return fail('the Authorization header is not "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..."');
	}
	const [, accessKeyId, signedHeaderList, signature] = match;
	const key = ACCESS_KEYS.find((k) => k.accessKeyId === accessKeyId);
	if (!key) return fail(`access key ${accessKeyId} does not exist`);

	const sdkDate = header(req, 'x-sdk-date');
	if (sdkDate === undefined) return fail('x-sdk-date header not found');
	const signedAt = parseSdkDate(sdkDate.trim());
	if (signedAt === undefined) return fail(`x-sdk-date ${sdkDate} is not in the form YYYYMMDDTHHMMSSZ`);
	const now = ctx.now().getTime();
	if (Math.abs(now - signedAt) > SDK_DATE_WINDOW_MS) {
		return fail(
			`x-sdk-date ${sdkDate} differs from the gateway time ${new Date(now).toISOString()} by more than 15 minutes`,
		);
	}

	if (key.securityToken !== undefined) {
		const sent = header(req, 'x-security-token');
		if (sent === undefined) return fail('a temporary access key needs the x-security-token header');
		if (sent.trim() !== key.securityToken) return fail('x-security-token does not belong to the access key');
	}

	const names = signedHeaderList.toLowerCase().split(';').filter(Boolean);
	if (!names.includes('x-sdk-date')) return fail('x-sdk-date must be one of the SignedHeaders');
	const signedHeaders: Record<string, string> = {};
	for (const name of names) signedHeaders[name] = header(req, name) ?? '';

	const expected = signHuaweiRequest({
		method: req.method,
		path: req.rawPath,
		query: parseQuery(req.rawQuery),
		headers: signedHeaders,
		body: req.bodyText,
		accessKeyId: key.accessKeyId,
		secretAccessKey: key.secretAccessKey,
	});
	const sentSig = Buffer.from(signature.toLowerCase(), 'utf8');
	const expectedSig = Buffer.from(expected.signature, 'utf8');
	if (sentSig.length !== expectedSig.length || !timingSafeEqual(sentSig, expectedSig)) {
		return fail(`canonicalRequest:${redactCanonical(expected.canonicalRequest)}`);
	}
	return {
		ok: true,
		principal: {
			kind: 'aksk',
			domainId: huaweiAccount.domainId,
			userId: huaweiAccount.userId,
			projectId: header(req, 'x-project-id')?.trim(),
			accessKeyId,
			temporary: key.securityToken !== undefined,
		},
	};
}

/**
 * Project-level services (MetaStudio, TaurusDB): the project in the URL must be the token's
 * project; with AK/SK it must be a project of the account and equal `X-Project-Id` when sent.
 */
export function checkProject(
	req: EmulatorRequest,
	principal: Principal,
	pathProjectId: string,
	service: 'metastudio' | 'taurusdb',
): EmulatorResponse | undefined {
	const ok =
		principal.kind === 'token'
			? principal.projectId === pathProjectId
			: huaweiAccount.projects.some((p) => p.id === pathProjectId) &&
				(principal.projectId === undefined || principal.projectId === pathProjectId);
	if (ok) return undefined;
	if (service === 'metastudio') {
		return serviceError(401, 'MSS.00010009', 'urlTenantId is not equal tokenTenantId');
	}
	return apigwError(
		req,
		principal.kind === 'token'
			? 'the project_id in the URL is not the project of the token'
			: 'the project_id in the URL is not a project of the access key (or differs from X-Project-Id)',
	);
}

/** Global services (OSM) with AK/SK need `X-Domain-Id` = the account id. */
export function checkDomain(req: EmulatorRequest, principal: Principal): EmulatorResponse | undefined {
	if (principal.kind !== 'aksk') return undefined;
	const domainId = header(req, 'x-domain-id')?.trim();
	if (domainId === principal.domainId) return undefined;
	return apigwError(
		req,
		domainId === undefined
			? 'x-domain-id header not found (global services need the account id with AK/SK)'
			: 'x-domain-id is not the account of the access key',
	);
}
