/**
 * PDS AccessKey `acs` signer: the official primitive vector, the self-computed fixture of
 * alibaba-pds.md section 1.5.1, and a cross-check against Alibaba's own `@alicloud/openapi-util`
 * ROA functions (getStringToSign / getROASignature) on generated requests.
 */
import OpenApiUtil from '@alicloud/openapi-util';

import { applyPdsBearerToken } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { AlibabaPdsAccessKeyApi, signPdsAccessKey } from '../../credentials/AlibabaPdsAccessKeyApi.credentials';
import {
	formatPdsDate,
	parsePdsAuthorization,
	pdsActionFromPath,
	pdsCanonicalizedHeaders,
	pdsCanonicalizedResource,
	pdsSignature,
	pdsStringToSign,
	signPdsRequest,
} from '../../credentials/common/pdsSigner';

const FIXTURE_DATE = 'Wed, 23 Jan 2013 06:43:08 GMT';
const FIXTURE_NONCE = '3156853299f313e23d1673dc12e1703d';
const FIXTURE_STRING_TO_SIGN = [
	'POST',
	'application/json',
	'',
	'application/json; charset=utf-8',
	FIXTURE_DATE,
	'x-acs-action:Batch',
	'x-acs-signature-method:HMAC-SHA1',
	`x-acs-signature-nonce:${FIXTURE_NONCE}`,
	'x-acs-signature-version:1.0',
	'x-acs-version:2022-03-01',
	'/v2/batch',
].join('\n');
const FIXTURE_SIGNATURE = '6YOw53cljrpx9/jvkuBA7gTaW1E=';

const fixtureHeaders = {
	accept: 'application/json',
	'content-type': 'application/json; charset=utf-8',
	date: FIXTURE_DATE,
	'x-acs-version': '2022-03-01',
	'x-acs-action': 'Batch',
	'x-acs-signature-nonce': FIXTURE_NONCE,
	'x-acs-signature-method': 'HMAC-SHA1',
	'x-acs-signature-version': '1.0',
};

describe('PDS acs signer: vectors', () => {
	it('official primitive: getROASignature("stringtosign", "secret")', () => {
		expect(pdsSignature('stringtosign', 'secret')).toBe('OmuTAr79tpI6CRoAdmzKRq5lHs0=');
		expect(OpenApiUtil.getROASignature('stringtosign', 'secret')).toBe('OmuTAr79tpI6CRoAdmzKRq5lHs0=');
	});

	it('self-computed fixture: string-to-sign and signature', () => {
		const sts = pdsStringToSign({ method: 'POST', pathname: '/v2/batch', headers: fixtureHeaders });
		expect(sts).toBe(FIXTURE_STRING_TO_SIGN);
		expect(pdsSignature(sts, 'testsecret')).toBe(FIXTURE_SIGNATURE);
		const signed = signPdsRequest({
			method: 'post',
			pathname: '/v2/batch',
			headers: fixtureHeaders,
			accessKeyId: 'AKID',
			accessKeySecret: 'testsecret',
		});
		expect(signed).toEqual({
			authorization: `acs AKID:${FIXTURE_SIGNATURE}`,
			stringToSign: FIXTURE_STRING_TO_SIGN,
			signature: FIXTURE_SIGNATURE,
		});
	});

	it('header names in any case, trimmed x-acs values, other headers ignored', () => {
		const mixed = {
			Accept: 'application/json',
			'Content-Type': 'application/json; charset=utf-8',
			Date: FIXTURE_DATE,
			'X-Acs-Version': '  2022-03-01 ',
			'X-ACS-Action': 'Batch',
			'x-acs-signature-nonce': FIXTURE_NONCE,
			'X-Acs-Signature-Method': 'HMAC-SHA1',
			'x-acs-signature-version': '1.0\t',
			'User-Agent': 'n8n',
			Host: 'x.api.aliyunpds.com',
		};
		expect(pdsStringToSign({ method: 'POST', pathname: '/v2/batch', headers: mixed })).toBe(FIXTURE_STRING_TO_SIGN);
	});

	it('canonicalized resource: sorted keys, raw values, bare key for empty values', () => {
		expect(pdsCanonicalizedResource('/v2/file/get')).toBe('/v2/file/get');
		expect(pdsCanonicalizedResource('/v2/x', {})).toBe('/v2/x');
		expect(pdsCanonicalizedResource('/v2/x', { b: '2', a: 'x y/z', empty: '' })).toBe('/v2/x?a=x y/z&b=2&empty');
		expect(
			pdsCanonicalizedResource('/v2/x', [
				['k', 'b'],
				['k', 'a'],
				['c', '中'],
			]),
		).toBe('/v2/x?c=中&k=a&k=b');
	});

	it('canonicalized headers: only x-acs-*, lower-cased and sorted', () => {
		expect(pdsCanonicalizedHeaders({ 'X-Acs-B': ' 2 ', 'x-acs-a': '1', 'x-other': 'no', date: 'd' })).toBe(
			'x-acs-a:1\nx-acs-b:2\n',
		);
		expect(pdsCanonicalizedHeaders({})).toBe('');
	});

	it('missing Accept / Content-MD5 / Content-Type / Date give empty lines', () => {
		expect(pdsStringToSign({ method: 'POST', pathname: '/v2/batch', headers: {} })).toBe('POST\n\n\n\n\n/v2/batch');
	});

	it('parses the Authorization header and derives x-acs-action', () => {
		expect(parsePdsAuthorization(`acs AKID:${FIXTURE_SIGNATURE}`)).toEqual({
			accessKeyId: 'AKID',
			signature: FIXTURE_SIGNATURE,
		});
		expect(parsePdsAuthorization('Bearer abc')).toBeUndefined();
		expect(pdsActionFromPath('/v2/batch')).toBe('Batch');
		expect(pdsActionFromPath('/pds/v2/file/get_download_url')).toBe('GetDownloadUrl');
		expect(pdsActionFromPath('/v2/drive/get')).toBe('GetDrive');
		expect(pdsActionFromPath('/v2/group/add_member')).toBe('AddGroupMember');
		expect(pdsActionFromPath('/v2/audit_log/export')).toBe('ExportAuditLog');
		expect(formatPdsDate(new Date('2013-01-23T06:43:08Z'))).toBe(FIXTURE_DATE);
	});
});

