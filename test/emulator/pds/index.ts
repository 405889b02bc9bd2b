/**
 * Alibaba Cloud PDS (2022-03-01) route module of the emulator.
 *
 * Routes (all POST; also served under the optional `/pds` mount point, e.g. endpoint
 * `http://127.0.0.1:<port>/pds`):
 *   /v2/oauth/token             jwt-bearer and refresh_token grants (form body)
 *   /v2/batch                   1..100 children of the official child-url list
 *   /v2/<child url>             every batch child as a direct call (e.g. /v2/file/get)
 *   /v2/file/list, /v2/file/create, /v2/drive/list, /v2/drive/list_my_drives
 * Everything except the token route needs `Authorization: Bearer <token>` or an AccessKey
 * `acs` signature. Download urls point at `/__files/pds/<file_id>` (served by files.ts with the
 * bytes registered here).
 */
import { registerDownloadKind } from '../files';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { authenticateRequest, exchangeToken, headerMap } from './auth';
import {
	PDS_DATE_SKEW_MS,
	PDS_DOMAIN_ID,
	PDS_PATH_PREFIX,
	PDS_USER_DRIVE_ID,
	PDS_USER_ID,
	pdsAccessKey,
	pdsJwtApp,
} from './fixtures';
import {
	BATCH_CHILD_OPERATIONS,
	DIRECT_ONLY_OPERATIONS,
	resourceOfUrl,
	type OperationContext,
	type OperationResult,
} from './operations';
import { PdsError, PdsStore, type PdsCounters, type PdsIdentity } from './store';

export { PdsError, PdsStore } from './store';
export * from './fixtures';

/** `resource` values of a Batch call. */
export const BATCH_RESOURCES = ['file', 'drive', 'user', 'group', 'membership', 'share_link', 'async_task'];
export const BATCH_MAX_CHILDREN = 100;
export const BATCH_CHILD_METHODS = ['POST', 'GET', 'PUT', 'DELETE', 'HEAD'];

/** First path segments (after /v2) the module owns; other /v2 paths belong to other vendors. */
const FAMILIES = new Set(['oauth', 'batch', 'file', 'drive', 'user', 'group', 'membership', 'recyclebin', 'share_link', 'async_task']);

function errorResponse(error: PdsError, requestId: string): EmulatorResponse {
	return { status: error.status, headers: { 'x-ca-request-id': requestId }, body: error.toBody() };
}

function parseJsonObject(text: string): Record<string, unknown> {
	if (text.trim() === '') return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new PdsError(400, 'InvalidRequestJSONFormat', 'The request body is not valid JSON.');
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new PdsError(400, 'InvalidRequestJSONFormat', 'The request body must be a JSON object.');
	}
	return parsed as Record<string, unknown>;
}

export class PdsRouteModule implements RouteModule {
	readonly name = 'pds';

	readonly store = new PdsStore();

	constructor() {
		this.registerDownloads();
	}

	/** Makes `/__files/pds/<file_id>` answer the file's name, type and bytes. */
	registerDownloads(): void {
		registerDownloadKind('pds', (fileId) => {
			const file = this.store.files.get(fileId);
			if (!file || file.type !== 'file' || file.trashed) return undefined;
			return { fileName: file.name, body: file.content ?? Buffer.alloc(0) };
		});
	}

	reset(): void {
		this.store.reset();
		this.registerDownloads();
	}

	stats(): Record<string, unknown> {
		return {
			...this.store.counters,
			activeTokens: this.store.tokens.size,
			asyncTasksRunning: [...this.store.tasks.values()].filter((t) => t.state === 'Running').length,
			files: this.store.files.size,
			shareLinks: this.store.shareLinks.size,
		};
	}

	describe(ctx: EmulatorContext): string[] {
		return [
			`PDS endpoint: ${ctx.baseUrl} (or ${ctx.baseUrl}${PDS_PATH_PREFIX}), domain ${PDS_DOMAIN_ID}`,
			'PDS routes: POST /v2/oauth/token, /v2/batch (1..100 children), /v2/<child url>, /v2/file/list|create, /v2/drive/list|list_my_drives',
			`PDS JWT app: client_id ${pdsJwtApp.clientId} (private key: pdsJwtApp.privateKeyPem in test/emulator/pds/fixtures.ts)`,
			`PDS user: ${PDS_USER_ID} (drive ${PDS_USER_DRIVE_ID}); service tokens: sub_type service`,
			`PDS AccessKey: ${pdsAccessKey.accessKeyId} / ${pdsAccessKey.accessKeySecret} (domain-wide; STS variant: pdsStsAccessKey)`,
		];
	}

