/**
 * Exercises the in-process harness (test/helpers/inProcess.ts) against n8n-core's real engine with a
 * throwaway node type, throwaway credential types and a loopback HTTP server.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IAuthenticateGeneric,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	CredentialStore,
	createBinaryData,
	n8nCoreOlderThan,
	readBinary,
	runNode,
	runWorkflow,
	testCredential,
} from '../helpers/inProcess';

// ---------------------------------------------------------------------------------------------
// loopback API

interface ApiState {
	logins: number;
	/** Tokens the API accepts. */
	validTokens: Set<string>;
	/** When false, /login still issues tokens but they are never accepted. */
	acceptNewTokens: boolean;
	requests: Array<{ method: string; path: string; authorization?: string; status: number }>;
	nextToken: number;
}

const state: ApiState = {
	logins: 0,
	validTokens: new Set(),
	acceptNewTokens: true,
	requests: [],
	nextToken: 1,
};

function resetState(): void {
	state.logins = 0;
	state.validTokens.clear();
	state.acceptNewTokens = true;
	state.requests = [];
	state.nextToken = 1;
}

const USER = 'alice';
const PASSWORD = 's3cret';
const SIGNING_KEY = 'signing-key';

function signature(method: string, path: string, key: string): string {
	return createHash('sha256').update(`${method} ${path} ${key}`).digest('hex');
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function handle(req: IncomingMessage, res: ServerResponse, bodyText: string): number {
	const url = new URL(req.url ?? '/', 'http://localhost');
	const send = (status: number, body: unknown, statusText?: string) => {
		res.writeHead(status, statusText ?? '', { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
		return status;
	};
	if (url.pathname === '/login' && req.method === 'POST') {
		const { username, password } = JSON.parse(bodyText || '{}') as IDataObject;
		if (username !== USER || password !== PASSWORD) return send(401, { message: 'bad login' });
		state.logins++;
		const token = `tok-${state.nextToken++}`;
		if (state.acceptNewTokens) {
			state.validTokens.clear();
			state.validTokens.add(token);
		}
		return send(200, { token });
	}
	if (url.pathname.startsWith('/signed/expired')) return send(401, { message: 'signature expired' });
	if (url.pathname.startsWith('/signed/')) {
		const expected = signature(req.method ?? 'GET', url.pathname, SIGNING_KEY);
		if (req.headers['x-signature'] !== expected) return send(403, { message: 'bad signature' });
		return send(200, { id: url.pathname.slice('/signed/'.length), signed: true });
	}
	const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
	if (!state.validTokens.has(token)) return send(401, { message: 'token expired' }, 'Unauthorized');
	if (url.pathname === '/me') return send(200, { user: USER });
	if (url.pathname === '/me-disabled') return send(200, { disabled: true });
	if (url.pathname === '/forbidden') return send(403, { message: 'nope' }, 'Forbidden');
	if (url.pathname.startsWith('/items/')) {
		const id = url.pathname.slice('/items/'.length);
		if (id.startsWith('missing')) return send(404, { message: `item ${id} not found` }, 'Not Found');
		return send(200, { id, token });
	}
	if (url.pathname === '/batch' && req.method === 'POST') {
		const { ids } = JSON.parse(bodyText) as { ids: string[] };
		return send(200, {
			results: ids.map((id) =>
				id.startsWith('bad') ? { id, error: `invalid id ${id}` } : { id, created: true },
			),
		});
	}
	return send(404, { message: 'no route' });
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		void readBody(req).then((bodyText) => {
			const status = handle(req, res, bodyText);
			state.requests.push({
				method: req.method ?? '',
				path: req.url ?? '',
				authorization: req.headers.authorization,
				status,
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	resetState();
	signedAuthenticateCalls.length = 0;
});

// ---------------------------------------------------------------------------------------------
// throwaway credential types

class HarnessTokenApi implements ICredentialType {
	name = 'harnessTokenApi';

	displayName = 'Harness Token API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Username', name: 'username', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Test Path', name: 'testPath', type: 'string', default: '/me' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${credentials.baseUrl as string}/login`,
			body: { username: credentials.username, password: credentials.password },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' } },
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '={{$credentials.testPath}}' },
		rules: [
			{ type: 'responseSuccessBody', properties: { key: 'disabled', value: true, message: 'Account disabled' } },
		],
	};
}

/** Incoming options of every HarnessSignedApi.authenticate call. */
const signedAuthenticateCalls: IHttpRequestOptions[] = [];

class HarnessSignedApi implements ICredentialType {
	name = 'harnessSignedApi';

	displayName = 'Harness Signed API';

	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		signedAuthenticateCalls.push(JSON.parse(JSON.stringify(requestOptions)) as IHttpRequestOptions);
		const path = new URL(requestOptions.url, requestOptions.baseURL).pathname;
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				'x-signature': signature(requestOptions.method ?? 'GET', path, credentials.signingSecret as string),
			},
		};
	}
}

// ---------------------------------------------------------------------------------------------
// throwaway node type

class HarnessTest implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Test',
		name: 'harnessTest',
		group: ['transform'],
		version: 1,
		description: 'Throwaway node for the harness tests',
		defaults: { name: 'Harness Test' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'harnessTokenApi',
				required: true,
				displayOptions: { show: { authentication: ['token'] } },
			},
			{
				name: 'harnessSignedApi',
				required: true,
				displayOptions: { show: { authentication: ['signed'] } },
			},
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'Token', value: 'token' },
					{ name: 'Signed', value: 'signed' },
				],
				default: 'token',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Fetch', value: 'fetch' },
					{ name: 'Batch', value: 'batch' },
					{ name: 'Throw', value: 'throw' },
					{ name: 'To Binary', value: 'toBinary' },
					{ name: 'Binary Size', value: 'binarySize' },
				],
				default: 'fetch',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const authentication = this.getNodeParameter('authentication', 0) as string;
		const credentialType = authentication === 'signed' ? 'harnessSignedApi' : 'harnessTokenApi';
		const out: INodeExecutionData[] = [];

		if (operation === 'throw') {
			throw new NodeOperationError(this.getNode(), 'Thrown on purpose', {
				itemIndex: 1,
				description: 'details of the failure',
			});
		}

		if (operation === 'batch') {
			const { baseUrl: url } = await this.getCredentials(credentialType);
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'POST',
				url: `${url as string}/batch`,
				body: { ids: items.map((item) => item.json.id) },
				json: true,
			})) as { results: IDataObject[] };
			response.results.forEach((row, i) => {
				if (row.error && this.continueOnFail()) {
					out.push({ json: { error: row.error }, pairedItem: { item: i } });
				} else if (row.error) {
					throw new NodeOperationError(this.getNode(), row.error as string, { itemIndex: i });
				} else {
					out.push({ json: row, pairedItem: { item: i } });
				}
			});
			return [out];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'fetch') {
					const { baseUrl: url } = await this.getCredentials(credentialType, i);
					const prefix = authentication === 'signed' ? 'signed' : 'items';
					const data = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
						method: 'GET',
						baseURL: url as string,
						url: `/${prefix}/${items[i].json.id as string}`,
						json: true,
					})) as IDataObject;
					out.push({ json: data, pairedItem: { item: i } });
				} else if (operation === 'toBinary') {
					const binary = await this.helpers.prepareBinaryData(
						Buffer.from(items[i].json.text as string, 'utf8'),
						`item-${i}.txt`,
						'text/plain',
					);
					out.push({ json: { index: i }, binary: { data: binary }, pairedItem: { item: i } });
				} else if (operation === 'binarySize') {
					this.helpers.assertBinaryData(i, 'file');
					const buffer = await this.helpers.getBinaryDataBuffer(i, 'file');
					out.push({
						json: { size: buffer.length, sha: createHash('sha256').update(buffer).digest('hex') },
						pairedItem: { item: i },
					});
				}
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

