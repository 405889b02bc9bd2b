/**
 * Huawei Cloud routes of the emulator (IAM, OSM, MetaStudio, TaurusDB) and the API-gateway auth
 * in front of them, exercised over real HTTP with the project's own signer.
 */
import { request as httpRequest } from 'node:http';

import type { IHttpRequestOptions } from 'n8n-workflow';

import { signHuaweiAkSk } from '../../credentials/HuaweiCloudAkSkApi.credentials';
import { formatSdkDate, signHuaweiRequest } from '../../credentials/common/huaweiSigner';
import { canonicalQuery } from '../../credentials/common/wireRequest';
import {
	HUAWEI_PROJECT,
	HUAWEI_SECOND_PROJECT,
	huaweiAccount,
	huaweiAkSkCredentials,
	huaweiModules,
	huaweiPermanentKey,
	huaweiState,
	huaweiTemporaryKey,
	metaStudioAssets,
	OSM_FORBIDDEN_GROUP_ID,
	osmAttachments,
	TAURUSDB_INSTANCE_ID,
	TAURUSDB_NODE_IDS,
	taurusAuditFiles,
} from '../emulator/huawei';
import { formatBeijing } from '../emulator/huawei/http';
import { startEmulator, type Emulator } from '../emulator/server';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ modules: huaweiModules });
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	emu.reset();
});

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

async function call(method: string, pathAndQuery: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
	const res = await fetch(emu.url + pathAndQuery, { method, headers: init.headers, body: init.body });
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

function tokenBody(scope: unknown, user: Record<string, unknown> = {}) {
	return JSON.stringify({
		auth: {
			identity: {
				methods: ['password'],
				password: {
					user: {
						name: huaweiAccount.userName,
						password: huaweiAccount.password,
						domain: { name: huaweiAccount.domainName },
						...user,
					},
				},
			},
			scope,
		},
	});
}

async function issueToken(scope: unknown = { project: { name: huaweiAccount.projectName } }): Promise<string> {
	const r = await call('POST', '/v3/auth/tokens?nocatalog=true', {
		headers: { 'content-type': 'application/json;charset=utf8' },
		body: tokenBody(scope),
	});
	expect(r.status).toBe(201);
	return r.headers.get('x-subject-token')!;
}

interface Key {
	accessKeyId: string;
	secretAccessKey: string;
	securityToken?: string;
}

interface SignedCall {
	method?: string;
	path: string;
	query?: Array<[string, string]>;
	/** Query string to send instead of the canonical one (the signature still covers `query`). */
	rawQuery?: string;
	body?: string;
	headers?: Record<string, string>;
	key?: Key;
	date?: Date;
	/** Sign with this SK instead of the key's. */
	signWithSecret?: string;
	/** Change the body after signing. */
	sendBody?: string;
}

/** Signs like a client with the project's signer (host, x-sdk-date and every x-* header signed). */
async function signedCall(o: SignedCall): Promise<Reply> {
	const method = o.method ?? 'GET';
	const key: Key = o.key ?? huaweiPermanentKey;
	const headers: Record<string, string> = { 'x-sdk-date': formatSdkDate(o.date ?? new Date()), ...(o.headers ?? {}) };
	if (key.securityToken) headers['x-security-token'] = key.securityToken;
	const signature = signHuaweiRequest({
		method,
		path: o.path,
		query: o.query ?? [],
		headers: { host: new URL(emu.url).host, ...headers },
		body: o.body ?? '',
		accessKeyId: key.accessKeyId,
		secretAccessKey: o.signWithSecret ?? key.secretAccessKey,
	});
	const qs = o.rawQuery ?? canonicalQuery(o.query ?? []);
	return call(method, o.path + (qs ? `?${qs}` : ''), {
		headers: { ...headers, authorization: signature.authorization },
		body: o.sendBody ?? (o.body === undefined || o.body === '' ? undefined : o.body),
	});
}

/** Sends what the package's AK/SK credential produces for n8n request options. */
async function viaCredential(options: IHttpRequestOptions, temporary = false): Promise<Reply> {
	const signed = signHuaweiAkSk(huaweiAkSkCredentials(emu.url, temporary), { baseURL: emu.url, ...options }, new Date());
	return call(signed.method ?? 'GET', signed.url.slice(emu.url.length), {
		headers: signed.headers as Record<string, string>,
		body: signed.body as string | undefined,
	});
}

const OSM_PATH = '/v2/servicerequest/accessorys/access-urls';
const MS_PATH = `/v1/${HUAWEI_PROJECT.id}/digital-assets/batch-action`;
const TAURUS_PATH = `/v3/${HUAWEI_PROJECT.id}/instance/${TAURUSDB_INSTANCE_ID}/auditlog/download-link`;
const DOMAIN = { 'x-domain-id': huaweiAccount.domainId };
const PROJECT = { 'x-project-id': HUAWEI_PROJECT.id };
const WINDOW: Array<[string, string]> = [
	['start_time', '2023-07-20T00:00:00+0800'],
	['end_time', '2023-07-30T00:00:00+0800'],
];

function idsQuery(ids: string[]): string {
	return ids.map((id) => `accessory_ids=${encodeURIComponent(id)}`).join('&');
}

function apigw(detail: RegExp | string) {
	return {
		error_code: 'APIGW.0301',
		error_msg: typeof detail === 'string' ? `Incorrect IAM authentication information: ${detail}` : expect.stringMatching(detail),
		request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
	};
}

describe('IAM POST /v3/auth/tokens', () => {
	test('project scope by name: 201, X-Subject-Token, 24 h token body, counted', async () => {
		const before = huaweiState.tokensIssued;
		const r = await call('POST', '/v3/auth/tokens?nocatalog=true', {
			headers: { 'content-type': 'application/json;charset=utf8' },
			body: tokenBody({ project: { name: 'cn-north-4' } }),
		});
		expect(r.status).toBe(201);
		const token = r.headers.get('x-subject-token')!;
		expect(token.length).toBeGreaterThan(200);
		expect(token.length).toBeLessThan(5000);
		expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
		const t = r.json.token;
		expect(t.methods).toEqual(['password']);
		expect(t.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		expect(t.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
		expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(24 * 3600_000);
		expect(t.project).toEqual({
			id: HUAWEI_PROJECT.id,
			name: 'cn-north-4',
			domain: { id: huaweiAccount.domainId, name: huaweiAccount.domainName },
		});
		expect(t.user).toMatchObject({ id: huaweiAccount.userId, name: huaweiAccount.userName });
		expect(t.catalog).toBeUndefined();
		expect(huaweiState.tokensIssued).toBe(before + 1);
	});

	test('project scope by id; catalog without nocatalog; domain scope', async () => {
		const byId = await call('POST', '/v3/auth/tokens', { body: tokenBody({ project: { id: HUAWEI_SECOND_PROJECT.id } }) });
		expect(byId.status).toBe(201);
		expect(byId.json.token.project.name).toBe(HUAWEI_SECOND_PROJECT.name);
		expect(Array.isArray(byId.json.token.catalog)).toBe(true);
		const domain = await call('POST', '/v3/auth/tokens', { body: tokenBody({ domain: { name: huaweiAccount.domainName } }) });
		expect(domain.status).toBe(201);
		expect(domain.json.token.project).toBeUndefined();
		expect(domain.json.token.domain).toEqual({ id: huaweiAccount.domainId, name: huaweiAccount.domainName });
		expect(huaweiState.tokensIssued).toBe(2);
	});

	test.each([
		['wrong password', { password: 'nope' }],
		['wrong user', { name: 'someone-else' }],
		['wrong domain', { domain: { name: 'other-account' } }],
	])('%s -> 401 with the IAM error body', async (_label, user) => {
		const r = await call('POST', '/v3/auth/tokens', { body: tokenBody({ project: { name: 'cn-north-4' } }, user) });
		expect(r.status).toBe(401);
		expect(r.json).toEqual({ error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } });
		expect(r.headers.get('x-subject-token')).toBeNull();
		expect(huaweiState.tokensIssued).toBe(0);
	});

	test.each([
		['not JSON', '{"auth":'],
		['no identity', JSON.stringify({ auth: {} })],
		['other method', tokenBody({ project: { name: 'cn-north-4' } }).replace('["password"]', '["token"]')],
		['no scope', tokenBody(undefined)],
		['unknown project', tokenBody({ project: { name: 'eu-west-0' } })],
		['user without password', tokenBody({ project: { name: 'cn-north-4' } }, { password: undefined })],
	])('malformed (%s) -> 400', async (_label, body) => {
		const r = await call('POST', '/v3/auth/tokens', { body });
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 400, title: 'Bad Request' });
	});
});

