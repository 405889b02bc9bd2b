/**
 * RS256 JWT creation and the PDS jwt-bearer assertion (claims, header, verification with the
 * public key under node:crypto), PEM handling, and the JWT app credential's token request.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';

import type { IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import {
	AlibabaPdsJwtAppApi,
	fetchPdsJwtAccessToken,
	pdsJwtTokenRequestBody,
} from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import {
	base64UrlDecode,
	base64UrlEncode,
	buildPdsAssertionClaims,
	createPdsAssertion,
	createRs256Jwt,
	decodeJwt,
	loadRsaPrivateKey,
} from '../../credentials/common/jwt';

const { privateKey: PRIVATE_PEM, publicKey: PUBLIC_PEM } = generateKeyPairSync('rsa', {
	modulusLength: 2048,
	publicKeyEncoding: { type: 'spki', format: 'pem' },
	privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const NOW = new Date('2024-06-01T12:00:00.000Z');
const IAT = Math.floor(NOW.getTime() / 1000);
const JTI = '0f8fad5b-d9cb-469f-a165-70867728950e';

function verifies(token: string, publicKeyPem = PUBLIC_PEM): boolean {
	const [h, p, s] = token.split('.');
	return verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(publicKeyPem), base64UrlDecode(s));
}

describe('base64url and RS256', () => {
	it('base64url has no padding and the url-safe alphabet', () => {
		const data = Buffer.from([0xfb, 0xff, 0xfe, 0x00]);
		expect(base64UrlEncode(data)).toBe('-__-AA');
		expect(base64UrlDecode('-__-AA')).toEqual(data);
		expect(base64UrlEncode('{"a":1}')).toBe('eyJhIjoxfQ');
		expect(() => base64UrlDecode('a+b=')).toThrow();
	});

	it('creates a compact JWT that verifies with the public key', () => {
		const token = createRs256Jwt({ hello: 'world' }, PRIVATE_PEM);
		expect(token.split('.')).toHaveLength(3);
		expect(verifies(token)).toBe(true);
		const decoded = decodeJwt(token);
		expect(decoded.header).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(decoded.payload).toEqual({ hello: 'world' });
		// tampering breaks it
		const [h, , s] = token.split('.');
		expect(verifies(`${h}.${base64UrlEncode('{"hello":"mars"}')}.${s}`)).toBe(false);
		// deterministic for RSA PKCS#1 v1.5
		expect(createRs256Jwt({ hello: 'world' }, PRIVATE_PEM)).toBe(token);
	});
});

describe('PDS assertion claims', () => {
	it('service subject: sub = domain id, exact claims, 60 s lifetime', () => {
		expect(
			buildPdsAssertionClaims({ clientId: 'app1', domainId: 'bj1', subjectType: 'service', now: NOW, jti: JTI }),
		).toEqual({ iss: 'app1', sub: 'bj1', sub_type: 'service', aud: 'bj1', jti: JTI, iat: IAT, exp: IAT + 60 });
	});

	it('user subject: sub = user id, auto_create only when set, configurable lifetime', () => {
		expect(
			buildPdsAssertionClaims({
				clientId: ' app1 ',
				domainId: 'bj1',
				subjectType: 'user',
				userId: 'u1',
				autoCreate: true,
				lifetimeSeconds: 300,
				now: NOW,
				jti: JTI,
			}),
		).toEqual({
			iss: 'app1',
			sub: 'u1',
			sub_type: 'user',
			aud: 'bj1',
			jti: JTI,
			iat: IAT,
			exp: IAT + 300,
			auto_create: true,
		});
		const without = buildPdsAssertionClaims({ clientId: 'a', domainId: 'd', subjectType: 'user', userId: 'u', now: NOW });
		expect(without).not.toHaveProperty('auto_create');
		// auto_create is meaningless for service tokens and is left out
		expect(
			buildPdsAssertionClaims({ clientId: 'a', domainId: 'd', subjectType: 'service', autoCreate: true }),
		).not.toHaveProperty('auto_create');
	});

	it('random jti of 16..128 characters, different each time', () => {
		const a = buildPdsAssertionClaims({ clientId: 'a', domainId: 'd', subjectType: 'service' });
		const b = buildPdsAssertionClaims({ clientId: 'a', domainId: 'd', subjectType: 'service' });
		expect(a.jti.length).toBeGreaterThanOrEqual(16);
		expect(a.jti.length).toBeLessThanOrEqual(128);
		expect(a.jti).not.toBe(b.jti);
		expect(Math.abs(a.iat - Date.now() / 1000)).toBeLessThan(5);
	});

	it('clear errors for missing inputs', () => {
		const base = { clientId: 'a', domainId: 'd', subjectType: 'user' as const };
		expect(() => buildPdsAssertionClaims({ ...base, clientId: '' })).toThrow(/App ID/);
		expect(() => buildPdsAssertionClaims({ ...base, domainId: '' })).toThrow(/domain ID/);
		expect(() => buildPdsAssertionClaims(base)).toThrow(/user ID is required/);
		expect(() => buildPdsAssertionClaims({ ...base, subjectType: 'admin' as never })).toThrow(/Subject type/);
		expect(() => buildPdsAssertionClaims({ ...base, userId: 'u', jti: 'short' })).toThrow(/jti/);
		expect(() => buildPdsAssertionClaims({ ...base, userId: 'u', lifetimeSeconds: 0 })).toThrow(/lifetime/);
	});

	it('the signed assertion verifies, with header {alg:RS256, typ:JWT} and the exact claims', () => {
		const token = createPdsAssertion({
			clientId: 'app1',
			domainId: 'bj1',
			subjectType: 'user',
			userId: 'u1',
			now: NOW,
			jti: JTI,
			privateKey: PRIVATE_PEM,
		});
		expect(verifies(token)).toBe(true);
		const [h, p] = token.split('.');
		expect(JSON.parse(base64UrlDecode(h).toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
		expect(JSON.parse(base64UrlDecode(p).toString())).toEqual({
			iss: 'app1',
			sub: 'u1',
			sub_type: 'user',
			aud: 'bj1',
			jti: JTI,
			iat: IAT,
			exp: IAT + 60,
		});
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
		expect(verifies(token, other.toString())).toBe(false);
	});
});

describe('private key handling', () => {
	const body = PRIVATE_PEM.split('\n').filter((l) => l && !l.startsWith('-----'));

	it('accepts PKCS#8, PKCS#1, literal \\n sequences, CRLF and lost line breaks', () => {
		const pkcs1 = loadRsaPrivateKey(PRIVATE_PEM)
			.export({ type: 'pkcs1', format: 'pem' })
			.toString();
		const variants = [
			PRIVATE_PEM,
			pkcs1,
			PRIVATE_PEM.replace(/\n/g, '\\n'),
			PRIVATE_PEM.replace(/\n/g, '\r\n'),
			`-----BEGIN PRIVATE KEY----- ${body.join(' ')} -----END PRIVATE KEY-----`,
			`  ${PRIVATE_PEM}  `,
		];
		for (const pem of variants) {
			const token = createRs256Jwt({ x: 1 }, pem);
			expect(verifies(token)).toBe(true);
		}
	});

	it('rejects a broken key with a clear message that contains no key material', () => {
		const broken = PRIVATE_PEM.replace(body[5], body[5].split('').reverse().join(''));
		const truncated = PRIVATE_PEM.slice(0, 400);
		for (const pem of [broken, truncated, 'not a key', body.join('\n'), '']) {
			let message = '';
			try {
				createPdsAssertion({ clientId: 'a', domainId: 'd', subjectType: 'service', privateKey: pem });
			} catch (error) {
				message = (error as Error).message;
			}
			expect(message).toMatch(/not a valid PEM RSA private key/);
			for (const line of body) expect(message).not.toContain(line.slice(0, 16));
		}
	});

	it('rejects non-RSA and encrypted keys', () => {
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
		expect(() => loadRsaPrivateKey(ec.toString())).toThrow(/ec key; RS256 needs an RSA private key/);
		const encrypted = generateKeyPairSync('rsa', {
			modulusLength: 1024,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		}).privateKey;
		expect(() => loadRsaPrivateKey(encrypted)).toThrow(/encrypted/);
	});
});

describe('JWT app credential: token request', () => {
	const credentials = {
		domainId: 'bj1',
		clientId: 'app1',
		privateKey: PRIVATE_PEM,
		subjectType: 'user',
		userId: 'u1',
		autoCreateUser: true,
		endpoint: '',
	};

	function helperWith(impl: (options: IHttpRequestOptions) => Promise<unknown>): IHttpRequestHelper & {
		calls: IHttpRequestOptions[];
	} {
		const calls: IHttpRequestOptions[] = [];
		return {
			calls,
			helpers: {
				httpRequest: async (options: IHttpRequestOptions) => {
					calls.push(options);
					return impl(options);
				},
			},
		} as never;
	}

	it('builds the jwt-bearer form body', () => {
		const { body, assertion } = pdsJwtTokenRequestBody(credentials, NOW);
		const form = new URLSearchParams(body);
		expect([...form.keys()]).toEqual(['grant_type', 'client_id', 'assertion']);
		expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
		expect(form.get('client_id')).toBe('app1');
		expect(form.get('assertion')).toBe(assertion);
		expect(decodeJwt(assertion).payload).toMatchObject({ sub: 'u1', sub_type: 'user', auto_create: true, iat: IAT });
	});

	it('preAuthentication POSTs the form to {endpoint}/v2/oauth/token and returns the token', async () => {
		const helper = helperWith(async () => ({ access_token: 'tok-1', token_type: 'Bearer', expires_in: 7200 }));
		const out = await new AlibabaPdsJwtAppApi().preAuthentication.call(helper, credentials);
		expect(out).toEqual({ accessToken: 'tok-1' });
		expect(helper.calls).toHaveLength(1);
		const call = helper.calls[0];
		expect(call).toMatchObject({
			method: 'POST',
			url: 'https://bj1.api.aliyunpds.com/v2/oauth/token',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		});
		expect(typeof call.body).toBe('string');
		expect(new URLSearchParams(call.body as string).get('client_id')).toBe('app1');

		const overridden = helperWith(async () => JSON.stringify({ access_token: 'tok-2' }));
		await expect(
			fetchPdsJwtAccessToken(overridden, { ...credentials, endpoint: 'http://127.0.0.1:1234/pds/' }),
		).resolves.toBe('tok-2');
		expect(overridden.calls[0].url).toBe('http://127.0.0.1:1234/pds/v2/oauth/token');
	});

	it('errors are clear and carry no key, assertion or form body', async () => {
		let sentBody = '';
		const failing = helperWith(async (options) => {
			sentBody = options.body as string;
			const error = new Error('Request failed with status code 401') as Error & { response: unknown };
			error.response = { status: 401, data: { code: 'InvalidJWTSignature', message: 'bad signature' } };
			throw error;
		});
		let message = '';
		try {
			await fetchPdsJwtAccessToken(failing, credentials);
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toBe('Alibaba Cloud PDS token request failed: HTTP 401 InvalidJWTSignature: bad signature');
		const assertion = new URLSearchParams(sentBody).get('assertion')!;
		expect(message).not.toContain(assertion.slice(0, 20));

		// An echoing server does not leak the assertion either.
		const echoing = helperWith(async (options) => {
			const error = new Error('boom') as Error & { response: unknown };
			error.response = { status: 400, data: { Code: 'InvalidParameter', Message: `bad: ${options.body as string}` } };
			throw error;
		});
		const echoed = await fetchPdsJwtAccessToken(echoing, credentials).catch((e: Error) => e.message);
		expect(echoed).toMatch(/^Alibaba Cloud PDS token request failed: HTTP 400 InvalidParameter: bad: \*\*\*/);
		expect(echoed).not.toContain('eyJ');

		const noToken = helperWith(async () => ({ token_type: 'Bearer' }));
		await expect(fetchPdsJwtAccessToken(noToken, credentials)).rejects.toThrow(/without an access_token/);

		const badKey = helperWith(async () => ({ access_token: 'x' }));
		const keyError = await fetchPdsJwtAccessToken(badKey, { ...credentials, privateKey: PRIVATE_PEM.slice(0, 300) }).catch(
			(e: Error) => e.message,
		);
		expect(keyError).toMatch(/cannot build the token request: The private key is not a valid PEM RSA private key/);
		expect(badKey.calls).toHaveLength(0);
		for (const line of PRIVATE_PEM.split('\n').slice(1, 4)) expect(keyError).not.toContain(line.slice(0, 16));
	});
});