const credentialTypes = [new HarnessTokenApi(), new HarnessSignedApi()];

const tokenCredentials = (sessionToken = '') => ({
	harnessTokenApi: {
		data: { baseUrl, username: USER, password: PASSWORD, sessionToken },
	},
});

const itemRequests = () => state.requests.filter((r) => r.path.startsWith('/items/'));

// ---------------------------------------------------------------------------------------------

describe('in-process harness: credentials', () => {
	it('fetches the token with preAuthentication, persists it and reuses it on the next run', async () => {
		const first = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'fetch' },
			items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
			credentials: tokenCredentials(''),
			credentialTypes,
		});

		expect(first.error).toBeUndefined();
		expect(first.run.status).toBe('success');
		expect(first.main.map((item) => item.json)).toEqual([
			{ id: 'a', token: 'tok-1' },
			{ id: 'b', token: 'tok-1' },
			{ id: 'c', token: 'tok-1' },
		]);
		expect(first.main.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(state.logins).toBe(1);
		expect(itemRequests().map((r) => r.authorization)).toEqual([
			'Bearer tok-1',
			'Bearer tok-1',
			'Bearer tok-1',
		]);

		const store = first.credentialStore;
		expect(store.preAuthCount('harnessTokenApi')).toBe(1);
		expect(store.preAuthCalls[0]).toMatchObject({ forced: false, isCredentialTest: false, previousValue: '' });
		expect(store.getData('harnessTokenApi').sessionToken).toBe('tok-1');
		expect(store.updates).toHaveLength(1);

		// second execution with the same store: the persisted token is used, no new login
		const second = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'fetch' },
			items: [{ id: 'd' }],
			credentialTypes,
			credentialStore: store,
		});
		expect(second.main.map((item) => item.json)).toEqual([{ id: 'd', token: 'tok-1' }]);
		expect(state.logins).toBe(1);
		expect(store.preAuthCount('harnessTokenApi')).toBe(1);
	});

	it('on a 401 re-authenticates exactly once (forced) and retries successfully', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'fetch' },
			items: [{ id: 'a' }, { id: 'b' }],
			credentials: tokenCredentials('stale'),
			credentialTypes,
		});

		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => item.json)).toEqual([
			{ id: 'a', token: 'tok-1' },
			{ id: 'b', token: 'tok-1' },
		]);
		// stale -> 401, forced login, retry with tok-1; item b reads the persisted token
		expect(itemRequests().map((r) => [r.authorization, r.status])).toEqual([
			['Bearer stale', 401],
			['Bearer tok-1', 200],
			['Bearer tok-1', 200],
		]);
		const store = result.credentialStore;
		expect(store.preAuthCount()).toBe(1);
		expect(store.preAuthCount('harnessTokenApi', { forced: true })).toBe(1);
		expect(store.preAuthCalls[0].previousValue).toBe('stale');
		expect(store.getData('harnessTokenApi').sessionToken).toBe('tok-1');
	});

	it('does not re-authenticate a second time when the retry is rejected too', async () => {
		state.acceptNewTokens = false;
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'fetch' },
			items: [{ id: 'a' }],
			credentials: tokenCredentials('stale'),
			credentialTypes,
		});

		expect(result.run.status).toBe('error');
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(/Authorization failed/i);
		expect(itemRequests().map((r) => r.status)).toEqual([401, 401]);
		expect(state.logins).toBe(1);
		expect(result.credentialStore.preAuthCount('harnessTokenApi', { forced: true })).toBe(1);
	});

	it('applies a function-style authenticate (request signing)', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { authentication: 'signed', operation: 'fetch' },
			items: [{ id: 'x1' }],
			credentials: { harnessSignedApi: { data: { baseUrl, signingSecret: SIGNING_KEY } } },
			credentialTypes,
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toEqual({ id: 'x1', signed: true });

		const wrongKey = await runNode({
			nodeType: new HarnessTest(),
			parameters: { authentication: 'signed', operation: 'fetch' },
			items: [{ id: 'x1' }],
			credentials: { harnessSignedApi: { data: { baseUrl, signingSecret: 'wrong' } } },
			credentialTypes,
		});
		expect(wrongKey.error?.name).toBe('NodeApiError');
		expect((wrongKey.error as NodeApiError).httpCode).toBe('403');
	});

	it('a 401 with a credential without preAuthentication re-applies authenticate to the signed options and resends once', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { authentication: 'signed', operation: 'fetch' },
			items: [{ id: 'expired-1' }],
			credentials: { harnessSignedApi: { data: { baseUrl, signingSecret: SIGNING_KEY } } },
			credentialTypes,
		});
		expect(result.error?.name).toBe('NodeApiError');
		expect(state.requests.filter((r) => r.path === '/signed/expired-1')).toHaveLength(2);
		expect(result.credentialStore.preAuthCalls).toHaveLength(0);
		// n8n-core passes the already-authenticated options to authenticate again
		expect(signedAuthenticateCalls).toHaveLength(2);
		expect(signedAuthenticateCalls[0].headers?.['x-signature']).toBeUndefined();
		expect(signedAuthenticateCalls[1].headers?.['x-signature']).toBe(
			signature('GET', '/signed/expired-1', SIGNING_KEY),
		);
	});

	it('applies credential defaults and drops undeclared keys like the CLI getDecrypted', async () => {
		const store = new CredentialStore();
		store.add('harnessTokenApi', {
			data: { baseUrl, username: USER, password: PASSWORD, sessionToken: 'tok-x', extra: 'dropped' },
		});
		state.validTokens.add('tok-x');
		const seen: IDataObject[] = [];
		class Peek extends HarnessTest {
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				seen.push(await this.getCredentials('harnessTokenApi'));
				return [[{ json: {}, pairedItem: { item: 0 } }]];
			}
		}
		await runNode({ nodeType: new Peek(), items: [{}], credentialTypes, credentialStore: store });
		expect(seen).toEqual([
			{ baseUrl, username: USER, password: PASSWORD, testPath: '/me', sessionToken: 'tok-x' },
		]);
	});
});

