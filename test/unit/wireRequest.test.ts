/**
 * The wire request: what n8n request options become before they are signed. Expected values are
 * literals or come from the Huawei Node SDK's own encoder (dev dependency, used as an oracle).
 */
import {
	canonicalQuery,
	encodeRfc3986,
	queryPairs,
	toRequestOptions,
	toWireRequest,
	wireUrl,
} from '../../credentials/common/wireRequest';

const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');

describe('encodeRfc3986', () => {
	it('leaves only A-Z a-z 0-9 - _ . ~ literal, like the SDK encoder, for every ASCII character', () => {
		for (let c = 0; c < 128; c++) {
			const ch = String.fromCharCode(c);
			const expected = /[A-Za-z0-9\-_.~]/.test(ch)
				? ch
				: `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
			expect([c, encodeRfc3986(ch)]).toEqual([c, expected]);
			expect([c, encodeRfc3986(ch)]).toEqual([c, AKSKSigner.urlEncode(ch)]);
		}
	});

	it.each([
		['a b', 'a%20b'],
		['a+b', 'a%2Bb'],
		['*', '%2A'],
		["!'()", '%21%27%28%29'],
		['一', '%E4%B8%80'],
		['é', '%C3%A9'],
		['😀', '%F0%9F%98%80'],
		['~-_.', '~-_.'],
	])('%j -> %j', (input, expected) => {
		expect(encodeRfc3986(input)).toBe(expected);
	});
});

describe('queryPairs / canonicalQuery', () => {
	it('flattens arrays to repeated keys, stringifies scalars, skips null and undefined', () => {
		expect(queryPairs({ a: [2, null, 'x'], n: null, u: undefined, b: true, c: 0, e: '' })).toEqual([
			['a', '2'],
			['a', 'x'],
			['b', 'true'],
			['c', '0'],
			['e', ''],
		]);
	});

	it('sorts by raw name then raw value (uppercase before lowercase) and keeps empty values', () => {
		expect(
			canonicalQuery([
				['b', ''],
				['a', 'z'],
				['B', '1'],
				['a', 'Z'],
				['a.b', 'x'],
				['a/b', 'y'],
			]),
		).toBe('B=1&a=Z&a=z&a.b=x&a%2Fb=y&b=');
	});
});

describe('toWireRequest', () => {
	it('joins baseURL (trailing slash or not) and url, folds url query and qs into one sorted query', () => {
		for (const baseURL of ['https://api.example.com', 'https://api.example.com/']) {
			const wire = toWireRequest({
				method: 'get' as never,
				baseURL,
				url: '/v1/items?z=1&a=%2B',
				qs: { m: ['2', '1'], s: 'a b' },
			});
			expect(wire).toMatchObject({
				method: 'GET',
				origin: 'https://api.example.com',
				host: 'api.example.com',
				path: '/v1/items',
				queryString: 'a=%2B&m=1&m=2&s=a%20b&z=1',
				body: '',
			});
			expect(wireUrl(wire)).toBe('https://api.example.com/v1/items?a=%2B&m=1&m=2&s=a%20b&z=1');
		}
	});

	it('an absolute url wins over baseURL; host keeps a non-default port, drops the default one', () => {
		expect(toWireRequest({ baseURL: 'https://ignored.example.com', url: 'http://h.example.com:8080/x' }))
			.toMatchObject({ origin: 'http://h.example.com:8080', host: 'h.example.com:8080', path: '/x' });
		expect(toWireRequest({ url: 'https://h.example.com:443/x' })).toMatchObject({
			origin: 'https://h.example.com',
			host: 'h.example.com',
		});
		expect(toWireRequest({ url: 'https://h.example.com' }).path).toBe('/');
	});

	it('serializes an object body once as JSON and defaults content-type; keeps a string body as is', () => {
		const json = toWireRequest({ method: 'POST', url: 'https://h.example.com/x', body: { b: [1, '一'], a: null } });
		expect(json.body).toBe('{"b":[1,"一"],"a":null}');
		expect(json.headers).toEqual({ 'content-type': 'application/json' });

		const text = toWireRequest({
			method: 'POST',
			url: 'https://h.example.com/x',
			body: '{"a": 1}\n',
			headers: { 'Content-Type': 'text/plain' },
		});
		expect(text.body).toBe('{"a": 1}\n');
		expect(text.headers).toEqual({ 'content-type': 'text/plain' });
	});

	it('form-encodes an object body when the content type says so', () => {
		const wire = toWireRequest({
			method: 'POST',
			url: 'https://h.example.com/token',
			body: { grant_type: 'client_credentials', scope: 'a b' },
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
		});
		expect(wire.body).toBe('grant_type=client_credentials&scope=a+b');
	});

	it('toRequestOptions sends exactly the wire URL and body, without qs/baseURL, and does not mutate the input', () => {
		const original = {
			method: 'POST' as const,
			baseURL: 'https://h.example.com',
			url: '/x',
			qs: { q: 'a+b' },
			body: { k: 'v' },
			headers: { Accept: 'application/json' },
			timeout: 1234,
		};
		const snapshot = JSON.stringify(original);
		const out = toRequestOptions(original, toWireRequest(original));
		expect(out).toEqual({
			method: 'POST',
			url: 'https://h.example.com/x?q=a%2Bb',
			body: '{"k":"v"}',
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			timeout: 1234,
		});
		expect(JSON.stringify(original)).toBe(snapshot);
	});
});

describe('legacy request options', () => {
	it('accepts `uri` (HTTP Request node with a predefined credential) and sends `url` only', () => {
		const { toRequestOptions, toWireRequest } = require('../../credentials/common/wireRequest');
		const legacy = { method: 'GET', uri: 'https://example.com/v1/x?b=2', qs: { a: '1 2' } } as never;
		const wire = toWireRequest(legacy);
		expect(wire.path).toBe('/v1/x');
		expect(wire.queryString).toBe('a=1%202&b=2');
		const out = toRequestOptions(legacy, wire) as Record<string, unknown>;
		expect(out.url).toBe('https://example.com/v1/x?a=1%202&b=2');
		expect(out.uri).toBeUndefined();
	});
});