describe('IAM GET /v3/projects (credential test)', () => {
	test('with a token', async () => {
		const token = await issueToken();
		const r = await call('GET', '/v3/projects', { headers: { 'x-auth-token': token } });
		expect(r.status).toBe(200);
		expect(r.json.projects.map((p: any) => [p.id, p.name])).toEqual([
			[HUAWEI_PROJECT.id, 'cn-north-4'],
			[HUAWEI_SECOND_PROJECT.id, 'ap-southeast-3'],
		]);
	});

	test('with AK/SK, and through the package credential', async () => {
		const r = await signedCall({ path: '/v3/projects', query: [['name', 'cn-north-4']] });
		expect(r.status).toBe(200);
		expect(r.json.projects).toHaveLength(1);
		expect(r.json.projects[0].id).toBe(HUAWEI_PROJECT.id);
		const viaCred = await viaCredential({ method: 'GET', url: '/v3/projects' });
		expect(viaCred.status).toBe(200);
		expect(viaCred.json.projects).toHaveLength(2);
	});

	test('without credentials -> 401 APIGW.0301', async () => {
		const r = await call('GET', '/v3/projects');
		expect(r.status).toBe(401);
		expect(r.json).toEqual(apigw('x-auth-token not found'));
		expect(r.json.request_id).toBe(r.headers.get('x-request-id'));
	});
});