describe('in-process harness: errors and outputs', () => {
	it('continueErrorOutput routes items carrying `error` to output 1 with pairedItem kept', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'batch' },
			items: [{ id: 'ok1' }, { id: 'bad2', note: 'keep me' }, { id: 'ok3' }],
			credentials: tokenCredentials(''),
			credentialTypes,
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.main.map((item) => [item.json.id, item.pairedItem])).toEqual([
			['ok1', { item: 0 }],
			['ok3', { item: 2 }],
		]);
		expect(result.errorOutput).toHaveLength(1);
		// n8n merges the paired input item's json into the error item
		expect(result.errorOutput[0].json).toEqual({ id: 'bad2', note: 'keep me', error: 'invalid id bad2' });
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
	});

	it('continueErrorOutput also receives per-item request failures', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'fetch' },
			items: [{ id: 'a' }, { id: 'missing-1' }],
			credentials: tokenCredentials(''),
			credentialTypes,
			onError: 'continueErrorOutput',
		});
		expect(result.main.map((item) => item.json.id)).toEqual(['a']);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
		expect(result.errorOutput[0].json.id).toBe('missing-1');
		// NodeApiError's message for a 404
		expect(result.errorOutput[0].json.error).toBe('The resource you are requesting could not be found');
	});

	it('continueRegularOutput keeps error items on output 0', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'batch' },
			items: [{ id: 'ok1' }, { id: 'bad2' }],
			credentials: tokenCredentials(''),
			credentialTypes,
			onError: 'continueRegularOutput',
		});
		expect(result.error).toBeUndefined();
		expect(result.errorOutput).toEqual([]);
		expect(result.main.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ id: 'ok1', created: true }, { item: 0 }],
			[{ error: 'invalid id bad2' }, { item: 1 }],
		]);
	});

	it('continueRegularOutput with a thrown error passes the input through and records the error', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'throw' },
			items: [{ id: 1 }, { id: 2 }],
			onError: 'continueRegularOutput',
			credentials: tokenCredentials('unused'),
			credentialTypes,
		});
		expect(result.main.map((item) => item.json)).toEqual([{ id: 1 }, { id: 2 }]);
		expect(result.taskError?.message).toBe('Thrown on purpose');
		// n8n-core 2.8.1 only clears the execution error when the next node starts, so when the
		// node under test is the last node the run still ends with status 'error'
		expect(result.run.status).toBe('error');
		expect(result.error?.message).toBe('Thrown on purpose');
	});

	it('a thrown NodeOperationError fails the run and surfaces as `error`', async () => {
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'throw' },
			items: [{ id: 1 }, { id: 2 }],
			credentials: tokenCredentials('unused'),
			credentialTypes,
		});
		expect(result.run.status).toBe('error');
		expect(result.main).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Thrown on purpose',
			description: 'details of the failure',
		});
		expect((result.error as NodeOperationError).node.name).toBe('Harness Test');
		expect(result.error?.context.itemIndex).toBe(1);
		expect(result.run.data.resultData.lastNodeExecuted).toBe('Harness Test');
	});

	it('runWorkflow runs an arbitrary graph', async () => {
		const { run } = await runWorkflow({
			nodes: [
				{ id: '1', name: 'Start', type: 'test.start', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: '2',
					name: 'Fetch',
					type: 'test.harness',
					typeVersion: 1,
					position: [200, 0],
					parameters: { operation: 'fetch' },
					credentials: { harnessTokenApi: { id: null, name: '' } },
				},
			],
			connections: { Start: { main: [[{ node: 'Fetch', type: NodeConnectionTypes.Main, index: 0 }]] } },
			nodeTypes: {
				'test.start': {
					description: {
						...new HarnessTest().description,
						name: 'test.start',
						credentials: [],
						properties: [],
					},
					async execute() {
						return [[{ json: { id: 'z' } }]];
					},
				},
				'test.harness': new HarnessTest(),
			},
			credentialTypes,
			credentials: tokenCredentials(''),
		});
		expect(run.status).toBe('success');
		expect(run.data.resultData.runData.Fetch[0].data?.main[0]?.[0].json).toEqual({ id: 'z', token: 'tok-1' });
	});
});

