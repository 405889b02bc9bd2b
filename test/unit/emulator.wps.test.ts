import {
	formatWpsDate,
	isSm3Available,
	signWpsRequest,
	wpsSignedUri,
	type WpsSignatureScheme,
} from '../../credentials/common/wpsSigner';
import { startEmulator, type Emulator } from '../emulator/server';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse } from '../emulator/types';
import {
	buildWpsFileTree,
	createWpsModule,
	WPS_APPS,
	WPS_DATE_WINDOW_MS,
	WPS_ERROR_CODES,
	WPS_FIXTURE_IDS,
	WPS_MAX_FILE_IDS,
	wpsModule,
	wpsTokensIssued,
	type WpsApp,
	type WpsFileItem,
	type WpsRouteModule,
} from '../emulator/wps';
import { routeModules } from '../emulator/modules';

const NOW = Date.UTC(2025, 6, 24, 8, 0, 0);

function makeCtx(): EmulatorContext & { shift(ms: number): void } {
	let offset = 0;
	return {
		now: () => new Date(NOW + offset),
		baseUrl: 'http://127.0.0.1:4010',
		tokenGeneration: 0,
		shift(ms: number) {
			offset += ms;
		},
	};
}

function request(
	method: string,
	pathAndQuery: string,
	headers: Record<string, string>,
	body: string | Buffer = '',
): EmulatorRequest {
	const q = pathAndQuery.indexOf('?');
	const rawPath = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
	const rawQuery = q < 0 ? '' : pathAndQuery.slice(q + 1);
	const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	const lower: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
	return {
		method,
		rawPath,
		rawQuery,
		url: new URL(`http://127.0.0.1${pathAndQuery}`),
		headers: lower,
		body: buffer,
		bodyText: buffer.toString('utf8'),
	};
}

async function call(wps: WpsRouteModule, req: EmulatorRequest, ctx: EmulatorContext) {
	const res = (await wps.handle(req, ctx)) as EmulatorResponse;
	expect(res).toBeDefined();
	return { status: res.status, body: res.body as any };
}

const PREFIX: Record<string, string> = {
	'/graph/v7/files/batch_get_meta': '/graph',
	'/openapi/v7/files/batch_get_meta': '/openapi',
};

const GRAPH = '/graph/v7/files/batch_get_meta';
const OPENAPI = '/openapi/v7/files/batch_get_meta';
/** The public cloud's batch read. */
const BATCH_GET = '/v7/files/batch_get';

interface SignOptions {
	scheme?: WpsSignatureScheme;
	app?: WpsApp;
	token?: string;
	body?: string;
	/** Body actually sent (defaults to the signed body). */
	sentBody?: string;
	contentType?: string;
	date?: Date | string;
	query?: string;
	extraHeaders?: Record<string, string>;
	/** URI to sign instead of the correct one. */
	signedUri?: string;
	signingKey?: string;
}

function signedRequest(route: string, o: SignOptions = {}): EmulatorRequest {
	const scheme = o.scheme ?? (route === GRAPH ? 'WPS-4' : 'KSO-1');
	const app = o.app ?? WPS_APPS[scheme];
	const body = o.body ?? JSON.stringify({ file_ids: WPS_FIXTURE_IDS.files.slice(0, 3) });
	const contentType = o.contentType ?? 'application/json';
	const date = typeof o.date === 'string' ? o.date : formatWpsDate(o.date ?? new Date(NOW));
	const query = o.query ?? '';
	const sig = signWpsRequest({
		scheme,
		method: 'POST',
		uri: o.signedUri ?? wpsSignedUri(route, query, PREFIX[route]),
		contentType,
		date,
		body,
		appId: app.appId,
		appKey: o.signingKey ?? app.appKey,
	});
	const headers: Record<string, string> = { 'Content-Type': contentType, ...sig.headers, ...o.extraHeaders };
	if (o.token !== undefined) headers.Authorization = `Bearer ${o.token}`;
	return request('POST', query ? `${route}?${query}` : route, headers, o.sentBody ?? body);
}