describe('token auth on service routes', () => {
	test('valid token accepted by OSM, MetaStudio and TaurusDB', async () => {
		const token = await issueToken();
		const h = { 'x-auth-token': token };
		expect((await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, { headers: h })).status).toBe(200);
		const ms = await call('POST', MS_PATH, {
			headers: { ...h, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'ACTIVE', asset_ids: ['asset-0001'] }),
		});
		expect(ms.status).toBe(200);
		const db = await call('GET', `${TAURUS_PATH}?${canonicalQuery(WINDOW)}`, { headers: h });
		expect(db.status).toBe(200);
		expect(db.json.files).toHaveLength(10);
	});

	test('unknown token -> 401 decrypt token fail', async () => {
		const r = await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, { headers: { 'x-auth-token': 'MIIEnot-a-real-token' } });
		expect(r.status).toBe(401);
		expect(r.json).toEqual(apigw('decrypt token fail'));
	});

	test('expireTokens() expires every token issued before; a new token works', async () => {
		const old = await issueToken();
		emu.expireTokens();
		const r = await call('GET', `${TAURUS_PATH}?${canonicalQuery(WINDOW)}`, { headers: { 'x-auth-token': old } });
		expect(r.status).toBe(401);
		expect(r.json).toEqual(apigw(/^Incorrect IAM authentication information: token expires, expires_at: \d{4}-.*Z$/));
		const fresh = await issueToken();
		expect((await call('GET', `${TAURUS_PATH}?${canonicalQuery(WINDOW)}`, { headers: { 'x-auth-token': fresh } })).status).toBe(200);
	});

	test('a token is expired 24 h after issue on the emulator clock', async () => {
		const token = await issueToken();
		emu.shiftClock(24 * 3600_000 - 5_000);
		expect((await call('GET', '/v3/projects', { headers: { 'x-auth-token': token } })).status).toBe(200);
		emu.shiftClock(5_000);
		const r = await call('GET', '/v3/projects', { headers: { 'x-auth-token': token } });
		expect(r.status).toBe(401);
		expect(r.json.error_msg).toContain('token expires');
	});

	test('expireTokens fault: the faulted request fails, exactly one re-auth recovers', async () => {
		const token = await issueToken();
		const issued = huaweiState.tokensIssued;
		emu.addFault({ pathContains: '/batch-action', kind: 'expireTokens' });
		const body = JSON.stringify({ action: 'UNSHARE', asset_ids: ['asset-0010'] });
		const headers = { 'content-type': 'application/json' };
		const first = await call('POST', MS_PATH, { headers: { ...headers, 'x-auth-token': token }, body });
		expect(first.status).toBe(401);
		expect(first.json.error_msg).toContain('token expires');
		const fresh = await issueToken();
		const retry = await call('POST', MS_PATH, { headers: { ...headers, 'x-auth-token': fresh }, body });
		expect(retry.status).toBe(200);
		expect(huaweiState.tokensIssued).toBe(issued + 1);
		expect(emu.countRequests('/v3/auth/tokens', 'POST')).toBe(2);
		expect(emu.countRequests('/batch-action')).toBe(2);
	});

	test('project-level services need the token of the URL project', async () => {
		const other = await issueToken({ project: { id: HUAWEI_SECOND_PROJECT.id } });
		const ms = await call('POST', MS_PATH, {
			headers: { 'x-auth-token': other, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'ACTIVE', asset_ids: ['asset-0001'] }),
		});
		expect(ms.status).toBe(401);
		expect(ms.json).toEqual({ error_code: 'MSS.00010009', error_msg: 'urlTenantId is not equal tokenTenantId' });
		const db = await call('GET', `${TAURUS_PATH}?${canonicalQuery(WINDOW)}`, { headers: { 'x-auth-token': other } });
		expect(db.status).toBe(401);
		expect(db.json.error_code).toBe('APIGW.0301');
		// OSM is global: any token of the account works, domain-scoped included
		const domainToken = await issueToken({ domain: { id: huaweiAccount.domainId } });
		expect((await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, { headers: { 'x-auth-token': other } })).status).toBe(200);
		expect((await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, { headers: { 'x-auth-token': domainToken } })).status).toBe(200);
	});
});

