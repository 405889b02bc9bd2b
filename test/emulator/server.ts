/**
 * HTTP core of the local cloud emulator: one node:http server on 127.0.0.1 that dispatches to the
 * vendor route modules (modules.ts) and to built-in routes (downloads under /__files/, the control
 * API under /__emulator/). It adds fault injection, global latency, a bounded request log, a
 * shiftable clock and token expiry on top.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { dataControl } from './dataControl';
import { handleFileDownload } from './files';
import { routeModules } from './modules';
import type {
	EmulatorContext,
	EmulatorRequest,
	EmulatorResponse,
	FaultRule,
	RequestLogEntry,
	RouteModule,
} from './types';

export interface EmulatorOptions {
	/** Port on 127.0.0.1; 0 (default) picks a free one. */
	port?: number;
	/** Delay added to every request except the control API (benchmarks). */
	latencyMs?: number;
	/** Base clock for token expiry and signature windows (default: the real clock). */
	now?: () => Date;
	/** Route modules in dispatch order (default: `routeModules` from modules.ts). */
	modules?: RouteModule[];
	/** How many log entries are kept (default 10,000); counters are always complete. */
	maxLogEntries?: number;
}

export interface Emulator {
	/** e.g. `http://127.0.0.1:4010` (no trailing slash). */
	readonly url: string;
	readonly port: number;
	/** The context handed to the modules (clock, base URL, token generation). */
	readonly ctx: EmulatorContext;
	readonly requestLog: RequestLog;
	/** Active fault rules with the number of requests each still affects. */
	readonly faults: ReadonlyArray<Readonly<ActiveFault>>;
	close(): Promise<void>;
	addFault(rule: FaultRule): void;
	clearFaults(): void;
	setLatency(ms: number): void;
	/** Every token issued so far is expired from now on. */
	expireTokens(): void;
	/** Moves the emulator clock by `ms` (cumulative; negative moves back). */
	shiftClock(ms: number): void;
	/** Clears faults, the request log and the clock shift and restores every module's seeded data. */
	reset(): void;
	/** Requests (all of them, not only the retained log) whose path contains `pathContains`. */
	countRequests(pathContains: string, method?: string): number;
}

export interface ActiveFault extends FaultRule {
	remaining: number;
	/** Matching requests still to let through before the rule applies. */
	skip: number;
}

export const CONTROL_PREFIX = '/__emulator/';
const DEFAULT_MAX_LOG_ENTRIES = 10_000;
const MAX_BODY_BYTES = 50 * 1024 * 1024;
const FAULT_KINDS: ReadonlyArray<FaultRule['kind']> = [
	'status',
	'reset',
	'delay',
	'expireTokens',
	'dropBeforeRead',
	'dropAfterProcess',
	'holdAnswer',
	'truncate',
	'rewrite',
];

/**
 * Request log that stays small under 100k+ requests: per path and method counters that are never
 * truncated, plus a ring buffer of the last `limit` entries.
 */
export class RequestLog {
	private ring: RequestLogEntry[] = [];
	private next = 0;
	private counters = new Map<string, Map<string, number>>();
	private totalCount = 0;

	constructor(readonly limit: number = DEFAULT_MAX_LOG_ENTRIES) {}

	add(entry: RequestLogEntry): void {
		this.totalCount++;
		let byMethod = this.counters.get(entry.path);
		if (!byMethod) {
			byMethod = new Map();
			this.counters.set(entry.path, byMethod);
		}
		byMethod.set(entry.method, (byMethod.get(entry.method) ?? 0) + 1);
		if (this.limit <= 0) return;
		if (this.ring.length < this.limit) this.ring.push(entry);
		else this.ring[this.next] = entry;
		this.next = (this.next + 1) % this.limit;
	}

	/** Every request since the last clear. */
	get total(): number {
		return this.totalCount;
	}