async function getToken(
	wps: WpsRouteModule,
	ctx: EmulatorContext,
	app: WpsApp,
	path = '/openapi/oauth2/token',
): Promise<string> {
	const res = await call(
		wps,
		request(
			'POST',
			path,
			{ 'Content-Type': 'application/x-www-form-urlencoded' },
			new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.appKey }).toString(),
		),
		ctx,
	);
	expect(res.status).toBe(200);
	return res.body.access_token;
}

function expectError(res: { status: number; body: any }, status: number, code?: number) {
	expect(res.status).toBe(status);
	expect(typeof res.body.code).toBe('number');
	expect(res.body.code).not.toBe(0);
	expect(typeof res.body.msg).toBe('string');
	if (code !== undefined) expect(res.body.code).toBe(code);
}

let wps: WpsRouteModule;
let ctx: ReturnType<typeof makeCtx>;

beforeEach(() => {
	wps = createWpsModule();
	ctx = makeCtx();
});

describe('fixtures', () => {
	it('seeds a few thousand items with the documented fields; some are restricted', () => {
		const tree = buildWpsFileTree();
		expect(tree.items.size).toBe(3000);
		expect(tree.restricted.size).toBe(300);
		const file = tree.items.get(WPS_FIXTURE_IDS.files[0])!;
		expect(Object.keys(file).sort()).toEqual(
			[
				'created_by',
				'ctime',
				'drive_id',
				'ext_attrs',
				'hash',
				'id',
				'link_id',
				'link_url',
				'modified_by',
				'mtime',
				'name',
				'parent_id',
				'permission',
				'size',
				'type',
				'version',
			].sort(),
		);
		expect(file.type).toBe('file');
		expect(file.hash.type).toBe('s2s');
		expect(file.created_by.type).toBe('user');
		expect(Object.keys(file.permission).sort()).toEqual(
			[
				'comment',
				'copy',
				'copy_content',
				'delete',
				'download',
				'list',
				'move',
				'new_empty',
				'perm_ctl',
				'preview',
				'print',
				'rename',
				'share',
				'update',
				'upload',
			].sort(),
		);
		expect(Number.isInteger(file.ctime) && file.mtime >= file.ctime && file.ctime < 2e9).toBe(true);
		expect(tree.items.get(file.parent_id)?.type).toBe('folder');
		expect(tree.items.get(WPS_FIXTURE_IDS.folder)?.parent_id).toBe('0');
		expect(tree.restricted.has(WPS_FIXTURE_IDS.restrictedFile)).toBe(true);
		// deterministic
		expect(buildWpsFileTree().items.get(file.id)).toEqual(file);
	});
});

describe('token endpoints', () => {
	const form = (app: WpsApp, extra: Record<string, string> = {}) =>
		new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: app.appId,
			client_secret: app.appKey,
			...extra,
		}).toString();
	const formHeaders = { 'Content-Type': 'application/x-www-form-urlencoded' };

	it('private path: 24 h Bearer token; public path: 2 h bearer token; counted', async () => {
		const a = await call(wps, request('POST', '/openapi/oauth2/token', formHeaders, form(WPS_APPS['KSO-1'])), ctx);
		expect(a.status).toBe(200);
		expect(a.body).toEqual({ access_token: expect.any(String), expires_in: 86400, token_type: 'Bearer' });
		const b = await call(wps, request('POST', '/oauth2/token', formHeaders, form(WPS_APPS['WPS-4'])), ctx);
		expect(b.body).toEqual({ access_token: expect.any(String), expires_in: 7200, token_type: 'bearer' });
		expect(b.body.access_token).not.toBe(a.body.access_token);
		expect(wps.tokensIssued()).toBe(2);
		expect(wps.stats()).toMatchObject({ tokensIssued: 2, activeTokens: 2 });
	});

	it('invalid client -> 401 {code, msg}, nothing issued', async () => {
		const bad = await call(
			wps,
			request('POST', '/openapi/oauth2/token', formHeaders, form({ ...WPS_APPS['KSO-1'], appKey: 'wrong' })),
			ctx,
		);
		expectError(bad, 401, WPS_ERROR_CODES.invalidClient);
		expect(Object.keys(bad.body).sort()).toEqual(['code', 'msg']);
		const unknown = await call(
			wps,
			request('POST', '/oauth2/token', formHeaders, form({ ...WPS_APPS['KSO-1'], appId: 'nobody' })),
			ctx,
		);
		expectError(unknown, 401, WPS_ERROR_CODES.invalidClient);
		expect(wps.tokensIssued()).toBe(0);
	});

	it('bad grant type, missing fields, JSON body, GET', async () => {
		expectError(
			await call(
				wps,
				request('POST', '/openapi/oauth2/token', formHeaders, form(WPS_APPS['KSO-1'], { grant_type: 'password' })),
				ctx,
			),
			400,
			WPS_ERROR_CODES.unsupportedGrantType,
		);
		expectError(
			await call(wps, request('POST', '/openapi/oauth2/token', formHeaders, 'grant_type=client_credentials'), ctx),
			400,
		);
		expectError(
			await call(
				wps,
				request(
					'POST',
					'/openapi/oauth2/token',
					{ 'Content-Type': 'application/json' },
					JSON.stringify({ grant_type: 'client_credentials' }),
				),
				ctx,
			),
			400,
		);
		expectError(await call(wps, request('GET', '/oauth2/token', {}), ctx), 405);
	});
});