	async handle(req: EmulatorRequest, ctx: EmulatorContext): Promise<EmulatorResponse | undefined> {
		let path = req.rawPath;
		if (path.startsWith(`${PDS_PATH_PREFIX}/v2/`)) path = path.slice(PDS_PATH_PREFIX.length);
		if (!path.startsWith('/v2/')) return undefined;
		const route = path.slice(3).replace(/\/+$/, '');
		if (!FAMILIES.has(route.split('/')[1] ?? '')) return undefined;
		const requestId = req.requestId ?? this.store.newId().slice(0, 32).toUpperCase();
		try {
			return this.route(req, ctx, route, requestId);
		} catch (error) {
			if (error instanceof PdsError) return errorResponse(error, requestId);
			throw error;
		}
	}

	private route(req: EmulatorRequest, ctx: EmulatorContext, route: string, requestId: string): EmulatorResponse {
		const now = ctx.now().getTime();
		const store = this.store;
		store.settleTasks(now);
		store.prune(now, PDS_DATE_SKEW_MS * 2);
		const ok = (status: number, body?: unknown): EmulatorResponse => ({
			status,
			headers: { 'x-ca-request-id': requestId },
			body,
		});
		if (req.method !== 'POST') {
			throw new PdsError(405, 'MethodNotAllowed', `PDS APIs only accept POST (got ${req.method}).`);
		}

		if (route === '/oauth/token') {
			store.counters.tokenRequests++;
			try {
				return ok(200, exchangeToken(req, ctx, store));
			} catch (error) {
				store.counters.tokenFailures++;
				throw error;
			}
		}

		const operation = BATCH_CHILD_OPERATIONS[route] ?? DIRECT_ONLY_OPERATIONS[route];
		if (route !== '/batch' && !operation) {
			throw new PdsError(404, 'NotFound', `The API ${route} is not emulated (POST /v2${route}).`);
		}
		let identity: PdsIdentity;
		try {
			identity = authenticateRequest(req, ctx, store);
		} catch (error) {
			store.counters.authFailures++;
			throw error;
		}
		const body = parseJsonObject(req.bodyText);
		const headers = headerMap(req.headers);
		if (route === '/batch') return ok(200, this.batch(body, identity, headers, now, ctx));
		const result = this.run(operation, { store, identity, body, headers, now, baseUrl: ctx.baseUrl });
		return ok(result.status, result.body);
	}

	private run(operation: (op: OperationContext) => OperationResult, op: OperationContext): OperationResult {
		try {
			return operation(op);
		} catch (error) {
			if (error instanceof PdsError) return { status: error.status, body: error.toBody() };
			throw error;
		}
	}