	/** Retained entries, oldest first. */
	get entries(): RequestLogEntry[] {
		if (this.ring.length < this.limit) return [...this.ring];
		return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
	}

	/** The last `n` retained entries, oldest first. */
	last(n: number): RequestLogEntry[] {
		const all = this.entries;
		return n >= all.length ? all : all.slice(all.length - n);
	}

	count(pathContains: string, method?: string): number {
		const wanted = method?.toUpperCase();
		let n = 0;
		for (const [path, byMethod] of this.counters) {
			if (!path.includes(pathContains)) continue;
			for (const [m, c] of byMethod) if (!wanted || m === wanted) n += c;
		}
		return n;
	}

	/** `{ path: { METHOD: count } }` */
	countersObject(): Record<string, Record<string, number>> {
		const out: Record<string, Record<string, number>> = {};
		for (const [path, byMethod] of this.counters) out[path] = Object.fromEntries(byMethod);
		return out;
	}

	clear(): void {
		this.ring = [];
		this.next = 0;
		this.counters.clear();
		this.totalCount = 0;
	}
}

/** Validates a fault rule (from code or from the control API) and fills in defaults. */
export function normalizeFault(input: unknown): ActiveFault {
	if (!input || typeof input !== 'object' || Array.isArray(input)) {
		throw new Error('a fault rule must be an object');
	}
	const rule = input as Partial<FaultRule>;
	if (typeof rule.pathContains !== 'string') throw new Error('pathContains must be a string');
	if (!rule.kind || !FAULT_KINDS.includes(rule.kind)) {
		throw new Error(`kind must be one of ${FAULT_KINDS.join(', ')}`);
	}
	const times = rule.times ?? 1;
	if (!Number.isInteger(times) || times < 1) throw new Error('times must be an integer >= 1');
	if (rule.kind === 'status') {
		const status = rule.status ?? 500;
		if (!Number.isInteger(status) || status < 200 || status > 599) {
			throw new Error('status must be an HTTP status 200..599');
		}
		if (
			rule.retryAfterSeconds !== undefined &&
			(typeof rule.retryAfterSeconds !== 'number' || rule.retryAfterSeconds < 0)
		) {
			throw new Error('retryAfterSeconds must be a number >= 0');
		}
	}
	if ((rule.kind === 'delay' || rule.kind === 'holdAnswer') && (typeof rule.delayMs !== 'number' || rule.delayMs < 0)) {
		throw new Error(`delayMs must be a number >= 0 for kind ${rule.kind}`);
	}
	if (rule.kind === 'rewrite' && rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 200 || rule.status > 599)) {
		throw new Error('status must be an HTTP status 200..599');
	}
	if (rule.method !== undefined && typeof rule.method !== 'string') {
		throw new Error('method must be a string');
	}
	const skip = rule.afterRequests ?? 0;
	if (!Number.isInteger(skip) || skip < 0) throw new Error('afterRequests must be an integer >= 0');
	return {
		...rule,
		pathContains: rule.pathContains,
		kind: rule.kind,
		status: rule.kind === 'status' ? (rule.status ?? 500) : rule.status,
		method: rule.method?.toUpperCase(),
		times,
		remaining: times,
		skip,
	};
}