describe('batch_get_meta: every scheme accepted', () => {
	const cases: Array<[string, WpsSignatureScheme]> = [
		[GRAPH, 'WPS-4'],
		[GRAPH, 'WPS-4-GM'],
		[OPENAPI, 'KSO-1'],
	];
	it.each(cases)('%s with %s', async (route, scheme) => {
		if (scheme === 'WPS-4-GM' && !isSm3Available()) return;
		const app = WPS_APPS[scheme];
		const token = await getToken(wps, ctx, app);
		const res = await call(wps, signedRequest(route, { scheme, token }), ctx);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ code: 0, msg: 'success', detail: '' });
		expect(res.body.data.items.map((i: WpsFileItem) => i.id)).toEqual(WPS_FIXTURE_IDS.files.slice(0, 3));
	});

	it('any app may sign with any scheme its route accepts', async () => {
		const app = WPS_APPS['KSO-1'];
		const token = await getToken(wps, ctx, app);
		const res = await call(wps, signedRequest(GRAPH, { scheme: 'WPS-4', app, token }), ctx);
		expect(res.status).toBe(200);
	});

	it('charset in the content type, a signed query string, X-Kso-Id-Type', async () => {
		const token = await getToken(wps, ctx, WPS_APPS['KSO-1']);
		const charset = await call(
			wps,
			signedRequest(OPENAPI, { token, contentType: 'application/json; charset=utf-8' }),
			ctx,
		);
		expect(charset.status).toBe(200);
		const query = await call(wps, signedRequest(OPENAPI, { token, query: 'b=2&a=%E4%B8%AD' }), ctx);
		expect(query.status).toBe(200);
		// the query is signed: signing without it fails
		const unsignedQuery = signedRequest(OPENAPI, { token, query: 'b=2', signedUri: '/v7/files/batch_get_meta' });
		expectError(await call(wps, unsignedQuery, ctx), 401, WPS_ERROR_CODES.signatureMismatch);
		for (const idType of ['internal', 'external']) {
			const r = await call(wps, signedRequest(OPENAPI, { token, extraHeaders: { 'X-Kso-Id-Type': idType } }), ctx);
			expect(r.status).toBe(200);
		}
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, extraHeaders: { 'X-Kso-Id-Type': 'uuid' } }), ctx),
			400,
			WPS_ERROR_CODES.invalidIdType,
		);
	});

	it('returns the documented item shape', async () => {
		const token = await getToken(wps, ctx, WPS_APPS['WPS-4']);
		const res = await call(
			wps,
			signedRequest(GRAPH, { token, body: JSON.stringify({ file_ids: [WPS_FIXTURE_IDS.folder, WPS_FIXTURE_IDS.readOnlyFile] }) }),
			ctx,
		);
		const [folder, file] = res.body.data.items as WpsFileItem[];
		expect(folder).toMatchObject({ id: WPS_FIXTURE_IDS.folder, type: 'folder', size: 0, parent_id: '0' });
		expect(file).toMatchObject({
			id: WPS_FIXTURE_IDS.readOnlyFile,
			type: 'file',
			hash: { sum: expect.stringMatching(/^[0-9a-f]{40}$/), type: 's2s' },
			permission: { preview: true, download: true, update: false, delete: false },
			created_by: { type: 'user', id: expect.any(String), name: expect.any(String) },
		});
		// responses are copies: mutating one does not change the tree
		file.name = 'changed';
		expect(wps.tree().items.get(file.id)!.name).not.toBe('changed');
	});
});