describe('AK/SK (SDK-HMAC-SHA256) on service routes', () => {
	test('valid permanent key accepted on every service', async () => {
		const osm = await signedCall({ path: OSM_PATH, query: [['accessory_ids', 'osm-att-0001']], headers: DOMAIN });
		expect(osm.status).toBe(200);
		expect(osm.json.accessory_urls).toHaveLength(1);
		const ms = await signedCall({
			method: 'POST',
			path: MS_PATH,
			headers: { ...PROJECT, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'UNACTIVE', asset_ids: ['asset-0001'] }),
		});
		expect(ms.status).toBe(200);
		expect(huaweiState.asset('asset-0001')?.status).toBe('UNACTIVE');
		const db = await signedCall({ path: TAURUS_PATH, query: [...WINDOW, ['limit', '3']], headers: PROJECT });
		expect(db.status).toBe(200);
		expect(db.json.files).toHaveLength(3);
		expect(osm.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
	});

	test('the package credential (signHuaweiAkSk) is accepted, incl. JSON body and a + in the query', async () => {
		const osm = await viaCredential({ method: 'GET', url: OSM_PATH, qs: { accessory_ids: ['osm-att-0003', 'osm-att-0004'] } });
		expect(osm.status).toBe(200);
		expect(osm.json.accessory_urls.map((u: any) => u.accessory_id)).toEqual(['osm-att-0003', 'osm-att-0004']);
		const ms = await viaCredential({ method: 'POST', url: MS_PATH, body: { action: 'SHARE', asset_ids: ['asset-0001', 'asset-0004'] } });
		expect(ms.status).toBe(200);
		expect(ms.json.results).toHaveLength(2);
		const db = await viaCredential(
			{ method: 'GET', url: TAURUS_PATH, qs: { start_time: WINDOW[0][1], end_time: WINDOW[1][1], limit: 2 } },
			true,
		);
		expect(db.status).toBe(200);
		expect(db.json.files).toHaveLength(2);
	});

	test('wrong SK -> 401 with the server-side canonical request, no secrets', async () => {
		const r = await signedCall({
			path: OSM_PATH,
			query: [['accessory_ids', 'osm-att-0002'], ['accessory_ids', 'osm-att-0001']],
			headers: DOMAIN,
			signWithSecret: 'wrong-secret',
		});
		expect(r.status).toBe(401);
		expect(r.json.error_code).toBe('APIGW.0301');
		expect(r.json.request_id).toBe(r.headers.get('x-request-id'));
		const msg: string = r.json.error_msg;
		expect(msg.startsWith('Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:')).toBe(true);
		const host = new URL(emu.url).host;
		expect(msg).toContain(
			`canonicalRequest:GET|${OSM_PATH}/|accessory_ids=osm-att-0001&accessory_ids=osm-att-0002|host:${host}|x-domain-id:${huaweiAccount.domainId}|x-sdk-date:`,
		);
		expect(msg).toMatch(/\|\|host;x-domain-id;x-sdk-date\|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855$/);
		expect(msg).not.toContain(huaweiPermanentKey.secretAccessKey);
	});

	test('body changed after signing -> 401', async () => {
		const r = await signedCall({
			method: 'POST',
			path: MS_PATH,
			headers: { ...PROJECT, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'ACTIVE', asset_ids: ['asset-0004'] }),
			sendBody: JSON.stringify({ action: 'DELETE_FORCE', asset_ids: ['asset-0004'] }),
		});
		expect(r.status).toBe(401);
		expect(r.json.error_msg).toContain('verify aksk signature fail, canonicalRequest:POST|');
		expect(huaweiState.asset('asset-0004')).toBeDefined();
	});

	test('unknown AK -> 401', async () => {
		const r = await signedCall({
			path: OSM_PATH,
			query: [['accessory_ids', 'osm-att-0001']],
			headers: DOMAIN,
			key: { accessKeyId: 'EMUEXAMPLEUNKNOWN001', secretAccessKey: huaweiPermanentKey.secretAccessKey },
		});
		expect(r.status).toBe(401);
		expect(r.json).toEqual(apigw('verify aksk signature fail, access key EMUEXAMPLEUNKNOWN001 does not exist'));
	});

	test('X-Sdk-Date must be within 15 minutes of the emulator clock', async () => {
		const q: Array<[string, string]> = [['accessory_ids', 'osm-att-0001']];
		const now = Date.now();
		const stale = await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN, date: new Date(now - 20 * 60_000) });
		expect(stale.status).toBe(401);
		expect(stale.json).toEqual(apigw(/^Incorrect IAM authentication information: verify aksk signature fail, x-sdk-date \d{8}T\d{6}Z differs from the gateway time .* by more than 15 minutes$/));
		const future = await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN, date: new Date(now + 16 * 60_000) });
		expect(future.status).toBe(401);
		const ok = await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN, date: new Date(now - 14 * 60_000) });
		expect(ok.status).toBe(200);
		// the window follows the emulator clock, not the host clock
		emu.shiftClock(20 * 60_000);
		expect((await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN })).status).toBe(401);
	});

	test('missing X-Sdk-Date / malformed Authorization / missing auth -> 401', async () => {
		const noDate = await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, {
			headers: { ...DOMAIN, authorization: `SDK-HMAC-SHA256 Access=${huaweiPermanentKey.accessKeyId}, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
		});
		expect(noDate.status).toBe(401);
		expect(noDate.json).toEqual(apigw('verify aksk signature fail, x-sdk-date header not found'));
		const malformed = await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`, {
			headers: { authorization: 'Bearer abc', 'x-sdk-date': formatSdkDate(new Date()) },
		});
		expect(malformed.status).toBe(401);
		expect(malformed.json.error_msg).toContain('verify aksk signature fail');
		const none = await call('GET', `${OSM_PATH}?accessory_ids=osm-att-0001`);
		expect(none.status).toBe(401);
		expect(none.json).toEqual(apigw('x-auth-token not found'));
	});

	test('temporary AK needs its X-Security-Token; the token is never echoed', async () => {
		const q: Array<[string, string]> = [['accessory_ids', 'osm-att-0001']];
		const ok = await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN, key: huaweiTemporaryKey });
		expect(ok.status).toBe(200);
		const noToken = await signedCall({
			path: OSM_PATH,
			query: q,
			headers: DOMAIN,
			key: { accessKeyId: huaweiTemporaryKey.accessKeyId, secretAccessKey: huaweiTemporaryKey.secretAccessKey },
		});
		expect(noToken.status).toBe(401);
		expect(noToken.json.error_msg).toContain('x-security-token');
		const wrongToken = await signedCall({
			path: OSM_PATH,
			query: q,
			headers: DOMAIN,
			key: { ...huaweiTemporaryKey, securityToken: 'not-the-token' },
		});
		expect(wrongToken.status).toBe(401);
		const badSig = await signedCall({ path: OSM_PATH, query: q, headers: DOMAIN, key: huaweiTemporaryKey, signWithSecret: 'x' });
		expect(badSig.status).toBe(401);
		expect(badSig.json.error_msg).toContain('|x-security-token:***|');
		expect(badSig.json.error_msg).not.toContain(huaweiTemporaryKey.securityToken);
	});

	test('OSM with AK/SK requires X-Domain-Id of the account', async () => {
		const q: Array<[string, string]> = [['accessory_ids', 'osm-att-0001']];
		const missing = await signedCall({ path: OSM_PATH, query: q });
		expect(missing.status).toBe(401);
		expect(missing.json.error_msg).toContain('x-domain-id header not found');
		const wrong = await signedCall({ path: OSM_PATH, query: q, headers: { 'x-domain-id': 'ffffffffffffffffffffffffffffffff' } });
		expect(wrong.status).toBe(401);
		expect(wrong.json.error_code).toBe('APIGW.0301');
	});

	test('AK/SK on a project-level service: X-Project-Id must match the URL project', async () => {
		const r = await signedCall({ path: TAURUS_PATH, query: WINDOW, headers: { 'x-project-id': HUAWEI_SECOND_PROJECT.id } });
		expect(r.status).toBe(401);
		expect(r.json.error_code).toBe('APIGW.0301');
		const foreign = await signedCall({
			method: 'POST',
			path: '/v1/0123456789abcdef0123456789abcdef/digital-assets/batch-action',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'ACTIVE', asset_ids: ['asset-0001'] }),
		});
		expect(foreign.status).toBe(401);
		expect(foreign.json.error_code).toBe('MSS.00010009');
	});

	test('query values with reserved characters verify when percent-encoded', async () => {
		const id = 'a b&c=d+e/é';
		const r = await signedCall({ path: OSM_PATH, query: [['accessory_ids', id], ['group_id', 'g 1']], headers: DOMAIN });
		expect(r.status).toBe(200);
		expect(r.json.accessory_urls).toEqual([]);
	});
});

