import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import {
	fetchWps365AccessToken,
	signWps365Request,
	Wps365Api,
	WPS_API_BASE_URL_EXPRESSION,
} from '../../credentials/Wps365Api.credentials';
import {
	wpsApiBaseUrl,
	wpsGatewayPrefix,
	wpsSignedPath,
	wpsTokenUrl,
	wpsUsesPublicCloudApi,
} from '../../credentials/common/wps365';
import { isSm3Available, signWpsRequest } from '../../credentials/common/wpsSigner';
import { startEmulator, type Emulator } from '../emulator/server';
import { WPS_FIXTURE_IDS, wps365Credentials, wpsTokensIssued } from '../emulator/wps';
import { runNode, testCredential } from '../helpers/inProcess';

const NOW = new Date(Date.UTC(2006, 0, 2, 15, 4, 5));
const DATE = 'Mon, 02 Jan 2006 15:04:05 GMT';

const creds = (over: ICredentialDataDecryptedObject = {}): ICredentialDataDecryptedObject => ({
	baseUrl: 'https://wps.example.com',
	signatureScheme: 'KSO-1',
	gatewayPrefix: '',
	appId: 'AK123456',
	appKey: 'sk098765',
	tokenUrl: '',
	accessToken: 'tok-1',
	...over,
});

describe('credential description', () => {
	const type = new Wps365Api();
	it('has the public field names and an expirable hidden token', () => {
		expect(type.name).toBe('wps365Api');
		expect(type.displayName).toBe('WPS 365 API');
		expect(type.properties.map((p) => p.name)).toEqual([
			'baseUrl',
			'signatureScheme',
			// one Gateway Prefix field per scheme (its placeholder is that scheme's usual prefix)
			'gatewayPrefix',
			'gatewayPrefix',
			'gatewayPrefix',
			'appId',
			'appKey',
			'tokenUrl',
			'accessToken',
		]);
		expect(
			type.properties
				.filter((p) => p.name === 'gatewayPrefix')
				.map((p) => [p.displayOptions?.show?.signatureScheme, p.placeholder]),
		).toEqual([
			[['WPS-4'], '/graph'],
			[['WPS-4-GM'], '/graph'],
			[['KSO-1'], '/openapi'],
		]);
		const token = type.properties.find((p) => p.name === 'accessToken')!;
		expect(token).toMatchObject({ type: 'hidden', typeOptions: { expirable: true } });
		expect(type.properties.find((p) => p.name === 'appKey')!.typeOptions).toMatchObject({ password: true });
		expect(
			type.properties.find((p) => p.name === 'signatureScheme')!.options!.map((o) => (o as { value: string }).value),
		).toEqual(['KSO-1', 'WPS-4', 'WPS-4-GM']);
	});
});