describe('batch_get_meta: rejections', () => {
	let token: string;
	beforeEach(async () => {
		token = await getToken(wps, ctx, WPS_APPS['KSO-1']);
	});

	it('bad signature: wrong key, tampered body, gateway prefix signed, scheme not accepted', async () => {
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, signingKey: 'not-the-key' }), ctx),
			401,
			WPS_ERROR_CODES.signatureMismatch,
		);
		const tampered = signedRequest(OPENAPI, {
			token,
			body: JSON.stringify({ file_ids: ['1'] }),
			sentBody: JSON.stringify({ file_ids: ['2'] }),
		});
		const tamperedRes = await call(wps, tampered, ctx);
		expectError(tamperedRes, 401, WPS_ERROR_CODES.signatureMismatch);
		expect(tamperedRes.body.msg).toBe('sign check fail: authorization mismatch');
		expect(tamperedRes.body.detail).not.toContain(WPS_APPS['KSO-1'].appKey);
		// whitespace matters: same JSON, other bytes
		const spaced = signedRequest(OPENAPI, {
			token,
			body: '{"file_ids":["1"]}',
			sentBody: '{"file_ids": ["1"]}',
		});
		expectError(await call(wps, spaced, ctx), 401, WPS_ERROR_CODES.signatureMismatch);
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, signedUri: OPENAPI }), ctx),
			401,
			WPS_ERROR_CODES.signatureMismatch,
		);
		// KSO-1 headers on the /graph route: the Wps-Docs-* headers are missing
		expectError(await call(wps, signedRequest(GRAPH, { token, scheme: 'KSO-1' }), ctx), 401, WPS_ERROR_CODES.missingSignature);
		// a WPS-4 value in the X-Kso-Authorization header
		const wps4 = signedRequest(OPENAPI, { token, scheme: 'WPS-4' });
		wps4.headers['x-kso-authorization'] = wps4.headers['wps-docs-authorization'];
		wps4.headers['x-kso-date'] = wps4.headers['wps-docs-date'];
		expectError(await call(wps, wps4, ctx), 401, WPS_ERROR_CODES.schemeNotAccepted);
		// unknown app
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, app: { ...WPS_APPS['KSO-1'], appId: 'AKNOBODY' } }), ctx),
			401,
			WPS_ERROR_CODES.unknownApp,
		);
		// malformed
		const malformed = signedRequest(OPENAPI, { token });
		malformed.headers['x-kso-authorization'] = 'KSO-1 garbage';
		expectError(await call(wps, malformed, ctx), 401, WPS_ERROR_CODES.signatureMismatch);
	});

	it('stale, future and malformed dates', async () => {
		const window = WPS_DATE_WINDOW_MS;
		expect((await call(wps, signedRequest(OPENAPI, { token, date: new Date(NOW - window + 60_000) }), ctx)).status).toBe(200);
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, date: new Date(NOW - window - 60_000) }), ctx),
			401,
			WPS_ERROR_CODES.dateOutOfWindow,
		);
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, date: new Date(NOW + window + 60_000) }), ctx),
			401,
			WPS_ERROR_CODES.dateOutOfWindow,
		);
		expectError(
			await call(wps, signedRequest(OPENAPI, { token, date: new Date(NOW).toISOString() }), ctx),
			401,
			WPS_ERROR_CODES.dateOutOfWindow,
		);
		// the emulator clock is what counts
		const req = signedRequest(OPENAPI, { token });
		ctx.shift(window + 1000);
		expectError(await call(wps, req, ctx), 401, WPS_ERROR_CODES.dateOutOfWindow);
	});

	it('wrong content type (even when correctly signed)', async () => {
		for (const contentType of ['text/plain', 'application/json; charset=gbk', 'application/x-www-form-urlencoded']) {
			expectError(
				await call(wps, signedRequest(OPENAPI, { token, contentType }), ctx),
				415,
				WPS_ERROR_CODES.unsupportedContentType,
			);
		}
		const none = signedRequest(OPENAPI, { token, contentType: '' });
		delete none.headers['content-type'];
		expectError(await call(wps, none, ctx), 415);
	});

	it('expired, revoked, unknown, missing and foreign tokens', async () => {
		const publicToken = await getToken(wps, ctx, WPS_APPS['KSO-1'], '/oauth2/token');
		ctx.shift(7200 * 1000);
		// the 2 h token is expired, the 24 h one is not; a fresh date keeps the signature valid
		const date = ctx.now();
		expectError(await call(wps, signedRequest(OPENAPI, { token: publicToken, date }), ctx), 401, WPS_ERROR_CODES.expiredToken);
		expect((await call(wps, signedRequest(OPENAPI, { token, date }), ctx)).status).toBe(200);
		ctx.shift(86400 * 1000);
		expectError(await call(wps, signedRequest(OPENAPI, { token, date: ctx.now() }), ctx), 401, WPS_ERROR_CODES.expiredToken);

		const fresh = await getToken(wps, ctx, WPS_APPS['KSO-1']);
		expect((await call(wps, signedRequest(OPENAPI, { token: fresh, date: ctx.now() }), ctx)).status).toBe(200);
		ctx.tokenGeneration++;
		expectError(await call(wps, signedRequest(OPENAPI, { token: fresh, date: ctx.now() }), ctx), 401, WPS_ERROR_CODES.expiredToken);

		const now = ctx.now();
		expectError(await call(wps, signedRequest(OPENAPI, { token: 'nope', date: now }), ctx), 401, WPS_ERROR_CODES.invalidToken);
		expectError(await call(wps, signedRequest(OPENAPI, { date: now }), ctx), 401, WPS_ERROR_CODES.invalidToken);
		const otherAppToken = await getToken(wps, ctx, WPS_APPS['WPS-4']);
		expectError(
			await call(wps, signedRequest(OPENAPI, { token: otherAppToken, date: now }), ctx),
			401,
			WPS_ERROR_CODES.tokenAppMismatch,
		);
	});

	it('file_ids limits and body validation', async () => {
		const send = async (body: string) => call(wps, signedRequest(OPENAPI, { token, body }), ctx);
		expectError(await send(JSON.stringify({ file_ids: [] })), 400, WPS_ERROR_CODES.fileIdsLimit);
		const tooMany = Array.from({ length: WPS_MAX_FILE_IDS + 1 }, (_, i) => `x${i}`);
		expectError(await send(JSON.stringify({ file_ids: tooMany })), 400, WPS_ERROR_CODES.fileIdsLimit);
		const max = await send(JSON.stringify({ file_ids: WPS_FIXTURE_IDS.all.slice(0, WPS_MAX_FILE_IDS) }));
		expect(max.status).toBe(200);
		expect(max.body.data.items.length).toBeLessThanOrEqual(WPS_MAX_FILE_IDS);
		expect(max.body.data.items.length).toBeGreaterThan(900);
		expectError(await send(JSON.stringify({ file_ids: ['a'.repeat(1025)] })), 400, WPS_ERROR_CODES.fileIdsLimit);
		const longest = await send(JSON.stringify({ file_ids: ['a'.repeat(1024)] }));
		expect(longest.status).toBe(200);
		expect(longest.body.data.items).toEqual([]);
		expectError(await send(JSON.stringify({ file_ids: [1] })), 400, WPS_ERROR_CODES.invalidBody);
		expectError(await send(JSON.stringify({ ids: ['1'] })), 400, WPS_ERROR_CODES.invalidBody);
		expectError(await send(JSON.stringify({ file_ids: '100000001' })), 400, WPS_ERROR_CODES.invalidBody);
		expectError(await send('{"file_ids": ['), 400, WPS_ERROR_CODES.invalidBody);
		expectError(await send('null'), 400, WPS_ERROR_CODES.invalidBody);
		const res = await send('{"file_ids": []}');
		expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'msg']);
	});

	it('GET on the route -> 405', async () => {
		expectError(await call(wps, request('GET', OPENAPI, {}), ctx), 405);
	});
});