describe("raw '+' vs %2B in TaurusDB times", () => {
	const rawPlus = 'start_time=2023-07-24T00:00:00+0800&end_time=2023-07-25T00:00:00+0800';
	const encoded = 'start_time=2023-07-24T00%3A00%3A00%2B0800&end_time=2023-07-25T00%3A00%3A00%2B0800';

	test('token auth: raw + decodes to a space -> 400 DBS.280001, %2B -> 200', async () => {
		const h = { 'x-auth-token': await issueToken() };
		const bad = await call('GET', `${TAURUS_PATH}?${rawPlus}`, { headers: h });
		expect(bad.status).toBe(400);
		expect(bad.json).toEqual({ error_code: 'DBS.280001', error_msg: 'Invalid parameter: start_time' });
		const good = await call('GET', `${TAURUS_PATH}?${encoded}`, { headers: h });
		expect(good.status).toBe(200);
		expect(good.json.files.length).toBeGreaterThan(0);
	});

	test('AK/SK: signing "+" but sending it raw fails the signature; %2B passes', async () => {
		const query: Array<[string, string]> = [
			['start_time', '2023-07-24T00:00:00+0800'],
			['end_time', '2023-07-25T00:00:00+0800'],
		];
		const bad = await signedCall({ path: TAURUS_PATH, query, rawQuery: rawPlus, headers: PROJECT });
		expect(bad.status).toBe(401);
		expect(bad.json.error_msg).toContain('end_time=2023-07-25T00%3A00%3A00%200800&start_time=2023-07-24T00%3A00%3A00%200800');
		const good = await signedCall({ path: TAURUS_PATH, query, rawQuery: encoded, headers: PROJECT });
		expect(good.status).toBe(200);
	});
});

describe('OSM access-urls', () => {
	let token: string;
	beforeEach(async () => {
		token = await issueToken();
	});
	const osm = (query: string) => call('GET', `${OSM_PATH}?${query}`, { headers: { 'x-auth-token': token } });
	const PARAM_FAIL = { error_code: 'OSM.01010001', error_msg: 'Param validation fail.' };

	test('returns urls for known ids in request order; unknown ids are absent; unicode names', async () => {
		const ids = ['osm-att-0003', 'nope', 'osm-att-0007', 'osm-att-0001', 'osm-att-0003'];
		const r = await osm(idsQuery(ids));
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			accessory_urls: ['osm-att-0003', 'osm-att-0007', 'osm-att-0001'].map((id) => ({
				accessory_id: id,
				accessory_name: osmAttachments.find((a) => a.id === id)!.name,
				accessory_url: `${emu.url}/__files/osm/${id}`,
			})),
		});
		expect(r.json.accessory_urls[0].accessory_name).toBe('报告-2024年第一季度.pdf');
		const download = await fetch(r.json.accessory_urls[1].accessory_url);
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(download.headers.get('content-disposition')).toContain(encodeURIComponent('😀 emoji notes.txt'));
		expect(await download.text()).toContain('osm-att-0007');
	});

	test('accessory_ids: 1..100 repeated keys; 0 or 101 -> HTTP 200 OSM.01010001', async () => {
		const none = await osm('group_id=emulator-group');
		expect(none.status).toBe(200);
		expect(none.json).toEqual(PARAM_FAIL);
		const ids100 = Array.from({ length: 100 }, (_, i) => `osm-att-${String(i + 1).padStart(4, '0')}`);
		const ok = await osm(idsQuery(ids100));
		expect(ok.status).toBe(200);
		expect(ok.json.accessory_urls).toHaveLength(osmAttachments.length);
		const over = await osm(idsQuery([...ids100, 'osm-att-0101']));
		expect(over.status).toBe(200);
		expect(over.json).toEqual(PARAM_FAIL);
		expect((await osm(idsQuery(['x'.repeat(65)]))).json).toEqual(PARAM_FAIL);
		expect((await osm(idsQuery(['x'.repeat(64)]))).json).toEqual({ accessory_urls: [] });
	});

	test('comma-joined ids are one (unknown) id', async () => {
		const r = await osm('accessory_ids=osm-att-0001,osm-att-0002');
		expect(r.json).toEqual({ accessory_urls: [] });
	});

	test('group_id: optional, 1..32 chars, forbidden group -> OSM.01010002', async () => {
		const base = idsQuery(['osm-att-0001']);
		expect((await osm(`${base}&group_id=${'g'.repeat(32)}`)).json.accessory_urls).toHaveLength(1);
		expect((await osm(`${base}&group_id=${'g'.repeat(33)}`)).json).toEqual(PARAM_FAIL);
		expect((await osm(`${base}&group_id=`)).json).toEqual(PARAM_FAIL);
		const forbidden = await osm(`${base}&group_id=${OSM_FORBIDDEN_GROUP_ID}`);
		expect(forbidden.status).toBe(200);
		expect(forbidden.json).toEqual({ error_code: 'OSM.01010002', error_msg: 'No operation permission.' });
	});

	test('429 fault with Retry-After, then a normal answer', async () => {
		emu.addFault({ pathContains: 'access-urls', kind: 'status', status: 429, retryAfterSeconds: 2 });
		const limited = await osm(idsQuery(['osm-att-0001']));
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		const next = await osm(idsQuery(['osm-att-0001']));
		expect(next.status).toBe(200);
		expect(emu.countRequests('access-urls', 'GET')).toBe(2);
	});
});

