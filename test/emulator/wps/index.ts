/**
 * WPS 365 / Kingsoft Office open platform routes of the emulator (reference: wps365.md 1.2-1.7,
 * seed 004).
 *
 * Routes
 * - `POST /openapi/oauth2/token` (private deployment) and `POST /oauth2/token` (public cloud):
 *   form `grant_type=client_credentials&client_id&client_secret`; answers
 *   `{access_token, expires_in, token_type}`; 24 h (`"Bearer"`) on the private path, 2 h
 *   (`"bearer"`) on the public path, as documented for each. Bad client -> 401 `{code, msg}`.
 * - `POST /graph/v7/files/batch_get_meta`: history generation, WPS-4 or WPS-4-GM
 *   (`Wps-Docs-Date`, `Wps-Docs-Authorization`), signed URI without `/graph`.
 * - `POST /openapi/v7/files/batch_get_meta`: current private generation, KSO-1 (`X-Kso-Date`,
 *   `X-Kso-Authorization`), signed URI without `/openapi`, optional `X-Kso-Id-Type`.
 * - `GET /v7/files/batch_get`: the public cloud (KSO-1, no gateway prefix), query `file_ids`,
 *   `mode` (fastfail | detailed), `with_permission`, `with_ext_attrs`, `with_drive`; see batchGet
 *   for what the emulator assumes where the page is silent.
 *
 * Emulator assumptions where the docs are silent (reference section 5):
 * - The allowed clock skew of the date header is not documented; 15 minutes either way here.
 * - The status-code table is not available: the non-zero `code` values below are the emulator's
 *   own (HTTP status * 100000 + n); 40100001's message copies a WPS-4 failure seen in the wild.
 * - Whether the token endpoint of the `/graph` generation is `/openapi/oauth2/token` is not
 *   documented; both token paths serve every app.
 * - The token must belong to the app that signed the request.
 * - `X-Kso-Id-Type: external` is accepted, but the emulator has no external-id mapping: ids are
 *   looked up as they are for both values.
 * - batch_get_meta: unknown ids and ids the app has no permission to are left out of
 *   `data.items` (no error). batch_get (detailed) lists them in `data.failures` with the
 *   emulator's own codes.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import {
	parseWpsAuthorization,
	signWpsRequest,
	wpsSignedUri,
	type WpsSignatureScheme,
} from '../../../credentials/common/wpsSigner';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { buildWpsFileTree, WPS_APPS, WPS_FIXTURE_IDS, type WpsApp, type WpsFileItem, type WpsFileTree } from './fixtures';

export * from './fixtures';

/** Allowed difference between the date header and the emulator clock (not documented). */
export const WPS_DATE_WINDOW_MS = 15 * 60_000;

/** Token lifetimes as documented: private deployment 24 h, public cloud 2 h. */
export const WPS_PRIVATE_TOKEN_TTL_SECONDS = 86_400;
export const WPS_PUBLIC_TOKEN_TTL_SECONDS = 7_200;

export const WPS_MAX_FILE_IDS = 1024;
export const WPS_MAX_FILE_ID_LENGTH = 1024;

/** Non-zero `code` values of the emulator's error bodies (the real table is not available). */
export const WPS_ERROR_CODES = {
	invalidBody: 40000001,
	fileIdsLimit: 40000002,
	invalidIdType: 40000003,
	permissionDenied: 40300001,
	fileNotFound: 40400001,
	uriTooLong: 41400001,
	unsupportedGrantType: 40000101,
	invalidTokenRequest: 40000102,
	signatureMismatch: 40100001,
	dateOutOfWindow: 40100002,
	invalidToken: 40100003,
	missingSignature: 40100004,
	unknownApp: 40100005,
	schemeNotAccepted: 40100006,
	expiredToken: 40100007,
	tokenAppMismatch: 40100008,
	invalidClient: 40100101,
	methodNotAllowed: 40500001,
	unsupportedContentType: 41500001,
} as const;