describe('batch_get_meta: missing and restricted ids are absent', () => {
	it('keeps request order, drops unknown / restricted ids and duplicates', async () => {
		const token = await getToken(wps, ctx, WPS_APPS['WPS-4']);
		const [a, b] = WPS_FIXTURE_IDS.files;
		const ids = [
			b,
			WPS_FIXTURE_IDS.missing[0],
			WPS_FIXTURE_IDS.restrictedFile,
			a,
			WPS_FIXTURE_IDS.restrictedFolder,
			WPS_FIXTURE_IDS.missing[1],
			b,
			'',
		];
		const res = await call(wps, signedRequest(GRAPH, { token, body: JSON.stringify({ file_ids: ids }) }), ctx);
		expect(res.status).toBe(200);
		expect(res.body.code).toBe(0);
		expect(res.body.data.items.map((i: WpsFileItem) => i.id)).toEqual([b, a]);
		const none = await call(
			wps,
			signedRequest(GRAPH, { token, body: JSON.stringify({ file_ids: [WPS_FIXTURE_IDS.restrictedFile] }) }),
			ctx,
		);
		expect(none.body).toEqual({ code: 0, msg: 'success', detail: '', data: { items: [] } });
		expect(wps.stats()).toMatchObject({ batchGetMetaCalls: 2, itemsReturned: 2 });
	});
});

