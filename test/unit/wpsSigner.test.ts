import { createHash, createHmac } from 'node:crypto';

import {
	formatWpsDate,
	isSm3Available,
	normalizeGatewayPrefix,
	parseWpsAuthorization,
	signWpsRequest,
	stripGatewayPrefix,
	wpsBodyHash,
	wpsDigestHex,
	wpsHmacHex,
	wpsSchemeInfo,
	wpsSignedUri,
	wpsStringToSign,
	type WpsSigningInput,
} from '../../credentials/common/wpsSigner';

/** Inputs of the official KSO-1 vectors (wps365.md section 1.4). */
const DATE = 'Mon, 02 Jan 2006 15:04:05 GMT';
const BODY = '{"key": "value"}';
const ex1: WpsSigningInput = {
	scheme: 'KSO-1',
	method: 'GET',
	uri: '/v7/test?key=value',
	contentType: 'application/json',
	date: DATE,
	body: '',
	appId: 'AK123456',
	appKey: 'sk098765',
};
const ex2: WpsSigningInput = { ...ex1, method: 'POST', uri: '/v7/test/body', body: BODY };

describe('KSO-1 (official vectors)', () => {
	it('example 1: GET with query, empty body', () => {
		const s = signWpsRequest(ex1);
		expect(s.authorization).toBe(
			'KSO-1 AK123456:ce8df66877175e5198c8ea1362ffddf82e4941c6f25a4ca205a1ad09d0faaf03',
		);
		expect(s.bodyHash).toBe('');
		expect(s.stringToSign).toBe(`KSO-1GET/v7/test?key=valueapplication/json${DATE}`);
		expect(s.headers).toEqual({ 'X-Kso-Date': DATE, 'X-Kso-Authorization': s.authorization });
	});

	it('example 2: POST with body', () => {
		const s = signWpsRequest(ex2);
		expect(s.bodyHash).toBe('9724c1e20e6e3e4d7f57ed25f9d4efb006e508590d528c90da597f6a775c13e5');
		expect(createHash('sha256').update(BODY).digest('hex')).toBe(s.bodyHash);
		expect(s.authorization).toBe(
			'KSO-1 AK123456:c46e6c988130818ecba2484d51ac685948fbbef6814602c7874d6bfc41dc17b3',
		);
	});

	it('signs a Buffer body like the same string', () => {
		expect(signWpsRequest({ ...ex2, body: Buffer.from(BODY, 'utf8') }).signature).toBe(
			signWpsRequest(ex2).signature,
		);
	});

	it('upper-cases the method', () => {
		expect(signWpsRequest({ ...ex2, method: 'post' }).signature).toBe(signWpsRequest(ex2).signature);
	});
});

describe('WPS-4 (self-computed fixtures)', () => {
	it('GET with query, empty body', () => {
		const s = signWpsRequest({ ...ex1, scheme: 'WPS-4' });
		expect(s.signature).toBe('f716884055cf3d46972cdfed5849ba12bbc33fc553c1cae7ec7aae7da4b9ae04');
		expect(s.authorization).toBe(`WPS-4 AK123456:${s.signature}`);
		expect(s.headers).toEqual({ 'Wps-Docs-Date': DATE, 'Wps-Docs-Authorization': s.authorization });
	});

	it('POST with body', () => {
		expect(signWpsRequest({ ...ex2, scheme: 'WPS-4' }).signature).toBe(
			'fb00f1af5dec2f9f14cfe6bd1bb45fe30b79ef696d4ac90d51d309dd1a6f615b',
		);
	});

	it('is the KSO-1 algorithm with another literal', () => {
		const input = { ...ex2, scheme: 'WPS-4' as const };
		const expected = createHmac('sha256', 'sk098765')
			.update(`WPS-4POST/v7/test/bodyapplication/json${DATE}${createHash('sha256').update(BODY).digest('hex')}`)
			.digest('hex');
		expect(signWpsRequest(input).signature).toBe(expected);
	});
});

const describeSm3 = isSm3Available() ? describe : describe.skip;

describeSm3('SM3 and WPS-4-GM', () => {
	it('SM3 primitive vectors (aliyun openapi-util)', () => {
		expect(wpsDigestHex('sm3', 'test')).toBe(
			'55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23',
		);
		expect(wpsHmacHex('sm3', 'secret', 'source')).toBe(
			'b9ff646822f41ef647c1416fa2b8408923828abc0464af6706e18db3e8553da8',
		);
	});

	it('WPS-4-GM fixture: SM3 body hash and HMAC-SM3 signature', () => {
		const s = signWpsRequest({ ...ex2, scheme: 'WPS-4-GM' });
		expect(s.bodyHash).toBe('2b40576f1e8df1749c65d2e3da45a27a6a227b4569845c86d460a21a4bfd42cb');
		expect(s.signature).toBe('26b3f53d2872b13730363a52949898936b269f3729b851eb85eae36fab6456c9');
		expect(s.authorization).toBe(`WPS-4-GM AK123456:${s.signature}`);
		expect(s.dateHeader).toBe('Wps-Docs-Date');
		expect(s.authorizationHeader).toBe('Wps-Docs-Authorization');
	});

	it('WPS-4-GM with an empty body has an empty body hash', () => {
		expect(signWpsRequest({ ...ex1, scheme: 'WPS-4-GM' }).bodyHash).toBe('');
	});
});