const TOKEN_PATHS: Record<string, { ttlSeconds: number; tokenType: string }> = {
	'/openapi/oauth2/token': { ttlSeconds: WPS_PRIVATE_TOKEN_TTL_SECONDS, tokenType: 'Bearer' },
	'/oauth2/token': { ttlSeconds: WPS_PUBLIC_TOKEN_TTL_SECONDS, tokenType: 'bearer' },
};

interface BatchRoute {
	/** Gateway prefix the route is served under (not signed). */
	prefix: string;
	schemes: WpsSignatureScheme[];
	dateHeader: string;
	authorizationHeader: string;
	idTypeHeader: boolean;
}

const WPS_FAMILY = { dateHeader: 'wps-docs-date', authorizationHeader: 'wps-docs-authorization' };
const KSO_FAMILY = { dateHeader: 'x-kso-date', authorizationHeader: 'x-kso-authorization' };

const BATCH_GET_META_ROUTES: Record<string, BatchRoute> = {
	'/graph/v7/files/batch_get_meta': {
		prefix: '/graph',
		schemes: ['WPS-4', 'WPS-4-GM'],
		...WPS_FAMILY,
		idTypeHeader: false,
	},
	'/openapi/v7/files/batch_get_meta': {
		prefix: '/openapi',
		schemes: ['KSO-1'],
		...KSO_FAMILY,
		idTypeHeader: true,
	},
};

/** The public cloud's batch read (KSO-1, no gateway prefix). */
const PUBLIC_BATCH_GET_PATH = '/v7/files/batch_get';
const PUBLIC_BATCH_GET_ROUTE: BatchRoute = { prefix: '', schemes: ['KSO-1'], ...KSO_FAMILY, idTypeHeader: false };

/** Longest path plus query the emulator takes (gateways commonly stop at 8 KB request lines). */
export const WPS_MAX_URI_BYTES = 8192;

const RFC1123 =
	/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** `application/json`, optionally with `; charset=utf-8` (any case, optional spaces). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

interface IssuedToken {
	appId: string;
	expiresAtMs: number;
	generation: number;
}

export interface WpsModuleOptions {
	/** Apps that may get tokens and sign (default: the three fixture apps). */
	apps?: WpsApp[];
	/** Allowed date skew (default WPS_DATE_WINDOW_MS). */
	dateWindowMs?: number;
	/** How batch_get reads the file_ids array (not documented): repeated keys (default) or one comma-separated value. */
	publicIdsFormat?: 'repeat' | 'comma';
	/** Longest path plus query batch_get takes (default WPS_MAX_URI_BYTES). */
	maxUriBytes?: number;
}

export interface WpsModuleStats {
	tokensIssued: number;
	batchGetMetaCalls: number;
	batchGetCalls: number;
	itemsReturned: number;
	rejected: number;
}

export interface WpsRouteModule extends RouteModule {
	/** Tokens issued since start or the last reset(). */
	tokensIssued(): number;
	stats(): WpsModuleStats & Record<string, unknown>;
	/** The live file tree (tests may add or remove items; reset() restores the seed). */
	tree(): WpsFileTree;
	/** How batch_get reads file_ids until the next reset(). */
	setPublicIdsFormat(format: 'repeat' | 'comma'): void;
}

function header(req: EmulatorRequest, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	if (value === undefined) return undefined;
	return Array.isArray(value) ? value.join(', ') : value;
}

function json(status: number, body: unknown): EmulatorResponse {
	return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
}

/** v7 error body `{code, msg, detail}`. */
function apiError(status: number, code: number, msg: string, detail = ''): EmulatorResponse {
	return json(status, { code, msg, detail });
}

/** Token endpoint error body `{code, msg}`. */
function tokenError(status: number, code: number, msg: string): EmulatorResponse {
	return json(status, { code, msg });
}

