/**
 * PDS emulator module: token exchange (jwt-bearer), Bearer and AccessKey authentication, Batch
 * limits and child operations, called directly through `handle()` with a controlled clock and,
 * end to end, through the HTTP emulator with the credentials' own tests run by n8n-core.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { AlibabaPdsAccessKeyApi, signPdsAccessKey } from '../../credentials/AlibabaPdsAccessKeyApi.credentials';
import { AlibabaPdsJwtAppApi, applyPdsBearerToken, pdsJwtTokenRequestBody } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { createPdsAssertion, createRs256Jwt } from '../../credentials/common/jwt';
import { routeModules } from '../emulator/modules';
import {
	PDS_DOMAIN_ID,
	PDS_GROUP_DRIVE_ID,
	PDS_GROUP_ID,
	PDS_OTHER_DRIVE_ID,
	PDS_USER_DRIVE_ID,
	PDS_USER_ID,
	PdsRouteModule,
	getPdsState,
	pdsAccessKey,
	pdsJwtApp,
	pdsModule,
	pdsSeedFileId,
	pdsStsAccessKey,
} from '../emulator/pds';
import { startEmulator, type Emulator } from '../emulator/server';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse } from '../emulator/types';
import { testCredential } from '../helpers/inProcess';

const BASE = 'http://emu.test';
const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const fileId = (path: string, drive = PDS_USER_DRIVE_ID) => pdsSeedFileId(drive, path);

let pds: PdsRouteModule;
let clock: number;
let ctx: EmulatorContext;

beforeEach(() => {
	pds = new PdsRouteModule();
	clock = T0;
	ctx = { now: () => new Date(clock), baseUrl: BASE, tokenGeneration: 0 };
});

function toEmulatorRequest(options: IHttpRequestOptions): EmulatorRequest {
	const url = new URL(options.url);
	const body = Buffer.from(typeof options.body === 'string' ? options.body : '', 'utf8');
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = String(v);
	return {
		method: (options.method ?? 'GET').toUpperCase(),
		rawPath: url.pathname,
		rawQuery: url.search.slice(1),
		url,
		headers,
		body,
		bodyText: body.toString('utf8'),
	};
}

async function call(options: IHttpRequestOptions): Promise<EmulatorResponse> {
	const response = await pds.handle(toEmulatorRequest(options), ctx);
	if (!response) throw new Error(`not handled: ${options.url}`);
	return response;
}

const jwtCredentials = (over: Record<string, unknown> = {}) => ({
	domainId: PDS_DOMAIN_ID,
	clientId: pdsJwtApp.clientId,
	privateKey: pdsJwtApp.privateKeyPem,
	subjectType: 'service',
	endpoint: BASE,
	...over,
});

function tokenRequest(formBody: string, contentType = 'application/x-www-form-urlencoded'): Promise<EmulatorResponse> {
	return call({ method: 'POST', url: `${BASE}/v2/oauth/token`, headers: { 'Content-Type': contentType }, body: formBody });
}

function form(assertion: string, clientId: string = pdsJwtApp.clientId): string {
	return new URLSearchParams({
		grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
		client_id: clientId,
		assertion,
	}).toString();
}

function assertion(over: Record<string, unknown> = {}, key: string = pdsJwtApp.privateKeyPem): string {
	const iat = Math.floor(clock / 1000);
	return createRs256Jwt(
		{
			iss: pdsJwtApp.clientId,
			sub: PDS_DOMAIN_ID,
			sub_type: 'service',
			aud: PDS_DOMAIN_ID,
			jti: createHash('sha1').update(JSON.stringify(over) + Math.random()).digest('hex'),
			iat,
			exp: iat + 60,
			...over,
		},
		key,
	);
}

async function token(over: Record<string, unknown> = {}): Promise<string> {
	const { body } = pdsJwtTokenRequestBody(jwtCredentials(over), new Date(clock));
	const response = await tokenRequest(body);
	expect(response.status).toBe(200);
	return (response.body as { access_token: string }).access_token;
}

function bearer(accessToken: string, path: string, body: unknown): Promise<EmulatorResponse> {
	return call(applyPdsBearerToken({ accessToken, endpoint: BASE }, { method: 'POST', url: path, body: body as never }));
}

interface Child {
	id: string;
	method?: string;
	url: string;
	body?: unknown;
	headers?: Record<string, string>;
}

function batchBody(resource: string, children: Child[]) {
	return {
		resource,
		requests: children.map((c) => ({
			method: 'POST',
			headers: c.body === undefined ? undefined : { 'Content-Type': 'application/json' },
			...c,
		})),
	};
}

async function batch(accessToken: string, resource: string, children: Child[]) {
	const response = await bearer(accessToken, '/v2/batch', batchBody(resource, children));
	expect(response.status).toBe(200);
	const out: Record<string, { status: number; body: Record<string, any> }> = {};
	for (const r of (response.body as { responses: Array<{ id: string; status: number; body: any }> }).responses) {
		out[r.id] = { status: r.status, body: r.body };
	}
	return out;
}

// ---------------------------------------------------------------------------------------------

describe('PDS emulator: token exchange', () => {
	it('issues a service token (2 h) and counts it', async () => {
		const { body } = pdsJwtTokenRequestBody(jwtCredentials(), new Date(clock));
		const response = await tokenRequest(body);
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({
			token_type: 'Bearer',
			expires_in: 7200,
			expire_time: '2025-03-01T12:00:00Z',
			domain_id: PDS_DOMAIN_ID,
			role: 'superadmin',
			user_id: '',
		});
		const b = response.body as Record<string, string>;
		expect(b.access_token).toMatch(/^\S{40,}$/);
		expect(b.refresh_token).toMatch(/^[0-9a-f]{48}$/);
		expect(pds.store.counters.tokensIssued).toBe(1);
		expect(pds.stats()).toMatchObject({ tokensIssued: 1, tokenRequests: 1, activeTokens: 1 });
	});

	it('issues a user token with the user and drive', async () => {
		const { body } = pdsJwtTokenRequestBody(jwtCredentials({ subjectType: 'user', userId: PDS_USER_ID }), new Date(clock));
		const response = await tokenRequest(body);
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ user_id: PDS_USER_ID, default_drive_id: PDS_USER_DRIVE_ID, role: 'user' });
	});

	it('rejects a bad signature, an expired assertion, a reused jti and a future iat', async () => {
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
			.privateKey.export({ type: 'pkcs8', format: 'pem' })
			.toString();
		const badSig = await tokenRequest(form(assertion({}, otherKey)));
		expect(badSig).toMatchObject({ status: 401, body: { code: 'InvalidJWTSignature' } });

		const iat = Math.floor(clock / 1000) - 120;
		const expired = await tokenRequest(form(assertion({ iat, exp: iat + 60 })));
		expect(expired).toMatchObject({ status: 400, body: { code: 'InvalidParameterExpired' } });

		const once = form(assertion({ jti: 'jti-used-once-0000000001' }));
		expect((await tokenRequest(once)).status).toBe(200);
		const replay = await tokenRequest(once);
		expect(replay).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
		expect((replay.body as { message: string }).message).toMatch(/jti has already been used/);

		const future = await tokenRequest(form(assertion({ iat: Math.floor(clock / 1000) + 3600, exp: Math.floor(clock / 1000) + 3660 })));
		expect(future).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
		expect((future.body as { message: string }).message).toMatch(/iat is in the future/);

		expect(pds.store.counters).toMatchObject({ tokensIssued: 1, tokenRequests: 5, tokenFailures: 4 });
	});

	it('checks iss, aud, sub, sub_type, jti length, client, header and content type', async () => {
		const cases: Array<[string, Promise<EmulatorResponse>, number, string]> = [
			['iss', tokenRequest(form(assertion({ iss: 'someone-else' }))), 400, 'InvalidParameterNotMatch'],
			['aud', tokenRequest(form(assertion({ aud: 'other-domain' }))), 400, 'InvalidParameterNotMatch'],
			['service sub', tokenRequest(form(assertion({ sub: 'not-the-domain' }))), 400, 'InvalidParameterNotMatch'],
			['sub_type', tokenRequest(form(assertion({ sub_type: 'robot' }))), 400, 'InvalidParameter'],
			['jti short', tokenRequest(form(assertion({ jti: 'short' }))), 400, 'InvalidParameter'],
			['no exp', tokenRequest(form(assertion({ exp: undefined }))), 400, 'InvalidParameterMissing'],
			['unknown client', tokenRequest(form(assertion({ iss: 'nope' }), 'nope')), 400, 'InvalidParameter'],
			['unknown user', tokenRequest(form(assertion({ sub_type: 'user', sub: 'ghost' }))), 404, 'NotFound.User'],
			['not a jwt', tokenRequest(form('abc.def')), 400, 'InvalidParameter'],
			['json body', tokenRequest(form(assertion()), 'application/json'), 400, 'InvalidParameter'],
			[
				'grant',
				tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', client_id: pdsJwtApp.clientId }).toString()),
				400,
				'InvalidParameterNotSupported',
			],
		];
		for (const [name, pending, status, code] of cases) {
			const response = await pending;
			expect({ name, status: response.status, code: (response.body as { code: string }).code }).toEqual({ name, status, code });
		}
		// alg "none" (unsigned) is refused
		const [, payload] = assertion().split('.');
		const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
		expect(await tokenRequest(form(none))).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
		expect(pds.store.counters.tokensIssued).toBe(0);
	});

	it('auto_create creates the user with a drive', async () => {
		const tok = await token({ subjectType: 'user', userId: 'new-user-1', autoCreateUser: true });
		const me = await bearer(tok, '/v2/user/get', {});
		expect(me).toMatchObject({ status: 200, body: { user_id: 'new-user-1', role: 'user' } });
		const drives = await bearer(tok, '/v2/drive/list_my_drives', { limit: 1 });
		expect((drives.body as { items: unknown[] }).items).toHaveLength(1);
	});

	it('tokens expire after 2 h on the emulator clock and on tokenGeneration bumps; refresh works', async () => {
		const tok = await token();
		expect((await bearer(tok, '/v2/drive/list', { limit: 1 })).status).toBe(200);
		clock += 7199_000;
		expect((await bearer(tok, '/v2/drive/list', { limit: 1 })).status).toBe(200);
		clock += 1_000;
		expect(await bearer(tok, '/v2/drive/list', { limit: 1 })).toMatchObject({
			status: 401,
			body: { code: 'AccessTokenExpired' },
		});

		const fresh = await token();
		ctx.tokenGeneration++;
		expect(await bearer(fresh, '/v2/drive/list', {})).toMatchObject({ status: 401, body: { code: 'AccessTokenExpired' } });

		const issued = await tokenRequest(pdsJwtTokenRequestBody(jwtCredentials(), new Date(clock)).body);
		const refresh = (issued.body as { refresh_token: string }).refresh_token;
		const refreshed = await tokenRequest(
			new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: pdsJwtApp.clientId }).toString(),
		);
		expect(refreshed.status).toBe(200);
		const again = (refreshed.body as { access_token: string }).access_token;
		expect((await bearer(again, '/v2/drive/list', {})).status).toBe(200);
		expect(
			(
				await tokenRequest(
					new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: pdsJwtApp.clientId }).toString(),
				)
			).status,
		).toBe(401);
	});

	it('rejects missing, unknown and mismatched bearer tokens', async () => {
		const noAuth = await call({ method: 'POST', url: `${BASE}/v2/batch`, body: '{}' });
		expect(noAuth).toMatchObject({ status: 401, body: { code: 'AccessTokenInvalid' } });
		expect(await bearer('made-up', '/v2/batch', {})).toMatchObject({ status: 401, body: { code: 'AccessTokenInvalid' } });
		const tok = await token();
		const mismatched = await call({
			method: 'POST',
			url: `${BASE}/v2/drive/list`,
			headers: { authorization: `Bearer ${tok}`, 'x-acs-bearer-token': 'other' },
			body: '{}',
		});
		expect(mismatched.status).toBe(401);
		expect(pds.store.counters.authFailures).toBe(3);
	});
});

describe('PDS emulator: AccessKey signatures', () => {
	const akCredentials = (over: Record<string, unknown> = {}) => ({
		domainId: PDS_DOMAIN_ID,
		accessKeyId: pdsAccessKey.accessKeyId,
		accessKeySecret: pdsAccessKey.accessKeySecret,
		endpoint: BASE,
		...over,
	});

	const signed = (over: Record<string, unknown> = {}, at = new Date(clock), options: Partial<IHttpRequestOptions> = {}) =>
		signPdsAccessKey(akCredentials(over), { method: 'POST', url: '/v2/drive/list', body: { limit: 2 }, ...options }, at);

	it('accepts a signed request (with a query string too)', async () => {
		const response = await call(signed());
		expect(response.status).toBe(200);
		expect((response.body as { items: unknown[] }).items).toHaveLength(2);
		const withQuery = await call(signed({}, new Date(clock), { qs: { b: 'x y+z', a: '中文', empty: '' } }));
		expect(withQuery.status).toBe(200);
	});

	it('rejects a Date more than 15 minutes off the server clock (403)', async () => {
		expect((await call(signed({}, new Date(clock - 14 * 60_000)))).status).toBe(200);
		expect((await call(signed({}, new Date(clock + 14 * 60_000)))).status).toBe(200);
		const late = await call(signed({}, new Date(clock - 16 * 60_000)));
		expect(late).toMatchObject({ status: 403, body: { code: 'RequestTimeTooSkewed' } });
		const early = await call(signed({}, new Date(clock + 16 * 60_000)));
		expect(early).toMatchObject({ status: 403, body: { code: 'RequestTimeTooSkewed' } });
	});

	it('rejects a wrong secret, a tampered signed header and a reused nonce', async () => {
		const wrong = await call(signed({ accessKeySecret: 'not-the-secret' }));
		expect(wrong).toMatchObject({ status: 403, body: { code: 'InvalidSignature' } });
		expect((wrong.body as { message: string }).message).toMatch(/Server string to sign: "POST\\napplication\/json/);

		const tampered = signed();
		(tampered.headers as Record<string, string>)['x-acs-action'] = 'DeleteDrive';
		expect(await call(tampered)).toMatchObject({ status: 403, body: { code: 'InvalidSignature' } });

		const once = signed();
		expect((await call(once)).status).toBe(200);
		expect(await call(once)).toMatchObject({ status: 403, body: { code: 'SignatureNonceUsed' } });

		const unknown = await call(signed({ accessKeyId: 'NOPE' }));
		expect(unknown).toMatchObject({ status: 403, body: { code: 'InvalidAccessKeyId.NotFound' } });
		expect(pds.store.counters.signatureFailures).toBe(2);
	});

	it('STS keys need their security token', async () => {
		const sts = { accessKeyId: pdsStsAccessKey.accessKeyId, accessKeySecret: pdsStsAccessKey.accessKeySecret };
		expect(await call(signed(sts))).toMatchObject({ status: 403, body: { code: 'InvalidSecurityToken.Missing' } });
		expect(await call(signed({ ...sts, securityToken: 'wrong' }))).toMatchObject({
			status: 403,
			body: { code: 'InvalidSecurityToken.Mismatch' },
		});
		expect((await call(signed({ ...sts, securityToken: pdsStsAccessKey.securityToken }))).status).toBe(200);
	});

	it('a signed batch works like a bearer one (AccessKey = domain-wide)', async () => {
		const response = await call(
			signPdsAccessKey(
				akCredentials(),
				{
					method: 'POST',
					url: '/v2/batch',
					body: batchBody('drive', [{ id: 'd2', url: '/drive/get', body: { drive_id: PDS_OTHER_DRIVE_ID } }]),
				},
				new Date(clock),
			),
		);
		expect(response).toMatchObject({
			status: 200,
			body: { responses: [{ id: 'd2', status: 200, body: { drive_id: PDS_OTHER_DRIVE_ID, owner_type: 'user' } }] },
		});
	});
});

describe('PDS emulator: batch request validation', () => {
	let tok: string;
	beforeEach(async () => {
		tok = await token();
	});

	const get = (i: number): Child => ({ id: `r${i}`, url: '/file/get', body: { drive_id: PDS_USER_DRIVE_ID, file_id: fileId('readme.md') } });

	it('enforces 1..100 children', async () => {
		const empty = await bearer(tok, '/v2/batch', { resource: 'file', requests: [] });
		expect(empty).toMatchObject({ status: 400, body: { code: 'InvalidParameterOutOfRange' } });
		const tooMany = await bearer(tok, '/v2/batch', batchBody('file', Array.from({ length: 101 }, (_, i) => get(i))));
		expect(tooMany).toMatchObject({ status: 400, body: { code: 'InvalidParameterOutOfRange' } });
		const hundred = await batch(tok, 'file', Array.from({ length: 100 }, (_, i) => get(i)));
		expect(Object.keys(hundred)).toHaveLength(100);
		expect(Object.values(hundred).every((r) => r.status === 200 && r.body.name === 'readme.md')).toBe(true);
		expect(pds.store.counters).toMatchObject({ batchRequests: 3, batchChildren: 100 });
	});

	it('rejects duplicate ids, unlisted urls, resource mismatches and bad shapes with 400', async () => {
		const cases: Array<[unknown, string]> = [
			[batchBody('file', [get(1), get(1)]), 'InvalidParameter'],
			[batchBody('file', [{ id: 'c', url: '/file/create', body: {} }]), 'InvalidParameterNotSupported'],
			[batchBody('file', [{ id: 'v', url: '/v2/file/get', body: {} }]), 'InvalidParameterNotSupported'],
			[batchBody('share_link', [get(1)]), 'InvalidParameterNotMatch'],
			[batchBody('drive', [{ id: 't', url: '/recyclebin/trash', body: {} }]), 'InvalidParameterNotMatch'],
			[batchBody('folder', [get(1)]), 'InvalidParameter'],
			[{ requests: [get(1)] }, 'InvalidParameterMissing'],
			[{ resource: 'file' }, 'InvalidParameterMissing'],
			[{ resource: 'file', requests: {} }, 'InvalidParameter'],
			[batchBody('file', [{ id: '', url: '/file/get' }]), 'InvalidParameterMissing'],
			[batchBody('file', [{ id: 'm', method: 'PATCH', url: '/file/get' }]), 'InvalidParameter'],
		];
		for (const [body, code] of cases) {
			const response = await bearer(tok, '/v2/batch', body);
			expect({ body, status: response.status, code: (response.body as { code: string }).code }).toEqual({
				body,
				status: 400,
				code,
			});
		}
		const notJson = await call({
			method: 'POST',
			url: `${BASE}/v2/batch`,
			headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
			body: '{"resource":',
		});
		expect(notJson).toMatchObject({ status: 400, body: { code: 'InvalidRequestJSONFormat' } });
		const getMethod = await call({ method: 'GET', url: `${BASE}/v2/batch`, headers: { authorization: `Bearer ${tok}` } });
		expect(getMethod.status).toBe(405);
	});

	it('a child body needs Content-Type: application/json; a string body is parsed', async () => {
		const response = await bearer(tok, '/v2/batch', {
			resource: 'file',
			requests: [
				{ id: 'no-ct', method: 'POST', url: '/file/get', body: { drive_id: '1', file_id: fileId('readme.md') } },
				{
					id: 'string',
					method: 'POST',
					url: '/file/get',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ drive_id: '1', file_id: fileId('readme.md') }),
				},
			],
		});
		const [noCt, str] = (response.body as { responses: Array<{ id: string; status: number; body: any }> }).responses;
		expect(noCt).toMatchObject({ id: 'no-ct', status: 400, body: { code: 'InvalidParameterMissing' } });
		expect(str).toMatchObject({ id: 'string', status: 200, body: { name: 'readme.md' } });
	});

	it('leaves other vendors\' /v2 paths alone', async () => {
		const other = await pds.handle(toEmulatorRequest({ method: 'POST', url: `${BASE}/v2/servicerequest/x` }), ctx);
		expect(other).toBeUndefined();
		expect(await pds.handle(toEmulatorRequest({ method: 'GET', url: `${BASE}/v7/files` }), ctx)).toBeUndefined();
		expect(routeModules).toContain(pdsModule);
	});
});

describe('PDS emulator: child operations', () => {
	let tok: string;
	beforeEach(async () => {
		tok = await token();
	});

	it('file/get, not found, get_download_url, drive/user/group get', async () => {
		const r = await batch(tok, 'file', [
			{ id: 'get', url: '/file/get', body: { drive_id: '1', file_id: fileId('Documents/report-2024.pdf'), fields: '*' } },
			{ id: 'missing', url: '/file/get', body: { drive_id: '1', file_id: 'nope' } },
			{ id: 'no-id', url: '/file/get', body: { drive_id: '1' } },
			{ id: 'url', url: '/file/get_download_url', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg'), expire_sec: 3600 } },
			{ id: 'url-range', url: '/file/get_download_url', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg'), expire_sec: 200000 } },
			{ id: 'folder-url', url: '/file/get_download_url', body: { drive_id: '1', file_id: fileId('Photos/') } },
		]);
		expect(r.get.status).toBe(200);
		expect(r.get.body).toMatchObject({
			domain_id: PDS_DOMAIN_ID,
			drive_id: '1',
			file_id: fileId('Documents/report-2024.pdf'),
			parent_file_id: fileId('Documents/'),
			name: 'report-2024.pdf',
			type: 'file',
			content_hash_name: 'sha1',
			file_extension: 'pdf',
			category: 'doc',
			labels: ['finance', 'report'],
			starred: true,
			hidden: false,
			description: 'Annual report',
			user_tags: [{ key: 'project', value: 'apollo' }],
			url: `${BASE}/__files/pds/${fileId('Documents/report-2024.pdf')}`,
		});
		expect(r.get.body.content_hash).toMatch(/^[0-9A-F]{40}$/);
		expect(r.get.body.size).toBeGreaterThan(0);
		expect(r.missing).toEqual({ status: 404, body: { code: 'NotFound.File', message: expect.stringContaining('nope') } });
		expect(r['no-id']).toMatchObject({ status: 400, body: { code: 'InvalidParameterMissing' } });
		expect(r.url).toEqual({
			status: 200,
			body: expect.objectContaining({
				url: `${BASE}/__files/pds/${fileId('Photos/cat.jpg')}`,
				expiration: new Date(clock + 3600_000).toISOString(),
				method: 'GET',
				size: expect.any(Number),
			}),
		});
		expect(r['url-range']).toMatchObject({ status: 400, body: { code: 'InvalidParameterOutOfRange' } });
		expect(r['folder-url']).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });

		const d = await batch(tok, 'drive', [{ id: 'd', url: '/drive/get', body: { drive_id: PDS_GROUP_DRIVE_ID } }]);
		expect(d.d.body).toMatchObject({ drive_id: PDS_GROUP_DRIVE_ID, owner: PDS_GROUP_ID, owner_type: 'group' });
		const u = await batch(tok, 'user', [
			{ id: 'u', url: '/user/get', body: { user_id: PDS_USER_ID } },
			{ id: 'no-user', url: '/user/get', body: {} },
		]);
		expect(u.u.body).toMatchObject({ user_id: PDS_USER_ID, user_name: 'alice', default_drive_id: '1' });
		expect(u['no-user']).toMatchObject({ status: 400, body: { code: 'InvalidParameterMissing' } });
		const g = await batch(tok, 'group', [{ id: 'g', url: '/group/get', body: { group_id: 'nope' } }]);
		expect(g.g).toMatchObject({ status: 404, body: { code: 'NotFound.Group' } });
	});

	it('file/update: metadata, rename conflict (409), search sees the change', async () => {
		const notes = fileId('Documents/notes.txt');
		const r = await batch(tok, 'file', [
			{
				id: 'meta',
				url: '/file/update',
				body: { drive_id: '1', file_id: notes, starred: true, hidden: true, labels: ['a', 'b', 'a'], description: 'hi' },
			},
			{ id: 'clash', url: '/file/update', body: { drive_id: '1', file_id: notes, name: 'report-2024.pdf' } },
			{ id: 'auto', url: '/file/update', body: { drive_id: '1', file_id: notes, name: 'report-2024.pdf', check_name_mode: 'auto_rename' } },
			{ id: 'bad', url: '/file/update', body: { drive_id: '1', file_id: notes, starred: 'yes' } },
		]);
		expect(r.meta.body).toMatchObject({ starred: true, hidden: true, labels: ['a', 'b'], description: 'hi' });
		expect(r.meta.body.updated_at).toBe(new Date(clock).toISOString());
		expect(r.clash).toMatchObject({ status: 409, body: { code: 'AlreadyExist.File' } });
		expect(r.auto.body.name).toBe('report-2024(1).pdf');
		expect(r.bad).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });

		const s = await batch(tok, 'file', [
			{ id: 's', url: '/file/search', body: { drive_id: '1', query: 'name match "report" and type = "file"', order_by: 'name ASC', return_total_count: true } },
			{ id: 'labels', url: '/file/search', body: { drive_id: '1', query: "label in ['animal'] and starred = true" } },
			{ id: 'page', url: '/file/search', body: { drive_id: '1', query: `parent_file_id = '${fileId('bulk/')}'`, limit: 100 } },
			{ id: 'bad', url: '/file/search', body: { drive_id: '1', query: 'name ==== x' } },
		]);
		expect(s.s.body.items.map((f: { name: string }) => f.name)).toEqual(['report-2024(1).pdf', 'report-2024.pdf']);
		expect(s.s.body.total_count).toBe(2);
		expect(s.labels.body.items.map((f: { name: string }) => f.name)).toEqual(['dog.png']);
		expect(s.page.body.items).toHaveLength(100);
		expect(s.page.body.next_marker).not.toBe('');
		expect(s.bad).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
		const next = await batch(tok, 'file', [
			{ id: 'p2', url: '/file/search', body: { drive_id: '1', query: `parent_file_id = '${fileId('bulk/')}'`, marker: s.page.body.next_marker } },
		]);
		expect(next.p2.body.items).toHaveLength(20);
		expect(next.p2.body.next_marker).toBe('');
	});

	it('folder copy runs as an async task that finishes on the emulator clock', async () => {
		const r = await batch(tok, 'file', [
			{ id: 'copy', url: '/file/copy', body: { drive_id: '1', file_id: fileId('Documents/'), to_parent_file_id: fileId('Photos/') } },
			{ id: 'file-copy', url: '/file/copy', body: { drive_id: '1', file_id: fileId('readme.md'), to_parent_file_id: 'root' } },
			{ id: 'file-copy-auto', url: '/file/copy', body: { drive_id: '1', file_id: fileId('readme.md'), to_parent_file_id: 'root', auto_rename: true } },
			{ id: 'into-self', url: '/file/copy', body: { drive_id: '1', file_id: fileId('Documents/'), to_parent_file_id: fileId('Documents/Archive/') } },
		]);
		expect(r.copy.status).toBe(202);
		expect(r.copy.body).toMatchObject({ domain_id: PDS_DOMAIN_ID, drive_id: '1', async_task_id: expect.any(String) });
		expect(r['file-copy']).toMatchObject({ status: 409, body: { code: 'AlreadyExist.File' } });
		expect(r['file-copy-auto'].status).toBe(201);
		expect(r['file-copy-auto'].body.async_task_id).toBeUndefined();
		expect(r['into-self']).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });

		const taskId = r.copy.body.async_task_id as string;
		const newFolder = r.copy.body.file_id as string;
		const running = await batch(tok, 'async_task', [{ id: 't', url: '/async_task/get', body: { async_task_id: taskId } }]);
		expect(running.t.body).toMatchObject({ async_task_id: taskId, state: 'Running', total_process: 5 });
		clock += 2_000;
		const done = await batch(tok, 'async_task', [
			{ id: 't', url: '/async_task/get', body: { async_task_id: taskId } },
			{ id: 'x', url: '/async_task/get', body: { async_task_id: 'nope' } },
		]);
		expect(done.t.body).toMatchObject({ state: 'Succeed', consumed_process: 5 });
		expect(done.x).toMatchObject({ status: 404, body: { code: 'NotFound.AsyncTask' } });
		const copied = await batch(tok, 'file', [
			{ id: 'q', url: '/file/search', body: { drive_id: '1', query: `parent_file_id = '${newFolder}'`, order_by: 'name ASC' } },
		]);
		expect(copied.q.body.items.map((f: { name: string }) => f.name)).toEqual(['Archive', 'notes.txt', 'report-2024.pdf']);
	});

	it('trash / restore / delete, with async folder operations', async () => {
		const r = await batch(tok, 'file', [
			{ id: 'trash-file', url: '/recyclebin/trash', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg') } },
			{ id: 'trash-folder', url: '/recyclebin/trash', body: { drive_id: '1', file_id: fileId('Documents/') } },
			{ id: 'get-trashed', url: '/file/get', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg') } },
			{ id: 'url-trashed', url: '/file/get_download_url', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg') } },
		]);
		expect(r['trash-file']).toEqual({
			status: 200,
			body: { async_task_id: '', domain_id: PDS_DOMAIN_ID, drive_id: '1', file_id: fileId('Photos/cat.jpg') },
		});
		expect(r['trash-folder'].status).toBe(202);
		expect(r['get-trashed'].body).toMatchObject({ trashed: true, trashed_at: new Date(clock).toISOString() });
		expect(r['url-trashed']).toMatchObject({ status: 404, body: { code: 'NotFound.File' } });

		clock += 2_000;
		const after = await batch(tok, 'file', [
			{ id: 'child', url: '/file/get', body: { drive_id: '1', file_id: fileId('Documents/notes.txt') } },
			{ id: 'restore', url: '/recyclebin/restore', body: { drive_id: '1', file_id: fileId('Documents/') } },
			{ id: 'child-again', url: '/file/get', body: { drive_id: '1', file_id: fileId('Documents/notes.txt') } },
			{ id: 'delete-file', url: '/file/delete', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg') } },
			{ id: 'gone', url: '/file/get', body: { drive_id: '1', file_id: fileId('Photos/cat.jpg') } },
			{ id: 'delete-folder', url: '/file/delete', body: { drive_id: '1', file_id: fileId('bulk/') } },
		]);
		expect(after.child.body.trashed).toBe(true);
		expect(after.restore.status).toBe(200);
		expect(after['child-again'].body.trashed).toBe(false);
		expect(after['delete-file'].status).toBe(200);
		expect(after.gone).toMatchObject({ status: 404, body: { code: 'NotFound.File' } });
		expect(after['delete-folder']).toMatchObject({ status: 202, body: { async_task_id: expect.any(String) } });
		const before = pds.store.files.size;
		clock += 2_000;
		await batch(tok, 'drive', [{ id: 'd', url: '/drive/get', body: { drive_id: '1' } }]);
		expect(pds.store.files.size).toBe(before - 121);
	});

	it('move and user tags', async () => {
		const r = await batch(tok, 'file', [
			{ id: 'move', url: '/file/move', body: { drive_id: '1', file_id: fileId('readme.md'), to_parent_file_id: fileId('Documents/') } },
			{ id: 'put', url: '/file/put_usertags', body: { drive_id: '1', file_id: fileId('readme.md'), user_tags: [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }] } },
			{ id: 'del', url: '/file/delete_usertags', body: { drive_id: '1', file_id: fileId('readme.md'), key_list: ['k1'] } },
			{ id: 'get', url: '/file/get', body: { drive_id: '1', file_id: fileId('readme.md') } },
			{ id: 'bad-tags', url: '/file/put_usertags', body: { drive_id: '1', file_id: fileId('readme.md'), user_tags: [{ value: 'x' }] } },
		]);
		expect(r.move.status).toBe(200);
		expect(r.put).toEqual({ status: 200, body: { file_id: fileId('readme.md') } });
		expect(r.del).toEqual({ status: 204, body: undefined });
		expect(r.get.body).toMatchObject({ parent_file_id: fileId('Documents/'), user_tags: [{ key: 'k2', value: 'v2' }] });
		expect(r['bad-tags']).toMatchObject({ status: 400, body: { code: 'InvalidParameter' } });
	});

	it('share links: create, token, share download url, list, cancel', async () => {
		const userTok = await token({ subjectType: 'user', userId: PDS_USER_ID });
		const created = await batch(userTok, 'share_link', [
			{ id: 'c', url: '/share_link/create', body: { drive_id: '1', file_id_list: [fileId('Photos/')], share_pwd: 'pw12' } },
		]);
		expect(created.c.status).toBe(201);
		const shareId = created.c.body.share_id as string;
		expect(created.c.body).toMatchObject({ drive_id: '1', file_id_list: [fileId('Photos/')], creator: PDS_USER_ID, status: 'enabled' });
		const t = await batch(userTok, 'share_link', [
			{ id: 'bad', url: '/share_link/get_share_token', body: { share_id: shareId, share_pwd: 'nope' } },
			{ id: 'ok', url: '/share_link/get_share_token', body: { share_id: shareId, share_pwd: 'pw12' } },
			{ id: 'list', url: '/share_link/list', body: {} },
			{ id: 'upd', url: '/share_link/update', body: { share_id: shareId, description: 'holiday' } },
		]);
		expect(t.bad).toMatchObject({ status: 400, body: { code: 'InvalidParameterNotMatch' } });
		expect(t.ok.body).toMatchObject({ share_token: expect.any(String), expires_in: 7200 });
		expect(t.list.body.items.map((l: { share_id: string }) => l.share_id)).toEqual([shareId]);
		expect(t.upd.body.description).toBe('holiday');
		const shareToken = t.ok.body.share_token as string;
		const dl = await batch(userTok, 'file', [
			{
				id: 'in',
				url: '/file/get_share_link_download_url',
				body: { share_id: shareId, file_id: fileId('Photos/dog.png') },
				headers: { 'Content-Type': 'application/json', 'x-share-token': shareToken },
			},
			{
				id: 'out',
				url: '/file/get_share_link_download_url',
				body: { share_id: shareId, file_id: fileId('readme.md') },
				headers: { 'Content-Type': 'application/json', 'x-share-token': shareToken },
			},
			{ id: 'no-token', url: '/file/get_share_link_download_url', body: { share_id: shareId, file_id: fileId('Photos/dog.png') } },
		]);
		expect(dl.in.body.url).toBe(`${BASE}/__files/pds/${fileId('Photos/dog.png')}`);
		expect(dl.out).toMatchObject({ status: 403 });
		expect(dl['no-token']).toMatchObject({ status: 401, body: { code: 'ShareLinkTokenInvalid' } });
		const cancel = await batch(userTok, 'share_link', [
			{ id: 'x', url: '/share_link/cancel', body: { share_id: shareId } },
			{ id: 'g', url: '/share_link/get', body: { share_id: shareId } },
		]);
		expect(cancel.x.status).toBe(204);
		expect(cancel.g).toMatchObject({ status: 404, body: { code: 'NotFound.ShareLink' } });
	});

	it('a user token only reaches its own and its groups\' drives', async () => {
		const userTok = await token({ subjectType: 'user', userId: PDS_USER_ID });
		const r = await batch(userTok, 'drive', [
			{ id: 'own', url: '/drive/get', body: { drive_id: PDS_USER_DRIVE_ID } },
			{ id: 'group', url: '/drive/get', body: { drive_id: PDS_GROUP_DRIVE_ID } },
			{ id: 'other', url: '/drive/get', body: { drive_id: PDS_OTHER_DRIVE_ID } },
			{ id: 'none', url: '/drive/get', body: { drive_id: '999' } },
		]);
		expect(r.own.status).toBe(200);
		expect(r.group.status).toBe(200);
		expect(r.other).toMatchObject({ status: 403, body: { code: 'Forbidden' } });
		expect(r.none).toMatchObject({ status: 404, body: { code: 'NotFound.Drive' } });
		const me = await bearer(userTok, '/v2/user/get', {});
		expect(me.body).toMatchObject({ user_id: PDS_USER_ID });
		const direct = await bearer(userTok, '/v2/file/get', { drive_id: '1', file_id: 'nope' });
		expect(direct).toMatchObject({ status: 404, body: { code: 'NotFound.File' } });
		expect(direct.headers?.['x-ca-request-id']).toEqual(expect.any(String));
	});

	it('reset() restores the seed and clears tokens and counters', async () => {
		await batch(tok, 'file', [{ id: 'd', url: '/file/delete', body: { drive_id: '1', file_id: fileId('readme.md') } }]);
		pds.reset();
		expect(pds.store.files.has(fileId('readme.md'))).toBe(true);
		expect(pds.store.counters.tokensIssued).toBe(0);
		expect(await bearer(tok, '/v2/drive/list', {})).toMatchObject({ status: 401 });
	});
});

// ---------------------------------------------------------------------------------------------

describe('PDS emulator over HTTP with the credentials (n8n-core credential tests)', () => {
	let emulator: Emulator;

	beforeAll(async () => {
		emulator = await startEmulator({ modules: [pdsModule] });
	});
	afterAll(async () => {
		await emulator.close();
	});
	beforeEach(() => emulator.reset());

	it('JWT app credential test: service and user subjects, endpoint with /pds prefix', async () => {
		const service = await testCredential(new AlibabaPdsJwtAppApi(), jwtCredentials({ endpoint: emulator.url }));
		expect(service).toMatchObject({ status: 'OK' });
		expect(service.credentialStore.preAuthCalls).toHaveLength(1);
		const user = await testCredential(
			new AlibabaPdsJwtAppApi(),
			jwtCredentials({ endpoint: `${emulator.url}/pds/`, subjectType: 'user', userId: PDS_USER_ID }),
		);
		expect(user).toMatchObject({ status: 'OK' });
		expect(getPdsState().tokensIssued).toBe(2);
		expect(emulator.countRequests('/v2/drive/list_my_drives')).toBe(1);
		expect(emulator.countRequests('/v2/drive/list')).toBe(2);
	});

	it('JWT app credential test fails with a key the app does not know', async () => {
		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
			.privateKey.export({ type: 'pkcs8', format: 'pem' })
			.toString();
		const result = await testCredential(new AlibabaPdsJwtAppApi(), jwtCredentials({ endpoint: emulator.url, privateKey: otherKey }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/InvalidJWTSignature/);
		expect(result.message).not.toMatch(/eyJ/);
		expect(getPdsState().tokensIssued).toBe(0);
	});

	it('AccessKey credential test: OK, STS OK, wrong secret fails', async () => {
		const base = {
			domainId: PDS_DOMAIN_ID,
			accessKeyId: pdsAccessKey.accessKeyId,
			accessKeySecret: pdsAccessKey.accessKeySecret,
			endpoint: emulator.url,
		};
		expect(await testCredential(new AlibabaPdsAccessKeyApi(), base)).toMatchObject({ status: 'OK' });
		expect(
			await testCredential(new AlibabaPdsAccessKeyApi(), {
				...base,
				accessKeyId: pdsStsAccessKey.accessKeyId,
				accessKeySecret: pdsStsAccessKey.accessKeySecret,
				securityToken: pdsStsAccessKey.securityToken,
				endpoint: `${emulator.url}/pds`,
			}),
		).toMatchObject({ status: 'OK' });
		const wrong = await testCredential(new AlibabaPdsAccessKeyApi(), { ...base, accessKeySecret: 'wrong' });
		expect(wrong.status).toBe('Error');
		expect(getPdsState().counters.signatureFailures).toBe(1);
		expect(wrong.message).toMatch(/^InvalidSignature: .*AccessKey Secret is most likely wrong.*15 minutes/);
	});

	it('AccessKey credential test names the code and the field: unknown id, STS without token, clock off', async () => {
		const base = {
			domainId: PDS_DOMAIN_ID,
			accessKeyId: pdsAccessKey.accessKeyId,
			accessKeySecret: pdsAccessKey.accessKeySecret,
			endpoint: emulator.url,
		};
		const unknown = await testCredential(new AlibabaPdsAccessKeyApi(), { ...base, accessKeyId: 'LTAInosuchkey' });
		expect(unknown).toMatchObject({ status: 'Error', message: expect.stringMatching(/^InvalidAccessKeyId\.NotFound: .*AccessKey ID field/) });
		const sts = await testCredential(new AlibabaPdsAccessKeyApi(), {
			...base,
			accessKeyId: pdsStsAccessKey.accessKeyId,
			accessKeySecret: pdsStsAccessKey.accessKeySecret,
		});
		expect(sts).toMatchObject({ status: 'Error', message: expect.stringMatching(/^InvalidSecurityToken\.Missing: .*Security Token field/) });
		emulator.shiftClock(-16 * 60_000);
		const skewed = await testCredential(new AlibabaPdsAccessKeyApi(), base);
		expect(skewed).toMatchObject({ status: 'Error', message: expect.stringMatching(/^RequestTimeTooSkewed: .*more than 15 minutes/) });
		const elsewhere = await testCredential(new AlibabaPdsAccessKeyApi(), { ...base, endpoint: `${emulator.url}/nowhere` });
		expect(elsewhere).toMatchObject({ status: 'Error', message: expect.stringMatching(/did not answer with a drive list/) });
		for (const result of [unknown, sts, skewed, elsewhere]) expect(result.message).not.toContain(pdsAccessKey.accessKeySecret);
	});

	it('batch over HTTP and the download url serves the file bytes', async () => {
		const assertionJwt = createPdsAssertion({
			clientId: pdsJwtApp.clientId,
			domainId: PDS_DOMAIN_ID,
			subjectType: 'user',
			userId: PDS_USER_ID,
			privateKey: pdsJwtApp.privateKeyPem,
		});
		const tokenResponse = await fetch(`${emulator.url}/v2/oauth/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: form(assertionJwt),
		});
		expect(tokenResponse.status).toBe(200);
		const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
		const options = applyPdsBearerToken(
			{ accessToken, endpoint: emulator.url },
			{
				method: 'POST',
				url: '/v2/batch',
				body: batchBody('file', [
					{ id: 'u', url: '/file/get_download_url', body: { drive_id: '1', file_id: fileId('Documents/notes.txt') } },
					{ id: 'g', url: '/file/get', body: { drive_id: '1', file_id: fileId('Documents/notes.txt') } },
				]) as never,
			},
		);
		const response = await fetch(options.url, {
			method: 'POST',
			headers: options.headers as Record<string, string>,
			body: options.body as string,
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('x-ca-request-id')).toEqual(expect.any(String));
		const { responses } = (await response.json()) as { responses: Array<{ id: string; body: any }> };
		const url = responses.find((r) => r.id === 'u')!.body.url as string;
		const file = responses.find((r) => r.id === 'g')!.body;
		expect(url).toBe(`${emulator.url}/__files/pds/${fileId('Documents/notes.txt')}`);
		const download = await fetch(url);
		expect(download.status).toBe(200);
		const bytes = Buffer.from(await download.arrayBuffer());
		expect(bytes.length).toBe(file.size);
		expect(createHash('sha1').update(bytes).digest('hex').toUpperCase()).toBe(file.content_hash);
		expect(download.headers.get('content-disposition')).toContain('notes.txt');
	});
});