	/** `POST /v2/batch`: request-level checks (400), then every child in order. */
	private batch(
		body: Record<string, unknown>,
		identity: PdsIdentity,
		requestHeaders: Record<string, string>,
		now: number,
		ctx: EmulatorContext,
	): Record<string, unknown> {
		const store = this.store;
		store.counters.batchRequests++;
		const resource = body.resource;
		if (resource === undefined || resource === null || resource === '') {
			throw new PdsError(400, 'InvalidParameterMissing', 'The input parameter resource is missing.');
		}
		if (typeof resource !== 'string' || !BATCH_RESOURCES.includes(resource)) {
			throw new PdsError(400, 'InvalidParameter', `The input parameter resource is not valid: ${String(resource)}.`);
		}
		const requests = body.requests;
		if (requests === undefined || requests === null) {
			throw new PdsError(400, 'InvalidParameterMissing', 'The input parameter requests is missing.');
		}
		if (!Array.isArray(requests)) throw new PdsError(400, 'InvalidParameter', 'The input parameter requests must be an array.');
		if (requests.length < 1 || requests.length > BATCH_MAX_CHILDREN) {
			throw new PdsError(
				400,
				'InvalidParameterOutOfRange',
				`The input parameter requests is out of range [1, ${BATCH_MAX_CHILDREN}] (got ${requests.length}).`,
			);
		}
		const seen = new Set<string>();
		const children = requests.map((raw, index) => {
			const child = raw as Record<string, unknown>;
			const where = `requests[${index}]`;
			if (!child || typeof child !== 'object' || Array.isArray(child)) {
				throw new PdsError(400, 'InvalidParameter', `The input parameter ${where} must be an object.`);
			}
			if (typeof child.id !== 'string' || child.id === '') {
				throw new PdsError(400, 'InvalidParameterMissing', `The input parameter ${where}.id is missing.`);
			}
			if (seen.has(child.id)) {
				throw new PdsError(400, 'InvalidParameter', `The input parameter ${where}.id is duplicated: ${child.id}.`);
			}
			seen.add(child.id);
			if (typeof child.method !== 'string' || child.method === '') {
				throw new PdsError(400, 'InvalidParameterMissing', `The input parameter ${where}.method is missing.`);
			}
			if (!BATCH_CHILD_METHODS.includes(child.method.toUpperCase())) {
				throw new PdsError(400, 'InvalidParameter', `The input parameter ${where}.method is not valid: ${child.method}.`);
			}
			if (typeof child.url !== 'string' || child.url === '') {
				throw new PdsError(400, 'InvalidParameterMissing', `The input parameter ${where}.url is missing.`);
			}
			if (!BATCH_CHILD_OPERATIONS[child.url]) {
				throw new PdsError(
					400,
					'InvalidParameterNotSupported',
					`The input parameter ${where}.url is not supported in batch: ${child.url}.`,
				);
			}
			if (resourceOfUrl(child.url) !== resource) {
				throw new PdsError(
					400,
					'InvalidParameterNotMatch',
					`The input parameter ${where}.url ${child.url} does not belong to resource ${resource}.`,
				);
			}
			if (child.headers !== undefined && child.headers !== null) {
				const h = child.headers;
				if (typeof h !== 'object' || Array.isArray(h) || Object.values(h).some((v) => typeof v !== 'string')) {
					throw new PdsError(400, 'InvalidParameter', `The input parameter ${where}.headers must be a map of strings.`);
				}
			}
			return child as { id: string; method: string; url: string; body?: unknown; headers?: Record<string, string> };
		});
		store.counters.batchChildren += children.length;

		const responses = children.map((child) => {
			const headers: Record<string, string> = {};
			if (requestHeaders['x-share-token']) headers['x-share-token'] = requestHeaders['x-share-token'];
			for (const [k, v] of Object.entries(child.headers ?? {})) headers[k.toLowerCase()] = v;
			let childBody: Record<string, unknown> = {};
			if (child.body !== undefined && child.body !== null) {
				const contentType = headers['content-type'];
				if (!contentType || !/^application\/json\b/i.test(contentType)) {
					return {
						id: child.id,
						status: 400,
						body: {
							code: 'InvalidParameterMissing',
							message: 'A child request with a body needs the header Content-Type: application/json.',
						},
					};
				}
				try {
					childBody =
						typeof child.body === 'string'
							? parseJsonObject(child.body)
							: (child.body as Record<string, unknown>);
					if (!childBody || typeof childBody !== 'object' || Array.isArray(childBody)) {
						throw new PdsError(400, 'InvalidRequestJSONFormat', 'The child body must be a JSON object.');
					}
				} catch (error) {
					const e = error as PdsError;
					return { id: child.id, status: 400, body: { code: e.code, message: e.message } };
				}
			}
			// Tasks started by an earlier child may already be due on the emulator clock.
			store.settleTasks(now);
			const result = this.run(BATCH_CHILD_OPERATIONS[child.url], {
				store,
				identity,
				body: childBody,
				headers,
				now,
				baseUrl: ctx.baseUrl,
			});
			const entry: Record<string, unknown> = { id: child.id, status: result.status };
			if (result.body !== undefined) entry.body = result.body;
			return entry;
		});
		return { responses };
	}
}

/** The instance modules.ts registers (state lives here; reset() restores the seed). */
export const pdsModule = new PdsRouteModule();

/** State accessor of the registered module: counters (tokensIssued, ...), store, clock knobs. */
export function getPdsState(): {
	store: PdsStore;
	counters: PdsCounters;
	tokensIssued: number;
	setAsyncTaskDurationMs(ms: number): void;
} {
	const store = pdsModule.store;
	return {
		store,
		counters: store.counters,
		tokensIssued: store.counters.tokensIssued,
		setAsyncTaskDurationMs: (ms: number) => {
			store.asyncTaskDurationMs = ms;
		},
	};
}

export default pdsModule;