/** The documented file_ids limits, shared by batch_get_meta and batch_get: 1..1024 strings of at most 1024 characters. */
function fileIdsLimitError(fileIds: unknown[]): EmulatorResponse | undefined {
	if (fileIds.length < 1 || fileIds.length > WPS_MAX_FILE_IDS) {
		return apiError(400, WPS_ERROR_CODES.fileIdsLimit, `file_ids must have 1 to ${WPS_MAX_FILE_IDS} items (got ${fileIds.length})`);
	}
	for (const [index, id] of fileIds.entries()) {
		if (typeof id !== 'string') return apiError(400, WPS_ERROR_CODES.invalidBody, `file_ids[${index}] must be a string`);
		if (id.length > WPS_MAX_FILE_ID_LENGTH) {
			return apiError(400, WPS_ERROR_CODES.fileIdsLimit, `file_ids[${index}] is longer than ${WPS_MAX_FILE_ID_LENGTH} characters`);
		}
	}
	return undefined;
}

function parseRfc1123(value: string): number | undefined {
	const m = RFC1123.exec(value);
	if (!m) return undefined;
	const ms = Date.parse(value);
	if (Number.isNaN(ms)) return undefined;
	// Reject impossible dates that Date.parse would roll over (e.g. 31 Feb).
	return new Date(ms).toUTCString() === value ? ms : undefined;
}

function sameHex(a: string, b: string): boolean {
	const x = Buffer.from(a.toLowerCase(), 'utf8');
	const y = Buffer.from(b.toLowerCase(), 'utf8');
	return x.length === y.length && timingSafeEqual(x, y);
}