describe('endpoint rules', () => {
	it('gateway prefix defaults per scheme and deployment', () => {
		expect(wpsGatewayPrefix(creds({ signatureScheme: 'WPS-4' }))).toBe('/graph');
		expect(wpsGatewayPrefix(creds({ signatureScheme: 'WPS-4-GM' }))).toBe('/graph');
		expect(wpsGatewayPrefix(creds())).toBe('/openapi');
		expect(wpsGatewayPrefix(creds({ baseUrl: 'https://openapi.wps.cn' }))).toBe('');
		expect(wpsGatewayPrefix(creds({ gatewayPrefix: '/' }))).toBe('');
		expect(wpsGatewayPrefix(creds({ gatewayPrefix: 'none' }))).toBe('');
		expect(wpsGatewayPrefix(creds({ gatewayPrefix: 'o/cid/' }))).toBe('/o/cid');
	});

	it('API base URL and token URL', () => {
		expect(wpsApiBaseUrl(creds({ baseUrl: 'https://wps.example.com/' }))).toBe('https://wps.example.com/openapi');
		expect(wpsApiBaseUrl(creds({ baseUrl: 'https://wps.example.com/graph', signatureScheme: 'WPS-4' }))).toBe(
			'https://wps.example.com/graph',
		);
		expect(wpsApiBaseUrl(creds({ baseUrl: '' }))).toBe('https://openapi.wps.cn');
		expect(wpsTokenUrl(creds())).toBe('https://wps.example.com/openapi/oauth2/token');
		expect(wpsTokenUrl(creds({ signatureScheme: 'WPS-4' }))).toBe('https://wps.example.com/openapi/oauth2/token');
		expect(wpsTokenUrl(creds({ baseUrl: 'https://wps.example.com/openapi/' }))).toBe(
			'https://wps.example.com/openapi/oauth2/token',
		);
		expect(wpsTokenUrl(creds({ baseUrl: 'https://openapi.wps.cn' }))).toBe('https://openapi.wps.cn/oauth2/token');
		expect(wpsTokenUrl(creds({ tokenUrl: ' https://sso.example.com/token ' }))).toBe('https://sso.example.com/token');
	});

	it('signed path: without domain path and gateway prefix', () => {
		expect(wpsSignedPath(creds(), '/openapi/v7/files/batch_get_meta')).toBe('/v7/files/batch_get_meta');
		expect(wpsSignedPath(creds({ baseUrl: 'https://x.example/wps', signatureScheme: 'WPS-4' }), '/wps/graph/v7/a')).toBe('/v7/a');
		expect(wpsSignedPath(creds({ baseUrl: 'https://openapi.wps.cn' }), '/v7/a')).toBe('/v7/a');
		expect(wpsSignedPath(creds(), '/other/v7/a')).toBe('/other/v7/a');
	});

	it('the credential test expressions match wpsApiBaseUrl() and wpsUsesPublicCloudApi()', () => {
		const workflow = new Workflow({
			nodes: [{ id: '1', name: 'n', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			active: false,
			nodeTypes: {
				getByName: () => ({ description: { properties: [] } }) as never,
				getByNameAndVersion: () => ({ description: { properties: [] } }) as never,
				getKnownTypes: () => ({}),
			},
		});
		const cases: ICredentialDataDecryptedObject[] = [];
		for (const baseUrl of [
			'https://wps.example.com',
			'https://wps.example.com/',
			'http://127.0.0.1:4010',
			'https://openapi.wps.cn',
			'https://OpenAPI.wps.cn/',
			'https://openapi.wps.cn:443',
			'https://wps.example.com/openapi',
			'https://wps.example.com/graph//',
			'',
		]) {
			for (const signatureScheme of ['KSO-1', 'WPS-4', 'WPS-4-GM']) {
				for (const gatewayPrefix of ['', '/', 'none', 'NONE', '/graph', 'openapi/', ' /o/cid ', '///']) {
					cases.push(creds({ baseUrl, signatureScheme, gatewayPrefix }));
				}
			}
		}
		for (const c of cases) {
			const value = workflow.expression.getParameterValue(
				WPS_API_BASE_URL_EXPRESSION,
				null,
				0,
				0,
				'n',
				[],
				'internal',
				{ $credentials: c } as never,
			);
			expect({ c, value }).toEqual({ c, value: wpsApiBaseUrl(c) });
			const request = new Wps365Api().test.request;
			const method = workflow.expression.getParameterValue(request.method as string, null, 0, 0, 'n', [], 'internal', { $credentials: c } as never);
			expect({ c, method }).toEqual({ c, method: wpsUsesPublicCloudApi(c) ? 'GET' : 'POST' });
		}
	});
});

describe('signWps365Request (fixed clock)', () => {
	it('KSO-1: Bearer, X-Kso-* headers, prefix stripped, query folded and signed, body as signed', () => {
		const out = signWps365Request(
			creds(),
			{
				method: 'POST',
				baseURL: 'https://wps.example.com/openapi',
				url: '/v7/test/body',
				qs: { b: '2', a: 'x y' },
				body: { key: 'value' },
				headers: { 'X-Kso-Id-Type': 'internal', authorization: 'stale', 'x-kso-date': 'old' },
			},
			NOW,
		);
		expect(out.url).toBe('https://wps.example.com/openapi/v7/test/body?a=x%20y&b=2');
		expect(out.baseURL).toBeUndefined();
		expect(out.qs).toBeUndefined();
		expect(out.body).toBe('{"key":"value"}');
		const expected = signWpsRequest({
			scheme: 'KSO-1',
			method: 'POST',
			uri: '/v7/test/body?a=x%20y&b=2',
			contentType: 'application/json',
			date: DATE,
			body: '{"key":"value"}',
			appId: 'AK123456',
			appKey: 'sk098765',
		});
		expect(out.headers).toEqual({
			'content-type': 'application/json',
			'x-kso-id-type': 'internal',
			Authorization: 'Bearer tok-1',
			'X-Kso-Date': DATE,
			'X-Kso-Authorization': expected.authorization,
		});
	});

	it('reproduces the official KSO-1 vectors end to end (GET with query, POST with raw body)', () => {
		const get = signWps365Request(
			creds({ baseUrl: 'https://openapi.wps.cn' }),
			{ method: 'GET', url: 'https://openapi.wps.cn/v7/test?key=value' },
			NOW,
		);
		expect(get.headers!['X-Kso-Authorization']).toBe(
			'KSO-1 AK123456:ce8df66877175e5198c8ea1362ffddf82e4941c6f25a4ca205a1ad09d0faaf03',
		);
		const post = signWps365Request(
			creds(),
			{
				method: 'POST',
				url: 'https://wps.example.com/openapi/v7/test/body',
				body: '{"key": "value"}',
				headers: { 'Content-Type': 'application/json' },
			},
			NOW,
		);
		expect(post.body).toBe('{"key": "value"}');
		expect(post.headers!['X-Kso-Authorization']).toBe(
			'KSO-1 AK123456:c46e6c988130818ecba2484d51ac685948fbbef6814602c7874d6bfc41dc17b3',
		);
	});

	it('WPS-4 and WPS-4-GM: Wps-Docs-* headers over the path without /graph', () => {
		for (const scheme of ['WPS-4', 'WPS-4-GM'] as const) {
			if (scheme === 'WPS-4-GM' && !isSm3Available()) continue;
			const out = signWps365Request(
				creds({ signatureScheme: scheme }),
				{
					method: 'POST',
					url: 'https://wps.example.com/graph/v7/test/body',
					body: '{"key": "value"}',
					headers: { 'Content-Type': 'application/json' },
				},
				NOW,
			);
			expect(out.headers!['Wps-Docs-Date']).toBe(DATE);
			expect(out.headers!['Wps-Docs-Authorization']).toBe(
				scheme === 'WPS-4'
					? 'WPS-4 AK123456:fb00f1af5dec2f9f14cfe6bd1bb45fe30b79ef696d4ac90d51d309dd1a6f615b'
					: 'WPS-4-GM AK123456:26b3f53d2872b13730363a52949898936b269f3729b851eb85eae36fab6456c9',
			);
			expect(out.headers!['X-Kso-Authorization']).toBeUndefined();
		}
	});

	it('no token yet: no Authorization header; unknown scheme: error', () => {
		const out = signWps365Request(creds({ accessToken: '' }), { method: 'GET', url: 'https://wps.example.com/openapi/v7/x' }, NOW);
		expect(out.headers!.Authorization).toBeUndefined();
		expect(out.headers!['content-type']).toBe('application/json');
		expect(() =>
			signWps365Request(creds({ signatureScheme: 'WPS-3' }), { method: 'GET', url: 'https://wps.example.com/x' }, NOW),
		).toThrow(/signature scheme/);
	});
});

describe('fetchWps365AccessToken', () => {
	it('posts the client_credentials form and returns the token', async () => {
		const calls: IHttpRequestOptions[] = [];
		const token = await fetchWps365AccessToken(async (o) => {
			calls.push(o);
			return { statusCode: 200, body: { access_token: 'abc', expires_in: 86400, token_type: 'Bearer' } };
		}, creds());
		expect(token).toEqual({ accessToken: 'abc', expiresIn: 86400, tokenType: 'Bearer' });
		expect(calls[0]).toMatchObject({
			method: 'POST',
			url: 'https://wps.example.com/openapi/oauth2/token',
			body: 'grant_type=client_credentials&client_id=AK123456&client_secret=sk098765',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
	});

	it('{code, msg} error bodies become clear errors without the secret', async () => {
		const error = await fetchWps365AccessToken(
			async () => ({ statusCode: 401, body: '{"code":40100101,"msg":"invalid client"}' }),
			creds({ appKey: 'super-secret-key' }),
		).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toBe(
			'WPS 365 token request to https://wps.example.com/openapi/oauth2/token failed (HTTP 401, code 40100101): invalid client. Check the App ID and App Key.',
		);
		const ok200 = await fetchWps365AccessToken(
			async () => ({ statusCode: 200, body: { code: 50000001, msg: 'internal' } }),
			creds(),
		).catch((e: Error) => e);
		expect((ok200 as Error).message).toContain('code 50000001');
	});

	it('network errors: message only, no request details', async () => {
		const thrown = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
			config: { data: 'client_secret=super-secret-key' },
		});
		const error = (await fetchWps365AccessToken(async () => {
			throw thrown;
		}, creds({ appKey: 'super-secret-key' })).catch((e: Error) => e)) as Error;
		expect(error.message).toContain('ECONNREFUSED');
		expect(JSON.stringify({ ...error, message: error.message })).not.toContain('super-secret-key');
		await expect(fetchWps365AccessToken(async () => ({}), creds({ appKey: '' }))).rejects.toThrow(/App Key/);
	});
});

describe('against the emulator (n8n-core in-process)', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => {
		await emu.close();
	});
	beforeEach(() => emu.reset());

	it.each([
		['WPS-4', 'private'],
		['WPS-4-GM', 'private'],
		['KSO-1', 'private'],
		['KSO-1', 'public'],
	] as const)('credential test passes: %s (%s)', async (scheme, style) => {
		if (scheme === 'WPS-4-GM' && !isSm3Available()) return;
		const result = await testCredential(new Wps365Api(), wps365Credentials(emu.url, scheme, style));
		expect(result).toMatchObject({ status: 'OK' });
		expect(result.credentialStore.preAuthCalls).toHaveLength(1);
		expect(wpsTokensIssued()).toBe(1);
		if (style === 'public') {
			// the public cloud's documented read: GET batch_get, no body, the id asked in the query
			const [call] = emu.requestLog.entries.filter((e) => e.path === '/v7/files/batch_get');
			expect([call.method, call.status, call.query]).toEqual(['GET', 200, 'file_ids=n8n-credential-test&mode=detailed']);
			expect(emu.countRequests('batch_get_meta')).toBe(0);
		} else {
			expect(emu.countRequests(scheme === 'KSO-1' ? '/openapi/v7/files/batch_get_meta' : '/graph/v7/files/batch_get_meta', 'POST')).toBe(1);
		}
		expect(emu.countRequests(style === 'public' ? '/oauth2/token' : '/openapi/oauth2/token', 'POST')).toBe(1);
	});

	it('credential test fails clearly with a wrong App Key (secret not shown)', async () => {
		const data = { ...wps365Credentials(emu.url, 'KSO-1'), appKey: 'not the app key' };
		const result = await testCredential(new Wps365Api(), data);
		expect(result.status).toBe('Error');
		const call = result.credentialStore.preAuthCalls[0];
		expect(String((call.error as Error).message)).toMatch(/HTTP 401, code 40100101.*Check the App ID and App Key/);
		expect(String(result.message)).not.toContain('not the app key');
		expect(String((call.error as Error).message)).not.toContain('not the app key');
	});

	/** A minimal node that calls batch_get_meta through httpRequestWithAuthentication. */
	class WpsProbe implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'WPS Probe',
			name: 'wpsProbe',
			group: ['transform'],
			version: 1,
			description: 'test only',
			defaults: { name: 'WPS Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'wps365Api', required: true }],
			properties: [],
			usableAsTool: true,
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const credentials = await this.getCredentials('wps365Api');
			const out: INodeExecutionData[] = [];
			for (const item of this.getInputData()) {
				const response = await this.helpers.httpRequestWithAuthentication.call(this, 'wps365Api', {
					method: 'POST',
					url: `${wpsApiBaseUrl(credentials)}/v7/files/batch_get_meta`,
					body: { file_ids: item.json.ids },
					json: true,
				});
				out.push({ json: response, pairedItem: 0 });
			}
			return [out];
		}
	}

	it('a stale stored token -> 401 -> preAuthentication -> signed retry succeeds; the token is reused', async () => {
		const data = { ...wps365Credentials(emu.url, 'WPS-4'), accessToken: 'stale-token' };
		const first = await runNode({
			nodeType: new WpsProbe(),
			items: [{ ids: WPS_FIXTURE_IDS.files.slice(0, 2) }],
			credentials: { wps365Api: { data } },
			credentialTypes: [new Wps365Api()],
		});
		expect(first.error).toBeUndefined();
		expect(first.main[0].json).toMatchObject({ code: 0, data: { items: [{ id: WPS_FIXTURE_IDS.files[0] }, { id: WPS_FIXTURE_IDS.files[1] }] } });
		expect(first.credentialStore.preAuthCount('wps365Api', { forced: true })).toBe(1);
		expect(wpsTokensIssued()).toBe(1);
		expect(emu.countRequests('/graph/v7/files/batch_get_meta', 'POST')).toBe(2);

		const second = await runNode({
			nodeType: new WpsProbe(),
			items: [{ ids: [WPS_FIXTURE_IDS.files[2]] }],
			credentialStore: first.credentialStore,
			credentialTypes: [new Wps365Api()],
		});
		expect(second.error).toBeUndefined();
		expect(wpsTokensIssued()).toBe(1);
		expect(emu.countRequests('/graph/v7/files/batch_get_meta', 'POST')).toBe(3);
	});
});