describe('in-process harness: binary data', () => {
	it('prepareBinaryData output can be read back', async () => {
		const texts = ['hello', 'wörld ✓', ''];
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'toBinary' },
			items: texts.map((text) => ({ text })),
			credentials: tokenCredentials('unused'),
			credentialTypes,
		});
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(3);
		for (let i = 0; i < texts.length; i++) {
			const item = result.main[i];
			expect(item.binary?.data).toMatchObject({ mimeType: 'text/plain', fileName: `item-${i}.txt` });
			expect((await readBinary(item, 'data')).toString('utf8')).toBe(texts[i]);
		}
		await expect(readBinary(result.main[0], 'nope')).rejects.toThrow(/no binary property "nope"/);
	});

	it('input binary made with createBinaryData reaches the node', async () => {
		const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
		const file = await createBinaryData(bytes, 'blob.bin', 'application/octet-stream');
		const result = await runNode({
			nodeType: new HarnessTest(),
			parameters: { operation: 'binarySize' },
			items: [{ json: { n: 1 }, binary: { file } }],
			credentials: tokenCredentials('unused'),
			credentialTypes,
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toEqual({
			size: 6,
			sha: createHash('sha256').update(bytes).digest('hex'),
		});
	});
});

describe('in-process harness: testCredential', () => {
	const data = () => ({ baseUrl, username: USER, password: PASSWORD });

	it('OK: preAuthentication always runs, then the authenticated test request', async () => {
		state.validTokens.add('already-stored');
		const result = await testCredential(new HarnessTokenApi(), { ...data(), sessionToken: 'already-stored' });
		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(state.logins).toBe(1);
		expect(result.credentialStore.preAuthCalls).toHaveLength(1);
		expect(result.credentialStore.preAuthCalls[0]).toMatchObject({ isCredentialTest: true, forced: false });
		expect(state.requests.filter((r) => r.path === '/me')).toEqual([
			expect.objectContaining({ authorization: 'Bearer tok-1', status: 200 }),
		]);
	});

	it('Error: wrong password', async () => {
		const result = await testCredential(new HarnessTokenApi(), { ...data(), password: 'wrong' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/401|Unauthorized|Authorization failed/i);
		expect(state.requests.some((r) => r.path === '/me' && r.status === 200)).toBe(false);
	});

	it('Error: non-2xx answers and the responseSuccessBody rule', async () => {
		// n8n 2.8.4 quirk: NodeApiError drops Error causes (ExecutionBaseError's `cause` class field),
		// so the tester's `error.cause?.response` check never matches and `responseCode` rules are
		// not applied; the NodeApiError message is returned instead.
		const forbidden = await testCredential(
			new HarnessTokenApi(),
			{ ...data(), testPath: '/forbidden' },
			{
				testRequest: {
					request: { baseURL: '={{$credentials.baseUrl}}', url: '={{$credentials.testPath}}' },
					rules: [{ type: 'responseCode', properties: { value: 403, message: 'Not allowed to use the API' } }],
				},
			},
		);
		// n8n-core 2.40 keeps the cause, so the responseCode rule's message is what the user sees.
		expect(forbidden).toMatchObject({
			status: 'Error',
			message: n8nCoreOlderThan('2.40.0') ? 'Forbidden - perhaps check your credentials?' : 'Not allowed to use the API',
		});

		const disabled = await testCredential(new HarnessTokenApi(), { ...data(), testPath: '/me-disabled' });
		expect(disabled).toMatchObject({ status: 'Error', message: 'Account disabled' });
	});

	it('Error: network failure', async () => {
		const result = await testCredential(new HarnessSignedApi(), { baseUrl: 'http://127.0.0.1:1', signingSecret: 'k' }, {
			testRequest: { request: { baseURL: '={{$credentials.baseUrl}}', url: '/signed/x' } },
		});
		expect(result).toMatchObject({
			status: 'Error',
			// n8n-core 2.40 reports the system error code instead of its friendlier text
			message: n8nCoreOlderThan('2.40.0') ? 'The service refused the connection - perhaps it is offline' : 'ECONNREFUSED',
		});
	});

	it('OK: function-style authenticate on the test request', async () => {
		const result = await testCredential(new HarnessSignedApi(), { baseUrl, signingSecret: SIGNING_KEY }, {
			testRequest: { request: { baseURL: '={{$credentials.baseUrl}}', url: '/signed/x' } },
		});
		expect(result).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(result.credentialStore.preAuthCalls).toHaveLength(0);
	});

	it('Error: a credential without a test', async () => {
		const result = await testCredential(new HarnessSignedApi(), { baseUrl, signingSecret: SIGNING_KEY });
		expect(result).toMatchObject({ status: 'Error', message: 'No testing function found for this credential.' });
	});
});