export function createWpsModule(options: WpsModuleOptions = {}): WpsRouteModule {
	const apps = new Map((options.apps ?? Object.values(WPS_APPS)).map((a) => [a.appId, a]));
	const dateWindowMs = options.dateWindowMs ?? WPS_DATE_WINDOW_MS;
	let tree = buildWpsFileTree();
	let tokens = new Map<string, IssuedToken>();
	const counters: WpsModuleStats = { tokensIssued: 0, batchGetMetaCalls: 0, batchGetCalls: 0, itemsReturned: 0, rejected: 0 };
	let publicIdsFormat = options.publicIdsFormat ?? 'repeat';

	const reject = (response: EmulatorResponse): EmulatorResponse => {
		counters.rejected++;
		return response;
	};

	const issueToken = (req: EmulatorRequest, ctx: EmulatorContext, path: string): EmulatorResponse => {
		const { ttlSeconds, tokenType } = TOKEN_PATHS[path];
		if (req.method !== 'POST') {
			return reject(tokenError(405, WPS_ERROR_CODES.methodNotAllowed, `method ${req.method} not allowed`));
		}
		const contentType = header(req, 'content-type') ?? '';
		if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
			return reject(
				tokenError(
					400,
					WPS_ERROR_CODES.invalidTokenRequest,
					'the token request must be application/x-www-form-urlencoded',
				),
			);
		}
		const form = new URLSearchParams(req.bodyText);
		const grantType = form.get('grant_type') ?? '';
		if (grantType !== 'client_credentials') {
			return reject(
				tokenError(
					400,
					WPS_ERROR_CODES.unsupportedGrantType,
					`unsupported grant_type "${grantType}" (the emulator serves client_credentials)`,
				),
			);
		}
		const clientId = form.get('client_id') ?? '';
		const clientSecret = form.get('client_secret') ?? '';
		if (!clientId || !clientSecret) {
			return reject(
				tokenError(400, WPS_ERROR_CODES.invalidTokenRequest, 'client_id and client_secret are required'),
			);
		}
		const app = apps.get(clientId);
		if (!app || !sameText(app.appKey, clientSecret)) {
			return reject(tokenError(401, WPS_ERROR_CODES.invalidClient, 'invalid client: client_id or client_secret is wrong'));
		}
		const token = `wps_emu_${randomBytes(24).toString('hex')}`;
		tokens.set(token, {
			appId: app.appId,
			expiresAtMs: ctx.now().getTime() + ttlSeconds * 1000,
			generation: ctx.tokenGeneration,
		});
		counters.tokensIssued++;
		return json(200, { access_token: token, expires_in: ttlSeconds, token_type: tokenType });
	};

	/**
	 * Steps 1-4 every v7 route takes: signature headers of the route's family, date window,
	 * signature over the received bytes, access token of the signing app. A rejection, or
	 * undefined when the call may go on.
	 */
	const verifySignedCall = (req: EmulatorRequest, ctx: EmulatorContext, route: BatchRoute): EmulatorResponse | undefined => {
		// 1. Signature headers of the route's family.
		const date = header(req, route.dateHeader);
		const authorization = header(req, route.authorizationHeader);
		if (date === undefined || authorization === undefined) {
			const family = route.schemes.join(' or ');
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.missingSignature,
					`missing ${date === undefined ? route.dateHeader : route.authorizationHeader} header`,
					`this route expects a ${family} signature (${route.dateHeader}, ${route.authorizationHeader})`,
				),
			);
		}
		const parsed = parseWpsAuthorization(authorization);
		if (!parsed) {
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.signatureMismatch,
					'sign check fail: malformed authorization',
					'expected "<Ver> <AppId>:<lower-case hex signature>"',
				),
			);
		}
		if (!route.schemes.includes(parsed.scheme)) {
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.schemeNotAccepted,
					`sign check fail: ${parsed.scheme} is not accepted here`,
					`this route accepts ${route.schemes.join(', ')}`,
				),
			);
		}
		// 2. Date window.
		const dateMs = parseRfc1123(date);
		if (dateMs === undefined) {
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.dateOutOfWindow,
					`invalid ${route.dateHeader}`,
					'expected an RFC 1123 GMT date such as "Mon, 02 Jan 2006 15:04:05 GMT"',
				),
			);
		}
		const skew = dateMs - ctx.now().getTime();
		if (Math.abs(skew) > dateWindowMs) {
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.dateOutOfWindow,
					`${route.dateHeader} is out of the allowed window`,
					`request date differs from server time by ${Math.round(skew / 1000)} s (allowed ${dateWindowMs / 1000} s)`,
				),
			);
		}
		// 3. Signature over the received bytes.
		const app = apps.get(parsed.appId);
		if (!app) {
			return reject(apiError(401, WPS_ERROR_CODES.unknownApp, `sign check fail: unknown app ${parsed.appId}`));
		}
		const contentType = header(req, 'content-type') ?? '';
		const uri = wpsSignedUri(req.rawPath, req.rawQuery, route.prefix);
		const expected = signWpsRequest({
			scheme: parsed.scheme,
			method: req.method,
			uri,
			contentType,
			date,
			body: req.body,
			appId: app.appId,
			appKey: app.appKey,
		});
		if (!sameHex(expected.signature, parsed.signature)) {
			return reject(
				apiError(
					401,
					WPS_ERROR_CODES.signatureMismatch,
					'sign check fail: authorization mismatch',
					`server string to sign: ${JSON.stringify(expected.stringToSign)}`,
				),
			);
		}
		// 4. Access token.
		const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
		if (!bearer) {
			return reject(
				apiError(401, WPS_ERROR_CODES.invalidToken, 'missing access token', 'send Authorization: Bearer <access_token>'),
			);
		}
		const token = tokens.get(bearer[1]);
		if (!token) return reject(apiError(401, WPS_ERROR_CODES.invalidToken, 'invalid access token'));
		if (token.generation !== ctx.tokenGeneration || ctx.now().getTime() >= token.expiresAtMs) {
			return reject(apiError(401, WPS_ERROR_CODES.expiredToken, 'access token expired'));
		}
		if (token.appId !== app.appId) {
			return reject(
				apiError(401, WPS_ERROR_CODES.tokenAppMismatch, 'access token was issued to another app'),
			);
		}
		return undefined;
	};

	const batchGetMeta = (req: EmulatorRequest, ctx: EmulatorContext, route: BatchRoute): EmulatorResponse => {
		if (req.method !== 'POST') {
			return reject(apiError(405, WPS_ERROR_CODES.methodNotAllowed, `method ${req.method} not allowed`));
		}
		const rejected = verifySignedCall(req, ctx, route);
		if (rejected) return rejected;
		// 5. Content type and body.
		const contentType = header(req, 'content-type') ?? '';
		if (!JSON_CONTENT_TYPE.test(contentType.trim())) {
			return reject(
				apiError(
					415,
					WPS_ERROR_CODES.unsupportedContentType,
					`unsupported Content-Type "${contentType}"`,
					'Content-Type must be application/json',
				),
			);
		}
		if (route.idTypeHeader) {
			const idType = header(req, 'x-kso-id-type');
			if (idType !== undefined && idType !== 'internal' && idType !== 'external') {
				return reject(
					apiError(400, WPS_ERROR_CODES.invalidIdType, `invalid X-Kso-Id-Type "${idType}"`, 'use internal or external'),
				);
			}
		}
		let body: unknown;
		try {
			body = JSON.parse(req.bodyText);
		} catch {
			return reject(apiError(400, WPS_ERROR_CODES.invalidBody, 'invalid JSON body'));
		}
		const fileIds = (body as { file_ids?: unknown } | null)?.file_ids;
		if (!Array.isArray(fileIds)) {
			return reject(apiError(400, WPS_ERROR_CODES.invalidBody, 'file_ids is required and must be an array of strings'));
		}
		const limitError = fileIdsLimitError(fileIds);
		if (limitError) return reject(limitError);
		const items: WpsFileItem[] = [];
		const seen = new Set<string>();
		for (const id of fileIds as string[]) {
			if (seen.has(id)) continue;
			seen.add(id);
			const item = tree.items.get(id);
			if (item && !tree.restricted.has(id)) items.push(structuredClone(item));
		}
		counters.batchGetMetaCalls++;
		counters.itemsReturned += items.length;
		return json(200, { code: 0, msg: 'success', detail: '', data: { items } });
	};

	/**
	 * `GET /v7/files/batch_get` of the public cloud (KSO-1, no gateway prefix; the signed URI is
	 * the path with the query as received). Emulator readings of what the page leaves open:
	 * `file_ids` as repeated keys (or one comma-separated value, with publicIdsFormat 'comma'),
	 * at most 1024 ids of at most 1024 characters as in batch_get_meta, a URI over 8 KB refused
	 * with 414 as common gateways do, `mode` fastfail when absent, successes in `data.items`.
	 * `mode=detailed` lists ids it cannot return in `data.failures` (object_id, err_code,
	 * err_msg); `fastfail` fails the whole call at the first such id.
	 */
	const batchGet = (req: EmulatorRequest, ctx: EmulatorContext): EmulatorResponse => {
		if (req.method !== 'GET') {
			return reject(apiError(405, WPS_ERROR_CODES.methodNotAllowed, `method ${req.method} not allowed`));
		}
		if (req.rawPath.length + 1 + req.rawQuery.length > (options.maxUriBytes ?? WPS_MAX_URI_BYTES)) {
			return reject(apiError(414, WPS_ERROR_CODES.uriTooLong, 'request URI too long'));
		}
		const rejected = verifySignedCall(req, ctx, PUBLIC_BATCH_GET_ROUTE);
		if (rejected) return rejected;
		const query = new URLSearchParams(req.rawQuery);
		const values = query.getAll('file_ids');
		const fileIds = publicIdsFormat === 'comma' ? values.flatMap((v) => v.split(',')) : values;
		const limitError = fileIdsLimitError(fileIds);
		if (limitError) return reject(limitError);
		const mode = query.get('mode') ?? 'fastfail';
		if (mode !== 'fastfail' && mode !== 'detailed') {
			return reject(apiError(400, WPS_ERROR_CODES.invalidBody, `invalid mode "${mode}"`, 'use fastfail or detailed'));
		}
		const flag = (name: string) => query.get(name) === 'true';
		const items: IDataObject[] = [];
		const failures: Array<{ object_id: string; err_code: number; err_msg: string }> = [];
		for (const id of new Set(fileIds)) {
			const item = tree.items.get(id);
			const failure = !item
				? { object_id: id, err_code: WPS_ERROR_CODES.fileNotFound, err_msg: 'file not found' }
				: tree.restricted.has(id)
					? { object_id: id, err_code: WPS_ERROR_CODES.permissionDenied, err_msg: 'permission denied' }
					: undefined;
			if (failure && mode === 'fastfail') {
				return reject(apiError(failure.err_code === WPS_ERROR_CODES.fileNotFound ? 404 : 403, failure.err_code, `${failure.err_msg}: ${id}`));
			}
			if (failure) {
				failures.push(failure);
				continue;
			}
			const { permission, ext_attrs, ...rest } = structuredClone(item!);
			items.push({
				...rest,
				...(flag('with_permission') ? { permission } : {}),
				...(flag('with_ext_attrs') ? { ext_attrs } : {}),
				...(flag('with_drive') ? { drive: { id: rest.drive_id, name: `Drive ${rest.drive_id}`, source: 'group', status: 'inuse' } } : {}),
			});
		}
		counters.batchGetCalls++;
		counters.itemsReturned += items.length;
		return json(200, { code: 0, msg: 'success', data: { items, failures } });
	};

	return {
		name: 'wps',
		handle(req, ctx) {
			const tokenPath = TOKEN_PATHS[req.rawPath];
			if (tokenPath) return issueToken(req, ctx, req.rawPath);
			const route = BATCH_GET_META_ROUTES[req.rawPath];
			if (route) return batchGetMeta(req, ctx, route);
			if (req.rawPath === PUBLIC_BATCH_GET_PATH) return batchGet(req, ctx);
			return undefined;
		},
		reset() {
			tree = buildWpsFileTree();
			tokens = new Map();
			counters.tokensIssued = 0;
			counters.batchGetMetaCalls = 0;
			counters.batchGetCalls = 0;
			publicIdsFormat = options.publicIdsFormat ?? 'repeat';
			counters.itemsReturned = 0;
			counters.rejected = 0;
		},
		tokensIssued: () => counters.tokensIssued,
		stats: () => ({ ...counters, activeTokens: tokens.size }),
		tree: () => tree,
		setPublicIdsFormat: (format) => {
			publicIdsFormat = format;
		},
		describe(ctx) {
			const lines = ['WPS 365 (credential wps365Api):'];
			for (const app of apps.values()) {
				lines.push(`  ${app.scheme.padEnd(8)} appId=${app.appId} appKey=${app.appKey}`);
			}
			lines.push(
				`  baseUrl=${ctx.baseUrl} (gateway prefix empty = /graph for WPS-4/WPS-4-GM, /openapi for KSO-1)`,
				`  tokens: ${ctx.baseUrl}/openapi/oauth2/token (24 h), ${ctx.baseUrl}/oauth2/token (2 h)`,
				`  public cloud style (KSO-1, Gateway Prefix "/"): GET ${ctx.baseUrl}/v7/files/batch_get`,
				`  files: ${tree.items.size} (${tree.restricted.size} without app permission), e.g. ${WPS_FIXTURE_IDS.files.slice(0, 3).join(', ')}`,
			);
			return lines;
		},
	};
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a, 'utf8');
	const y = Buffer.from(b, 'utf8');
	return x.length === y.length && timingSafeEqual(x, y);
}

/** The module instance the emulator serves (modules.ts). */
export const wpsModule: WpsRouteModule = createWpsModule();

export const wpsRouteModules: RouteModule[] = [wpsModule];

/** Tokens issued by the served module since start or the last reset. */
export function wpsTokensIssued(): number {
	return wpsModule.tokensIssued();
}