describe('SM3 missing', () => {
	it('throws an error naming WPS-4-GM', () => {
		jest.isolateModules(() => {
			jest.doMock('node:crypto', () => ({
				...jest.requireActual<typeof import('node:crypto')>('node:crypto'),
				getHashes: () => ['sha256', 'sha1'],
			}));
			const signer = require('../../credentials/common/wpsSigner') as typeof import('../../credentials/common/wpsSigner');
			expect(signer.isSm3Available()).toBe(false);
			expect(() => signer.signWpsRequest({ ...ex2, scheme: 'WPS-4-GM' })).toThrow(/WPS-4-GM/);
			expect(() => signer.signWpsRequest({ ...ex2, scheme: 'WPS-4-GM' })).toThrow(/sm3/i);
			// SHA-256 schemes are unaffected.
			expect(signer.signWpsRequest(ex2).signature).toBe(
				'c46e6c988130818ecba2484d51ac685948fbbef6814602c7874d6bfc41dc17b3',
			);
			jest.dontMock('node:crypto');
		});
	});
});

describe('body hash rules', () => {
	it('empty body -> empty string, not sha256("")', () => {
		expect(wpsBodyHash('KSO-1', '', 'application/json')).toBe('');
		expect(wpsBodyHash('WPS-4', Buffer.alloc(0), 'application/json')).toBe('');
		expect(wpsStringToSign({ ...ex1 })).not.toContain('e3b0c442');
	});

	it('JSON (with charset) and form bodies are hashed', () => {
		const h = createHash('sha256').update('a=1').digest('hex');
		expect(wpsBodyHash('KSO-1', 'a=1', 'application/x-www-form-urlencoded')).toBe(h);
		expect(wpsBodyHash('KSO-1', 'a=1', 'application/json; charset=utf-8')).toBe(h);
		expect(wpsBodyHash('KSO-1', 'a=1', 'Application/JSON')).toBe(h);
	});

	it('other content types: body not hashed, full content type still signed', () => {
		const ct = 'multipart/form-data; boundary=----abc';
		expect(wpsBodyHash('WPS-4', '------abc\r\n...', ct)).toBe('');
		expect(wpsStringToSign({ ...ex2, scheme: 'WPS-4', contentType: ct, body: 'x' })).toBe(
			`WPS-4POST/v7/test/body${ct}${DATE}`,
		);
	});
});

describe('URI rules', () => {
	it('the gateway prefix is not signed', () => {
		expect(stripGatewayPrefix('/graph/v7/files/batch_get_meta', '/graph')).toBe('/v7/files/batch_get_meta');
		expect(stripGatewayPrefix('/openapi/v7/files/batch_get_meta', 'openapi/')).toBe(
			'/v7/files/batch_get_meta',
		);
		// only on a segment boundary, and only as a prefix
		expect(stripGatewayPrefix('/graphql/v7/x', '/graph')).toBe('/graphql/v7/x');
		expect(stripGatewayPrefix('/v7/graph/x', '/graph')).toBe('/v7/graph/x');
		expect(stripGatewayPrefix('/v7/x', '')).toBe('/v7/x');
		const a = signWpsRequest({ ...ex2, uri: wpsSignedUri('/graph/v7/test/body', '', '/graph') });
		expect(a.signature).toBe(signWpsRequest(ex2).signature);
	});

	it('the query is part of the signed URI', () => {
		expect(wpsSignedUri('/openapi/v7/test', 'key=value', '/openapi')).toBe('/v7/test?key=value');
		expect(signWpsRequest({ ...ex1, uri: wpsSignedUri('/openapi/v7/test', 'key=value', '/openapi') }).authorization).toBe(
			'KSO-1 AK123456:ce8df66877175e5198c8ea1362ffddf82e4941c6f25a4ca205a1ad09d0faaf03',
		);
		expect(signWpsRequest({ ...ex1, uri: '/v7/test' }).signature).not.toBe(signWpsRequest(ex1).signature);
	});

	it('normalizes prefixes', () => {
		expect(normalizeGatewayPrefix('')).toBe('');
		expect(normalizeGatewayPrefix('/')).toBe('');
		expect(normalizeGatewayPrefix(' graph/ ')).toBe('/graph');
		expect(normalizeGatewayPrefix('/o/cid')).toBe('/o/cid');
		expect(stripGatewayPrefix('/o/cid/api/xxx', '/o/cid')).toBe('/api/xxx');
	});
});

describe('helpers', () => {
	it('formats RFC 1123 GMT dates', () => {
		expect(formatWpsDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5)))).toBe(DATE);
	});

	it('scheme table', () => {
		expect(wpsSchemeInfo('KSO-1')).toMatchObject({ dateHeader: 'X-Kso-Date', digest: 'sha256' });
		expect(wpsSchemeInfo('WPS-4-GM')).toMatchObject({ dateHeader: 'Wps-Docs-Date', digest: 'sm3' });
		expect(() => wpsSchemeInfo('WPS-3' as never)).toThrow(/Unknown WPS signature scheme/);
	});

	it('parses signature headers', () => {
		expect(parseWpsAuthorization('WPS-4-GM AK1:abcdef')).toEqual({ scheme: 'WPS-4-GM', appId: 'AK1', signature: 'abcdef' });
		expect(parseWpsAuthorization('WPS-4 AK1:00ff')).toEqual({ scheme: 'WPS-4', appId: 'AK1', signature: '00ff' });
		expect(parseWpsAuthorization('KSO-1 AK1: 00ff')).toBeUndefined();
		expect(parseWpsAuthorization('WPS-2:AK1:00ff')).toBeUndefined();
	});
});