describe('PDS AccessKey credential signing step', () => {
	it('reproduces the fixture with a fixed clock and nonce, and returns the exact signed bytes', () => {
		const credentials = { domainId: 'bj1', accessKeyId: 'AKID', accessKeySecret: 'testsecret' };
		const body = { resource: 'file', requests: [{ id: '1', method: 'POST', url: '/file/get' }] };
		const signed = signPdsAccessKey(
			credentials,
			{ method: 'POST', url: '/v2/batch', body },
			new Date('2013-01-23T06:43:08Z'),
			FIXTURE_NONCE,
		);
		expect(signed.url).toBe('https://bj1.api.aliyunpds.com/v2/batch');
		expect(signed.body).toBe(JSON.stringify(body));
		expect(signed.headers).toEqual({ ...fixtureHeaders, authorization: `acs AKID:${FIXTURE_SIGNATURE}` });
		expect(signed.qs).toBeUndefined();
		expect(signed.baseURL).toBeUndefined();
	});

	it('signs the query, the endpoint override and the STS token', () => {
		const credentials = {
			domainId: 'bj1',
			accessKeyId: 'STS.AK',
			accessKeySecret: 's3cr3t',
			securityToken: 'tok',
			endpoint: 'http://127.0.0.1:9999/pds/',
		};
		const signed = signPdsAccessKey(
			credentials,
			{ method: 'POST', url: '/v2/file/list', qs: { b: 'x y', a: '1' }, body: { limit: 1 } },
			new Date('2024-01-01T00:00:00Z'),
			'nonce-1',
		);
		expect(signed.url).toBe('http://127.0.0.1:9999/pds/v2/file/list?a=1&b=x%20y');
		const headers = signed.headers as Record<string, string>;
		expect(headers['x-acs-security-token']).toBe('tok');
		expect(headers['x-acs-action']).toBe('ListFile');
		expect(headers['date']).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
		const sts = pdsStringToSign({
			method: 'POST',
			pathname: '/pds/v2/file/list',
			query: [
				['a', '1'],
				['b', 'x y'],
			],
			headers,
		});
		expect(sts).toContain('x-acs-security-token:tok\n');
		expect(sts.endsWith('/pds/v2/file/list?a=1&b=x y')).toBe(true);
		expect(headers['authorization']).toBe(`acs STS.AK:${pdsSignature(sts, 's3cr3t')}`);
	});

	it('authenticate() uses the real clock and a fresh nonce each call', async () => {
		const type = new AlibabaPdsAccessKeyApi();
		const credentials = { domainId: 'bj1', accessKeyId: 'AK', accessKeySecret: 'S' };
		const a = await type.authenticate(credentials, { method: 'POST', url: '/v2/batch', body: {} });
		const b = await type.authenticate(credentials, { method: 'POST', url: '/v2/batch', body: {} });
		const ha = a.headers as Record<string, string>;
		const hb = b.headers as Record<string, string>;
		expect(ha['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{32}$/);
		expect(ha['x-acs-signature-nonce']).not.toBe(hb['x-acs-signature-nonce']);
		expect(Math.abs(Date.parse(ha['date']) - Date.now())).toBeLessThan(5000);
	});

	it('bearer credential folds the request the same way and adds both token headers', () => {
		const out = applyPdsBearerToken(
			{ domainId: 'bj1', accessToken: 'tok-1' },
			{ method: 'POST', url: '/v2/batch', qs: { z: '1' }, body: { a: 1 } },
		);
		expect(out.url).toBe('https://bj1.api.aliyunpds.com/v2/batch?z=1');
		expect(out.body).toBe('{"a":1}');
		expect(out.headers).toMatchObject({
			authorization: 'Bearer tok-1',
			'x-acs-bearer-token': 'tok-1',
			'content-type': 'application/json',
			accept: 'application/json',
		});
		expect(() => applyPdsBearerToken({ domainId: 'bj1' }, { url: '/v2/batch' })).toThrow(/no access token/);
	});
});

// ------------------------------------------------------------------ cross-check with openapi-util

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~ /:=+,;%中文é';

describe('PDS acs signer vs @alicloud/openapi-util (ROA getStringToSign / getROASignature)', () => {
	it('agrees on 600 generated requests', () => {
		const rand = mulberry32(20220301);
		const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
		const text = (min: number, max: number, alphabet = CHARS) => {
			const n = min + Math.floor(rand() * (max - min + 1));
			let out = '';
			for (let i = 0; i < n; i++) out += alphabet[Math.floor(rand() * alphabet.length)];
			return out;
		};
		const name = () => text(1, 12, 'abcdefghijklmnopqrstuvwxyz0123456789-');
		let checked = 0;
		for (let i = 0; i < 600; i++) {
			const method = pick(['POST', 'GET', 'PUT', 'DELETE', 'HEAD']);
			const pathname = `/v2/${name()}/${name()}`;
			const headers: Record<string, string> = { accept: pick(['application/json', '*/*', 'text/plain']) };
			if (rand() < 0.5) headers['content-type'] = pick(['application/json; charset=utf-8', 'application/octet-stream']);
			if (rand() < 0.3) headers['content-md5'] = text(22, 24, 'ABCDEFabcdef0123456789+/=');
			if (rand() < 0.9) headers['date'] = new Date(Math.floor(rand() * 2e12)).toUTCString();
			const acsCount = Math.floor(rand() * 7);
			for (let h = 0; h < acsCount; h++) {
				const value = rand() < 0.3 ? `  ${text(0, 20)}\t ` : text(0, 30);
				headers[`x-acs-${name()}`] = value;
			}
			if (rand() < 0.5) headers['x-other-header'] = text(1, 10);
			if (rand() < 0.5) headers['user-agent'] = 'n8n';
			const query: Record<string, string> = {};
			const queryCount = rand() < 0.5 ? 0 : 1 + Math.floor(rand() * 5);
			// Values are non-empty: for an empty value the PDS gateway signs a bare `k`, openapi-util `k=`.
			for (let q = 0; q < queryCount; q++) query[text(1, 8, 'abcdefghijklmnopqrstuvwxyzABCZ_0123456789')] = text(1, 16);
			const secret = text(8, 40);

			const ours = pdsStringToSign({ method, pathname, query, headers });
			const theirs = OpenApiUtil.getStringToSign({ method, pathname, headers, query } as never);
			expect(ours).toBe(theirs);
			expect(pdsSignature(ours, secret)).toBe(OpenApiUtil.getROASignature(theirs, secret));
			// The pair form gives the same resource as the map form.
			expect(pdsStringToSign({ method, pathname, query: Object.entries(query), headers })).toBe(ours);
			checked++;
		}
		expect(checked).toBe(600);
	});

	it('documents the one divergence: empty query values (gateway: bare key)', () => {
		const headers = { accept: 'application/json' };
		const ours = pdsStringToSign({ method: 'POST', pathname: '/v2/x', query: { a: '' }, headers });
		const theirs = OpenApiUtil.getStringToSign({ method: 'POST', pathname: '/v2/x', headers, query: { a: '' } } as never);
		expect(ours.endsWith('/v2/x?a')).toBe(true);
		expect(theirs.endsWith('/v2/x?a=')).toBe(true);
	});
});