/** A KSO-1 signed GET of the public cloud's batch_get (the signed URI carries the query). */
function signedGet(query: string, o: { token?: string; signedQuery?: string; method?: string; app?: WpsApp } = {}): EmulatorRequest {
	const app = o.app ?? WPS_APPS['KSO-1'];
	const date = formatWpsDate(new Date(NOW));
	const signedQuery = o.signedQuery ?? query;
	const sig = signWpsRequest({
		scheme: 'KSO-1',
		method: o.method ?? 'GET',
		uri: signedQuery ? `${BATCH_GET}?${signedQuery}` : BATCH_GET,
		contentType: 'application/json',
		date,
		body: '',
		appId: app.appId,
		appKey: app.appKey,
	});
	const headers: Record<string, string> = { 'Content-Type': 'application/json', ...sig.headers };
	if (o.token !== undefined) headers.Authorization = `Bearer ${o.token}`;
	return request(o.method ?? 'GET', query ? `${BATCH_GET}?${query}` : BATCH_GET, headers);
}

const idsQuery = (ids: string[], rest = 'mode=detailed') =>
	[...ids.map((id) => `file_ids=${encodeURIComponent(id)}`), rest].filter(Boolean).join('&');

describe('batch_get (public cloud, GET, KSO-1, no prefix)', () => {
	let token: string;
	beforeEach(async () => {
		token = await getToken(wps, ctx, WPS_APPS['KSO-1'], '/oauth2/token');
	});

	it('mode=detailed: found ids in data.items, missing and restricted ids in data.failures', async () => {
		const ids = [WPS_FIXTURE_IDS.files[0], WPS_FIXTURE_IDS.missing[0], WPS_FIXTURE_IDS.restrictedFile, WPS_FIXTURE_IDS.files[1]];
		const res = await call(wps, signedGet(idsQuery(ids), { token }), ctx);
		expect(res.status).toBe(200);
		expect(res.body.code).toBe(0);
		expect(res.body.data.items.map((i: WpsFileItem) => i.id)).toEqual([ids[0], ids[3]]);
		expect(res.body.data.failures).toEqual([
			{ object_id: ids[1], err_code: WPS_ERROR_CODES.fileNotFound, err_msg: 'file not found' },
			{ object_id: ids[2], err_code: WPS_ERROR_CODES.permissionDenied, err_msg: 'permission denied' },
		]);
		// without the with_* flags the optional parts are left out
		const item = res.body.data.items[0];
		expect(item.permission).toBeUndefined();
		expect(item.ext_attrs).toBeUndefined();
		expect(item.drive).toBeUndefined();
		expect(wps.stats()).toMatchObject({ batchGetCalls: 1, batchGetMetaCalls: 0 });
	});

	it('with_permission, with_ext_attrs and with_drive add those parts', async () => {
		const id = WPS_FIXTURE_IDS.files[0];
		const res = await call(wps, signedGet(idsQuery([id], 'mode=detailed&with_drive=true&with_ext_attrs=true&with_permission=true'), { token }), ctx);
		expect(res.status).toBe(200);
		const item = res.body.data.items[0];
		expect(item.permission).toEqual(wps.tree().items.get(id)!.permission);
		expect(item.ext_attrs).toEqual(wps.tree().items.get(id)!.ext_attrs);
		expect(item.drive).toMatchObject({ id: item.drive_id });
	});

	it('mode=fastfail (also the default) fails the whole call at the first id it cannot return', async () => {
		const ids = [WPS_FIXTURE_IDS.files[0], WPS_FIXTURE_IDS.missing[0]];
		expectError(await call(wps, signedGet(idsQuery(ids, 'mode=fastfail'), { token }), ctx), 404, WPS_ERROR_CODES.fileNotFound);
		expectError(await call(wps, signedGet(idsQuery(ids, ''), { token }), ctx), 404, WPS_ERROR_CODES.fileNotFound);
		const ok = await call(wps, signedGet(idsQuery([ids[0]], ''), { token }), ctx);
		expect(ok.status).toBe(200);
	});

	it('reads file_ids as repeated keys; one comma-separated value only when set to', async () => {
		const [a, b] = WPS_FIXTURE_IDS.files;
		const joined = `file_ids=${encodeURIComponent(`${a},${b}`)}&mode=detailed`;
		const asOne = await call(wps, signedGet(joined, { token }), ctx);
		expect(asOne.body.data.items).toEqual([]);
		expect(asOne.body.data.failures.map((f: { object_id: string }) => f.object_id)).toEqual([`${a},${b}`]);
		wps.setPublicIdsFormat('comma');
		const split = await call(wps, signedGet(joined, { token }), ctx);
		expect(split.body.data.items.map((i: WpsFileItem) => i.id)).toEqual([a, b]);
		wps.reset!();
		token = await getToken(wps, ctx, WPS_APPS['KSO-1'], '/oauth2/token');
		const again = await call(wps, signedGet(joined, { token }), ctx);
		expect(again.body.data.items).toEqual([]);
	});

	it('rejects: unsigned query, POST, no ids, too many ids, unknown mode, a URI over 8 KB, no token', async () => {
		const id = WPS_FIXTURE_IDS.files[0];
		expectError(await call(wps, signedGet(idsQuery([id]), { token, signedQuery: 'mode=detailed' }), ctx), 401, WPS_ERROR_CODES.signatureMismatch);
		expectError(await call(wps, signedGet(idsQuery([id]), { token, method: 'POST' }), ctx), 405, WPS_ERROR_CODES.methodNotAllowed);
		expectError(await call(wps, signedGet('mode=detailed', { token }), ctx), 400, WPS_ERROR_CODES.fileIdsLimit);
		// 1025 ids do not fit in 8 KB of URI: a gateway without that limit still gets the count limit
		const many = Array.from({ length: WPS_MAX_FILE_IDS + 1 }, (_, i) => String(i));
		const roomy = createWpsModule({ maxUriBytes: 1 << 20 });
		const roomyToken = await getToken(roomy, ctx, WPS_APPS['KSO-1'], '/oauth2/token');
		expectError(await call(roomy, signedGet(idsQuery(many), { token: roomyToken }), ctx), 400, WPS_ERROR_CODES.fileIdsLimit);
		expect((await call(roomy, signedGet(idsQuery(many.slice(1)), { token: roomyToken }), ctx)).status).toBe(200);
		expectError(await call(wps, signedGet(idsQuery([id], 'mode=all'), { token }), ctx), 400, WPS_ERROR_CODES.invalidBody);
		const long = Array.from({ length: 400 }, (_, i) => `file-id-number-${i}`);
		expectError(await call(wps, signedGet(idsQuery(long), { token }), ctx), 414, WPS_ERROR_CODES.uriTooLong);
		expectError(await call(wps, signedGet(idsQuery([id])), ctx), 401, WPS_ERROR_CODES.invalidToken);
		// the private generation's POST batch_get_meta is not served without a prefix
		expect(await wps.handle(request('POST', '/v7/files/batch_get_meta', {}), ctx)).toBeUndefined();
	});
});