function splitTarget(target: string): { rawPath: string; rawQuery: string } {
	let pathAndQuery = target;
	// absolute-form (proxy style) request targets
	const absolute = /^https?:\/\/[^/?#]*/i.exec(pathAndQuery);
	if (absolute) pathAndQuery = pathAndQuery.slice(absolute[0].length) || '/';
	const hash = pathAndQuery.indexOf('#');
	if (hash >= 0) pathAndQuery = pathAndQuery.slice(0, hash);
	const q = pathAndQuery.indexOf('?');
	return q < 0
		? { rawPath: pathAndQuery, rawQuery: '' }
		: { rawPath: pathAndQuery.slice(0, q), rawQuery: pathAndQuery.slice(q + 1) };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function jsonError(status: number, code: string, message: string): EmulatorResponse {
	return { status, body: { error_code: code, error_msg: message } };
}

function send(res: ServerResponse, response: EmulatorResponse, requestId: string, method: string): void {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) {
		headers[name.toLowerCase()] = value;
	}
	let payload: Buffer;
	const body = response.body;
	if (body === undefined || body === null) {
		payload = Buffer.alloc(0);
	} else if (Buffer.isBuffer(body)) {
		payload = body;
		headers['content-type'] ??= 'application/octet-stream';
	} else if (typeof body === 'string') {
		payload = Buffer.from(body, 'utf8');
		headers['content-type'] ??= 'text/plain; charset=utf-8';
	} else {
		payload = Buffer.from(JSON.stringify(body), 'utf8');
		headers['content-type'] ??= 'application/json;charset=UTF-8';
	}
	headers['x-request-id'] ??= requestId;
	headers['content-length'] = String(payload.length);
	res.writeHead(response.status, headers);
	res.end(method === 'HEAD' ? undefined : payload);
}

/** Sends the headers (with the full content-length) and half of the body, then drops the connection. */
function sendTruncated(res: ServerResponse, response: EmulatorResponse, requestId: string): void {
	const body = response.body;
	const payload = Buffer.isBuffer(body)
		? body
		: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? {}), 'utf8');
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
	headers['content-type'] ??= Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json;charset=UTF-8';
	headers['x-request-id'] ??= requestId;
	headers['content-length'] = String(Math.max(2, payload.length));
	res.writeHead(response.status, headers);
	res.write(payload.subarray(0, Math.floor(payload.length / 2)));
	// let the half body leave before the connection goes
	res.socket?.end(() => res.socket?.destroy());
	setTimeout(() => res.socket?.destroy(), 20);
}