describe('MetaStudio batch-action', () => {
	let token: string;
	beforeEach(async () => {
		token = await issueToken();
	});
	const batch = (body: unknown, headers: Record<string, string> = {}) =>
		call('POST', MS_PATH, {
			headers: { 'x-auth-token': token, 'content-type': 'application/json', ...headers },
			body: typeof body === 'string' ? body : JSON.stringify(body),
		});
	const INVALID = { error_code: 'MSS.00000003', error_msg: 'Invalid parameter' };

	test('seeded states', () => {
		expect(metaStudioAssets).toHaveLength(300);
		expect(huaweiState.asset('asset-0001')).toEqual({ id: 'asset-0001', status: 'ACTIVE', shared: false, deleted: false });
		expect(huaweiState.asset('asset-0004')).toEqual({ id: 'asset-0004', status: 'UNACTIVE', shared: false, deleted: false });
		expect(huaweiState.asset('asset-0010')).toMatchObject({ status: 'ACTIVE', shared: true });
		expect(huaweiState.asset('asset-0025')).toMatchObject({ status: 'UNACTIVE', deleted: true });
	});

	test('DELETE: results grouped by outcome and error code', async () => {
		const r = await batch({
			action: 'DELETE',
			asset_ids: ['asset-0004', 'asset-0001', 'asset-0008', 'asset-0025', 'ghost-1', 'asset-0002', 'ghost-2'],
		});
		expect(r.status).toBe(200);
		expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
		expect(r.json).toEqual({
			results: [
				{ asset_ids: ['asset-0004', 'asset-0008'], ret_status: 'SUCCESS' },
				{
					asset_ids: ['asset-0001', 'asset-0002'],
					ret_status: 'FAILED',
					error_info: { error_code: 'MSS.10001010', error_msg: 'Only deactivated (UNACTIVE) assets can be deleted' },
				},
				{
					asset_ids: ['asset-0025'],
					ret_status: 'FAILED',
					error_info: { error_code: 'MSS.10001011', error_msg: 'Asset is already in the recycle bin' },
				},
				{
					asset_ids: ['ghost-1', 'ghost-2'],
					ret_status: 'FAILED',
					error_info: { error_code: 'MSS.10001001', error_msg: 'Asset not found' },
				},
			],
		});
		expect(huaweiState.asset('asset-0004')?.deleted).toBe(true);
		expect(huaweiState.asset('asset-0001')?.deleted).toBe(false);
	});

	test('UNACTIVE then DELETE, RESTORE, DELETE_FORCE; reset() restores the seed', async () => {
		expect((await batch({ action: 'UNACTIVE', asset_ids: ['asset-0001'] })).json.results).toEqual([
			{ asset_ids: ['asset-0001'], ret_status: 'SUCCESS' },
		]);
		expect((await batch({ action: 'DELETE', asset_ids: ['asset-0001'] })).json.results[0].ret_status).toBe('SUCCESS');
		const restore = await batch({ action: 'RESTORE', asset_ids: ['asset-0001', 'asset-0002'] });
		expect(restore.json.results).toEqual([
			{ asset_ids: ['asset-0001'], ret_status: 'SUCCESS' },
			{
				asset_ids: ['asset-0002'],
				ret_status: 'FAILED',
				error_info: { error_code: 'MSS.10001012', error_msg: 'Asset is not in the recycle bin' },
			},
		]);
		expect(huaweiState.asset('asset-0001')).toMatchObject({ deleted: false, status: 'UNACTIVE' });
		const force = await batch({ action: 'DELETE_FORCE', asset_ids: ['asset-0002', 'asset-0025'] });
		expect(force.json.results).toEqual([{ asset_ids: ['asset-0002', 'asset-0025'], ret_status: 'SUCCESS' }]);
		expect(huaweiState.asset('asset-0002')).toBeUndefined();
		const gone = await batch({ action: 'ACTIVE', asset_ids: ['asset-0002'] });
		expect(gone.json.results[0].error_info.error_code).toBe('MSS.10001001');
		emu.reset();
		expect(huaweiState.asset('asset-0002')).toMatchObject({ status: 'ACTIVE' });
	});

	test('SHARE needs ACTIVE, recycle-bin assets cannot be changed, UNSHARE', async () => {
		const share = await batch({ action: 'SHARE', asset_ids: ['asset-0001', 'asset-0004', 'asset-0050'] });
		expect(share.json.results).toEqual([
			{ asset_ids: ['asset-0001'], ret_status: 'SUCCESS' },
			{
				asset_ids: ['asset-0004'],
				ret_status: 'FAILED',
				error_info: { error_code: 'MSS.10001014', error_msg: 'Only active assets can be shared' },
			},
			{
				asset_ids: ['asset-0050'],
				ret_status: 'FAILED',
				error_info: { error_code: 'MSS.10001013', error_msg: 'Asset is in the recycle bin' },
			},
		]);
		expect(huaweiState.asset('asset-0001')?.shared).toBe(true);
		await batch({ action: 'UNSHARE', asset_ids: ['asset-0001', 'asset-0010'] });
		expect(huaweiState.asset('asset-0001')?.shared).toBe(false);
		expect(huaweiState.asset('asset-0010')?.shared).toBe(false);
	});

	test('limits: asset_ids 1..100 of 1..64 chars, action enum, params string <= 4096', async () => {
		const ids = (n: number) => Array.from({ length: n }, (_, i) => `asset-${String(i + 1).padStart(4, '0')}`);
		expect((await batch({ action: 'ACTIVE', asset_ids: ids(100) })).status).toBe(200);
		const over = await batch({ action: 'ACTIVE', asset_ids: ids(101) });
		expect(over.status).toBe(400);
		expect(over.json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: [] })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE' })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: ['x'.repeat(65)] })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: [''] })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: [7] })).json).toEqual(INVALID);
		expect((await batch({ action: 'DETELTE', asset_ids: ['asset-0001'] })).json).toEqual(INVALID);
		expect((await batch({ action: 'delete', asset_ids: ['asset-0001'] })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: ['asset-0001'], params: 'p'.repeat(4096) })).status).toBe(200);
		expect((await batch({ action: 'ACTIVE', asset_ids: ['asset-0001'], params: 'p'.repeat(4097) })).json).toEqual(INVALID);
		expect((await batch({ action: 'ACTIVE', asset_ids: ['asset-0001'], params: { a: 1 } })).json).toEqual(INVALID);
		const long = await batch({ action: 'ACTIVE', asset_ids: ['x'.repeat(64)] });
		expect(long.json.results[0].error_info.error_code).toBe('MSS.10001001');
	});

	test('Content-Type must be JSON; unparsable body -> MSS.10000002', async () => {
		const body = { action: 'ACTIVE', asset_ids: ['asset-0001'] };
		const text = await batch(body, { 'content-type': 'text/plain' });
		expect(text.status).toBe(400);
		expect(text.json).toEqual({ error_code: 'MSS.10000002', error_msg: 'Request JSON exception' });
		expect((await batch(body, { 'content-type': 'application/json;charset=UTF-8' })).status).toBe(200);
		const broken = await batch('{"action":', {});
		expect(broken.status).toBe(400);
		expect(broken.json.error_code).toBe('MSS.10000002');
		expect((await batch('[1,2]', {})).json).toEqual(INVALID);
	});

	test('X-App-UserId: 1..256 chars, no Chinese characters', async () => {
		const body = { action: 'ACTIVE', asset_ids: ['asset-0001'] };
		expect((await batch(body, { 'x-app-userid': 'user-123_ABC' })).status).toBe(200);
		expect((await batch(body, { 'x-app-userid': 'u'.repeat(256) })).status).toBe(200);
		expect((await batch(body, { 'x-app-userid': 'u'.repeat(257) })).json).toEqual(INVALID);
		// raw UTF-8 bytes on the wire, as a client that does not encode the header sends them
		const chinese = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const payload = JSON.stringify(body);
			const req = httpRequest(emu.url + MS_PATH, {
				method: 'POST',
				headers: {
					'x-auth-token': token,
					'content-type': 'application/json',
					'x-app-userid': Buffer.from('用户1', 'utf8').toString('latin1'),
				},
			});
			req.on('response', (res) => {
				let data = '';
				res.on('data', (d) => (data += d));
				res.on('end', () => resolve({ status: res.statusCode!, body: data }));
			});
			req.on('error', reject);
			// a Buffer body keeps Node from re-encoding the header block as UTF-8 along with the body
			req.end(Buffer.from(payload, 'utf8'));
		});
		expect(chinese.status).toBe(400);
		expect(JSON.parse(chinese.body)).toEqual(INVALID);
		const accented = Buffer.from('josé', 'utf8').toString('latin1');
		expect((await batch(body, { 'x-app-userid': accented })).status).toBe(200);
	});
});