describe('module plumbing', () => {
	it('ignores other paths; reset() clears tokens and counters', async () => {
		expect(await wps.handle(request('POST', '/v3/auth/tokens', {}), ctx)).toBeUndefined();
		expect(await wps.handle(request('POST', '/graph/v7/files/batch_delete', {}), ctx)).toBeUndefined();
		const token = await getToken(wps, ctx, WPS_APPS['KSO-1']);
		expect(wps.tokensIssued()).toBe(1);
		wps.reset!();
		expect(wps.tokensIssued()).toBe(0);
		expectError(await call(wps, signedRequest(OPENAPI, { token }), ctx), 401, WPS_ERROR_CODES.invalidToken);
	});

	it('is registered in modules.ts; describe() names the apps', () => {
		expect(routeModules).toContain(wpsModule);
		expect(typeof wpsTokensIssued()).toBe('number');
		expect(wpsModule.describe!(ctx).join('\n')).toContain(WPS_APPS['WPS-4-GM'].appId);
	});
});

describe('over HTTP (startEmulator)', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => {
		await emu.close();
	});
	beforeEach(() => emu.reset());

	async function httpToken(path: string, app: WpsApp) {
		const res = await fetch(`${emu.url}${path}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.appId, client_secret: app.appKey }),
		});
		expect(res.status).toBe(200);
		return ((await res.json()) as { access_token: string }).access_token;
	}

	it.each([
		[GRAPH, 'WPS-4' as const],
		[GRAPH, 'WPS-4-GM' as const],
		[OPENAPI, 'KSO-1' as const],
	])('%s with %s', async (route, scheme) => {
		if (scheme === 'WPS-4-GM' && !isSm3Available()) return;
		const app = WPS_APPS[scheme];
		const before = wpsTokensIssued();
		const token = await httpToken('/openapi/oauth2/token', app);
		expect(wpsTokensIssued()).toBe(before + 1);
		const body = JSON.stringify({ file_ids: [WPS_FIXTURE_IDS.files[0], WPS_FIXTURE_IDS.missing[0], '中文-id'] });
		const sig = signWpsRequest({
			scheme,
			method: 'POST',
			uri: wpsSignedUri(route, 'with_permission=true', PREFIX[route]),
			contentType: 'application/json',
			date: formatWpsDate(emu.ctx.now()),
			body,
			appId: app.appId,
			appKey: app.appKey,
		});
		const res = await fetch(`${emu.url}${route}?with_permission=true`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...sig.headers },
			body,
		});
		expect(res.status).toBe(200);
		const json = (await res.json()) as { code: number; data: { items: WpsFileItem[] } };
		expect(json.code).toBe(0);
		expect(json.data.items.map((i) => i.id)).toEqual([WPS_FIXTURE_IDS.files[0]]);
	});

	it('expireTokens and clock shifts apply', async () => {
		const app = WPS_APPS['KSO-1'];
		const token = await httpToken('/openapi/oauth2/token', app);
		const send = async () => {
			const body = JSON.stringify({ file_ids: [WPS_FIXTURE_IDS.files[0]] });
			const sig = signWpsRequest({
				scheme: 'KSO-1',
				method: 'POST',
				uri: '/v7/files/batch_get_meta',
				contentType: 'application/json',
				date: formatWpsDate(new Date()),
				body,
				appId: app.appId,
				appKey: app.appKey,
			});
			const res = await fetch(`${emu.url}${OPENAPI}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...sig.headers },
				body,
			});
			return { status: res.status, body: (await res.json()) as { code: number; msg: string } };
		};
		expect((await send()).status).toBe(200);
		emu.shiftClock(WPS_DATE_WINDOW_MS + 60_000);
		expect((await send()).body.code).toBe(WPS_ERROR_CODES.dateOutOfWindow);
		emu.shiftClock(-(WPS_DATE_WINDOW_MS + 60_000));
		emu.expireTokens();
		const expired = await send();
		expect(expired.status).toBe(401);
		expect(expired.body.code).toBe(WPS_ERROR_CODES.expiredToken);
	});
});