/** Starts an emulator on 127.0.0.1 with freshly seeded module data. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const modules = options.modules ?? routeModules;
	const baseNow = options.now ?? (() => new Date());
	const log = new RequestLog(options.maxLogEntries ?? DEFAULT_MAX_LOG_ENTRIES);
	let clockShiftMs = 0;
	let latencyMs = Math.max(0, options.latencyMs ?? 0);
	let faults: ActiveFault[] = [];
	const timers = new Set<NodeJS.Timeout>();

	const ctx: EmulatorContext = {
		now: () => new Date(baseNow().getTime() + clockShiftMs),
		baseUrl: '',
		tokenGeneration: 0,
	};

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});

	const resetModules = () => {
		for (const m of modules) m.reset?.();
	};

	const takeFault = (method: string, path: string): ActiveFault | undefined => {
		const fault = faults.find(
			(f) => f.remaining > 0 && path.includes(f.pathContains) && (!f.method || f.method === method),
		);
		if (!fault) return undefined;
		if (fault.skip > 0) {
			fault.skip--;
			return undefined;
		}
		fault.remaining--;
		faults = faults.filter((f) => f.remaining > 0);
		return fault;
	};

	const emulator = {
		url: '',
		port: 0,
		ctx,
		requestLog: log,
		get faults() {
			return faults;
		},
		close: async () => {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
		addFault: (rule: FaultRule) => {
			faults.push(normalizeFault(rule));
		},
		clearFaults: () => {
			faults = [];
		},
		setLatency: (ms: number) => {
			if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
				throw new Error('latency must be a number >= 0');
			}
			latencyMs = ms;
		},
		expireTokens: () => {
			ctx.tokenGeneration++;
		},
		shiftClock: (ms: number) => {
			clockShiftMs += ms;
		},
		reset: () => {
			faults = [];
			log.clear();
			clockShiftMs = 0;
			resetModules();
		},
		countRequests: (pathContains: string, method?: string) => log.count(pathContains, method),
	};

	const control = (req: EmulatorRequest): EmulatorResponse => {
		const action = req.rawPath.slice(CONTROL_PREFIX.length);
		const parseBody = (): unknown => (req.bodyText.trim() === '' ? {} : JSON.parse(req.bodyText));
		try {
			switch (`${req.method} ${action}`) {
				case 'GET health':
					return {
						status: 200,
						body: { ok: true, now: ctx.now().toISOString(), tokenGeneration: ctx.tokenGeneration, latencyMs },
					};
				case 'GET faults':
					return { status: 200, body: { faults } };
				case 'POST faults': {
					const input = parseBody();
					const rules = (Array.isArray(input) ? input : [input]).map(normalizeFault);
					faults.push(...rules);
					return { status: 200, body: { added: rules.length, faults } };
				}
				case 'DELETE faults': {
					const cleared = faults.length;
					faults = [];
					return { status: 200, body: { cleared } };
				}
				case 'GET requests': {
					const limit = Number(req.url.searchParams.get('limit') ?? log.limit);
					const stats: Record<string, unknown> = {};
					for (const m of modules) if (m.stats) stats[m.name] = m.stats();
					return {
						status: 200,
						body: {
							total: log.total,
							counters: log.countersObject(),
							entries: log.last(Number.isFinite(limit) && limit >= 0 ? limit : log.limit),
							modules: stats,
						},
					};
				}
				case 'GET requests/count': {
					const pathContains = req.url.searchParams.get('pathContains') ?? '';
					const method = req.url.searchParams.get('method') ?? undefined;
					return { status: 200, body: { count: log.count(pathContains, method) } };
				}
				case 'POST reset':
					emulator.reset();
					return { status: 200, body: { ok: true } };
				case 'POST latency': {
					const { ms } = parseBody() as { ms?: unknown };
					emulator.setLatency(Number(ms));
					return { status: 200, body: { latencyMs } };
				}
				case 'POST expire-tokens':
					emulator.expireTokens();
					return { status: 200, body: { tokenGeneration: ctx.tokenGeneration } };
				case 'POST clock': {
					const { shiftMs } = parseBody() as { shiftMs?: unknown };
					if (typeof shiftMs !== 'number' || !Number.isFinite(shiftMs)) {
						throw new Error('shiftMs must be a number');
					}
					emulator.shiftClock(shiftMs);
					return { status: 200, body: { now: ctx.now().toISOString() } };
				}
				default:
					return (
						dataControl(req, ctx, action) ??
						jsonError(404, 'EMULATOR.404', `Unknown control route ${req.method} ${req.rawPath}`)
					);
			}
		} catch (error) {
			return jsonError(400, 'EMULATOR.400', (error as Error).message);
		}
	};

	const dispatch = async (req: EmulatorRequest): Promise<{ response: EmulatorResponse; module: string }> => {
		const file = handleFileDownload(req);
		if (file) return { response: file, module: 'files' };
		for (const m of modules) {
			const response = await m.handle(req, ctx);
			if (response) return { response, module: m.name };
		}
		return {
			response: jsonError(404, 'EMULATOR.404', `No emulated route for ${req.method} ${req.rawPath}`),
			module: 'none',
		};
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const requestId = randomUUID().replace(/-/g, '');
		const method = (req.method ?? 'GET').toUpperCase();
		const { rawPath, rawQuery } = splitTarget(req.url ?? '/');
		const logEntry = (status: number, module: string) =>
			log.add({ method, path: rawPath, query: rawQuery, status, module, at: Date.now() });

		// faults are taken before the body is read, so a connection can be dropped unread
		const fault = rawPath.startsWith(CONTROL_PREFIX) ? undefined : takeFault(method, rawPath);
		if (fault?.kind === 'dropBeforeRead') {
			logEntry(0, 'fault');
			req.socket.destroy();
			return;
		}
		let body: Buffer | undefined;
		try {
			body = await readBody(req);
		} catch {
			return; // client went away
		}
		if (!body) {
			send(res, jsonError(413, 'EMULATOR.413', 'Request body too large'), requestId, method);
			logEntry(413, 'none');
			return;
		}
		let url: URL;
		try {
			url = new URL(`http://127.0.0.1${rawPath.startsWith('/') ? '' : '/'}${rawPath}${rawQuery ? `?${rawQuery}` : ''}`);
		} catch {
			url = new URL('http://127.0.0.1/');
		}
		const emReq: EmulatorRequest = {
			method,
			rawPath,
			rawQuery,
			url,
			headers: req.headers,
			body,
			bodyText: body.toString('utf8'),
			requestId,
		};

		// The control API is the test harness talking: no faults, no latency, not logged.
		if (rawPath.startsWith(CONTROL_PREFIX)) {
			send(res, control(emReq), requestId, method);
			return;
		}

		if (latencyMs > 0) await sleep(latencyMs);
		if (fault) {
			if (fault.kind === 'delay') await sleep(fault.delayMs ?? 0);
			if (fault.kind === 'expireTokens') ctx.tokenGeneration++;
			if (fault.kind === 'reset') {
				logEntry(0, 'fault');
				req.socket.destroy();
				return;
			}
			if (fault.kind === 'status') {
				const status = fault.status ?? 500;
				const headers: Record<string, string> = {};
				if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
				const echoed = `echo of ${method} ${rawPath}?${rawQuery} headers ${JSON.stringify(req.headers)} body ${emReq.bodyText}`;
				const faultBody = fault.echo
					? { code: 'Echo', msg: echoed, message: echoed, error_code: 'ECHO', error_msg: echoed, error: { code: 'Echo', message: echoed } }
					: fault.body ?? {
					error_code: `EMULATOR.${status}`,
					error_msg: `Injected fault: HTTP ${status}`,
					request_id: requestId,
				};
				send(res, { status, headers, body: faultBody }, requestId, method);
				logEntry(status, 'fault');
				return;
			}
		}

		let outcome: { response: EmulatorResponse; module: string };
		try {
			outcome = await dispatch(emReq);
		} catch (error) {
			outcome = {
				response: jsonError(500, 'EMULATOR.500', `Emulator route failed: ${(error as Error).message}`),
				module: 'error',
			};
		}
		if (res.destroyed) return;
		if (fault?.kind === 'dropAfterProcess') {
			// processed (side effects done), but the answer never leaves
			logEntry(outcome.response.status, 'fault');
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'holdAnswer') {
			await sleep(fault.delayMs ?? 0);
			if (res.destroyed || req.socket.destroyed) {
				logEntry(outcome.response.status, 'fault');
				return;
			}
		}
		if (fault?.kind === 'truncate') {
			sendTruncated(res, outcome.response, requestId);
			logEntry(outcome.response.status, 'fault');
			return;
		}
		if (fault?.kind === 'rewrite') {
			const headers: Record<string, string> = { ...outcome.response.headers };
			for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
			if (fault.contentType) headers['content-type'] = fault.contentType;
			outcome = {
				response: { status: fault.status ?? outcome.response.status, headers, body: fault.body },
				module: 'fault',
			};
			if (fault.body === null) {
				// a literal JSON null
				outcome.response.body = 'null';
				outcome.response.headers = { ...headers, 'content-type': headers['content-type'] ?? 'application/json' };
			}
		}
		send(res, outcome.response, requestId, method);
		logEntry(outcome.response.status, outcome.module);
	};

	const server: Server = createServer((req, res) => {
		res.on('error', () => undefined);
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent && !res.destroyed) {
				send(res, jsonError(500, 'EMULATOR.500', error.message), 'internal', req.method ?? 'GET');
			}
		});
	});
	server.on('clientError', (_error, socket) => socket.destroy());

	resetModules();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	emulator.port = port;
	emulator.url = `http://127.0.0.1:${port}`;
	ctx.baseUrl = emulator.url;
	return emulator;
}