describe('TaurusDB audit-log download links', () => {
	let token: string;
	beforeEach(async () => {
		token = await issueToken();
	});
	const list = (query: Array<[string, string]>, p = TAURUS_PATH) =>
		call('GET', `${p}?${canonicalQuery(query)}`, { headers: { 'x-auth-token': token } });
	const INVALID = (name: string) => ({ error_code: 'DBS.280001', error_msg: `Invalid parameter: ${name}` });

	test('fixture: 137 files over two nodes with the documented name shape', () => {
		expect(taurusAuditFiles).toHaveLength(137);
		expect(TAURUSDB_INSTANCE_ID).toMatch(/^[a-z0-9]{32}in07$/);
		for (const f of taurusAuditFiles) {
			expect(f.name).toMatch(new RegExp(`^2023072[4-6]\\d{6}_${TAURUSDB_INSTANCE_ID}_[a-z0-9]{32}no07_SQLAudit_[0-9a-f-]{36}$`));
		}
		expect(new Set(taurusAuditFiles.map((f) => f.nodeId))).toEqual(new Set(TAURUSDB_NODE_IDS));
	});

	test('default limit 10, FileInfo shape, download link works', async () => {
		const r = await list(WINDOW);
		expect(r.status).toBe(200);
		expect(r.json.files).toHaveLength(10);
		const f = r.json.files[0];
		expect(f).toEqual({
			name: taurusAuditFiles[0].name,
			size: taurusAuditFiles[0].sizeKb,
			updated_time: formatBeijing(taurusAuditFiles[0].updatedAt),
			download_link: `${emu.url}/__files/taurusdb/${taurusAuditFiles[0].name}`,
			link_expired_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/),
		});
		expect(f.updated_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
		const download = await fetch(f.download_link);
		expect(download.status).toBe(200);
		expect(await download.text()).toContain(f.name);
	});

	test('pagination with last_file_name walks all 137 files in name order', async () => {
		const names: string[] = [];
		const pages: number[] = [];
		let last: string | undefined;
		for (;;) {
			const q: Array<[string, string]> = [...WINDOW, ['limit', '50']];
			if (last) q.push(['last_file_name', last]);
			const r = await list(q);
			expect(r.status).toBe(200);
			pages.push(r.json.files.length);
			names.push(...r.json.files.map((f: any) => f.name));
			if (r.json.files.length < 50) break;
			last = r.json.files[r.json.files.length - 1].name;
		}
		expect(pages).toEqual([50, 50, 37]);
		expect(names).toEqual(taurusAuditFiles.map((f) => f.name));
	});

	test('last_file_name continues strictly after that name, existing or not', async () => {
		const r = await list([...WINDOW, ['limit', '2'], ['last_file_name', taurusAuditFiles[40].name]]);
		expect(r.json.files.map((f: any) => f.name)).toEqual([taurusAuditFiles[41].name, taurusAuditFiles[42].name]);
		const between = await list([...WINDOW, ['limit', '1'], ['last_file_name', taurusAuditFiles[40].name + 'zz']]);
		expect(between.json.files[0].name).toBe(taurusAuditFiles[41].name);
		const after = await list([...WINDOW, ['last_file_name', '99999999']]);
		expect(after.json.files).toEqual([]);
	});

	test('node_id filter', async () => {
		const node = TAURUSDB_NODE_IDS[1];
		const r = await list([...WINDOW, ['limit', '50'], ['node_id', node]]);
		const expected = taurusAuditFiles.filter((f) => f.nodeId === node).slice(0, 50);
		expect(r.json.files.map((f: any) => f.name)).toEqual(expected.map((f) => f.name));
		const other = await list([...WINDOW, ['node_id', 'ffffffffffffffffffffffffffffffffno07']]);
		expect(other.json.files).toEqual([]);
		expect((await list([...WINDOW, ['node_id', 'abc']])).json).toEqual(INVALID('node_id'));
	});

	test('time window: files written during the window, in any offset', async () => {
		const f = taurusAuditFiles[10];
		const point = formatBeijing(f.startedAt);
		const one = await list([['start_time', point], ['end_time', point]]);
		expect(one.json.files.map((x: any) => x.name)).toEqual([f.name]);
		// the same instant written with another offset
		const utc = new Date(f.startedAt).toISOString().slice(0, 19) + '+0000';
		expect((await list([['start_time', utc], ['end_time', utc]])).json.files.map((x: any) => x.name)).toEqual([f.name]);
		const afterEnd = formatBeijing(f.updatedAt + 1000);
		const next = taurusAuditFiles[11];
		const gap = await list([['start_time', afterEnd], ['end_time', formatBeijing(next.startedAt - 1000)]]);
		expect(gap.json.files).toEqual([]);
		const day = await list([['start_time', '2023-07-25T00:00:00+0800'], ['end_time', '2023-07-25T23:59:59+0800'], ['limit', '50']]);
		const dayStart = Date.parse('2023-07-25T00:00:00+08:00');
		const dayEnd = Date.parse('2023-07-25T23:59:59+08:00');
		const expected = taurusAuditFiles.filter((x) => x.startedAt <= dayEnd && x.updatedAt >= dayStart);
		expect(expected.length).toBeGreaterThan(40);
		expect(day.json.files.map((x: any) => x.name)).toEqual(expected.map((x) => x.name));
		const before = await list([['start_time', '2023-01-01T00:00:00+0800'], ['end_time', '2023-07-23T00:00:00+0800']]);
		expect(before.json.files).toEqual([]);
	});

	test('start_time/end_time required, strict format, end >= start', async () => {
		expect((await list([WINDOW[1]])).json).toEqual(INVALID('start_time'));
		expect((await list([WINDOW[0]])).json).toEqual(INVALID('end_time'));
		const r = await list([['start_time', '2023-07-24T00:00:00+08:00'], WINDOW[1]]);
		expect(r.status).toBe(400);
		expect(r.json).toEqual(INVALID('start_time'));
		expect((await list([['start_time', '2023-07-24 00:00:00'], WINDOW[1]])).json).toEqual(INVALID('start_time'));
		expect((await list([['start_time', '2023-02-30T00:00:00+0800'], WINDOW[1]])).json).toEqual(INVALID('start_time'));
		expect((await list([WINDOW[0], ['end_time', '2023-07-19T23:59:59+0800']])).json).toEqual(INVALID('end_time'));
	});

	test('limit 1..50', async () => {
		expect((await list([...WINDOW, ['limit', '1']])).json.files).toHaveLength(1);
		expect((await list([...WINDOW, ['limit', '50']])).json.files).toHaveLength(50);
		for (const bad of ['0', '51', 'abc', '-1', '1.5', '']) {
			const r = await list([...WINDOW, ['limit', bad]]);
			expect(r.status).toBe(400);
			expect(r.json).toEqual(INVALID('limit'));
		}
	});

	test('instance id format and existence', async () => {
		const wrongFormat = await list(WINDOW, `/v3/${HUAWEI_PROJECT.id}/instance/abcin07/auditlog/download-link`);
		expect(wrongFormat.status).toBe(400);
		expect(wrongFormat.json).toEqual(INVALID('instance_id'));
		const opengauss = await list(WINDOW, `/v3/${HUAWEI_PROJECT.id}/instance/${'a'.repeat(32)}in14/auditlog/download-link`);
		expect(opengauss.json).toEqual(INVALID('instance_id'));
		const unknown = await list(WINDOW, `/v3/${HUAWEI_PROJECT.id}/instance/${'b'.repeat(32)}in07/auditlog/download-link`);
		expect(unknown.status).toBe(400);
		expect(unknown.json).toEqual({ error_code: 'DBS.200022', error_msg: 'Instance does not exist.' });
	});

	test('reset fault drops the connection once', async () => {
		emu.addFault({ pathContains: '/auditlog/', kind: 'reset' });
		await expect(list(WINDOW)).rejects.toThrow();
		expect((await list(WINDOW)).status).toBe(200);
	});
});

describe('control API from another process view', () => {
	test('module stats report tokens issued and asset counts', async () => {
		await issueToken();
		const r = await call('GET', '/__emulator/requests');
		expect(r.json.modules['huawei-iam']).toEqual({ tokensIssued: 1, tokensKnown: 1 });
		expect(r.json.modules['huawei-metastudio']).toEqual({ total: 300, active: 216, unactive: 72, shared: 24, recycleBin: 12 });
		expect(r.json.counters['/v3/auth/tokens']).toEqual({ POST: 1 });
		const expire = await call('POST', '/__emulator/expire-tokens');
		expect(expire.status).toBe(200);
		const reset = await call('POST', '/__emulator/reset');
		expect(reset.status).toBe(200);
		expect(huaweiState.tokensIssued).toBe(0);
	});
});
