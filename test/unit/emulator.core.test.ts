/**
 * The emulator's HTTP core (server.ts, files.ts, cli.ts): dispatch, faults, latency, clock,
 * request log, control API and downloads. Uses stub route modules so it does not depend on the
 * vendor routes.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import path from 'node:path';

import { osmAttachments } from '../emulator/huawei';
import { startEmulator, type Emulator } from '../emulator/server';
import type { EmulatorContext, EmulatorRequest, RouteModule } from '../emulator/types';

let moduleResets = 0;

const echoModule: RouteModule = {
	name: 'echo',
	handle(req: EmulatorRequest, ctx: EmulatorContext) {
		if (req.rawPath.startsWith('/echo')) {
			return {
				status: 200,
				body: {
					method: req.method,
					rawPath: req.rawPath,
					rawQuery: req.rawQuery,
					body: req.bodyText,
					now: ctx.now().toISOString(),
					tokenGeneration: ctx.tokenGeneration,
					baseUrl: ctx.baseUrl,
					requestId: req.requestId,
				},
			};
		}
		if (req.rawPath === '/both') return { status: 200, body: { winner: 'echo' } };
		if (req.rawPath === '/boom') throw new Error('kaboom');
		if (req.rawPath === '/text') return { status: 202, body: 'plain text' };
		if (req.rawPath === '/bytes') return { status: 200, body: Buffer.from([0, 1, 2, 255]) };
		if (req.rawPath === '/own-id') return { status: 200, headers: { 'X-Request-Id': 'module-id' }, body: {} };
		return undefined;
	},
	reset() {
		moduleResets++;
	},
	stats() {
		return { resets: moduleResets };
	},
};

const secondModule: RouteModule = {
	name: 'second',
	handle(req) {
		if (req.rawPath === '/both' || req.rawPath === '/second') return { status: 200, body: { winner: 'second' } };
		return undefined;
	},
};

const FIXED_NOW = new Date('2024-05-01T12:00:00.000Z');

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ modules: [echoModule, secondModule], now: () => FIXED_NOW, maxLogEntries: 50 });
});

afterAll(async () => {
	await emu.close();
});

beforeEach(() => {
	emu.reset();
	emu.setLatency(0);
});

async function get(p: string, init?: RequestInit) {
	const res = await fetch(emu.url + p, init);
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

async function control(method: string, p: string, body?: unknown) {
	return get(`/__emulator/${p}`, {
		method,
		headers: body === undefined ? undefined : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

describe('startEmulator', () => {
	test('listens on 127.0.0.1 with a free port and exposes url/port', () => {
		expect(emu.port).toBeGreaterThan(0);
		expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
		expect(emu.ctx.baseUrl).toBe(emu.url);
	});

	test('resets module data on start', () => {
		// beforeAll started it (one reset) and beforeEach reset it again
		expect(moduleResets).toBeGreaterThanOrEqual(2);
	});

	test('rejects when the port is taken', async () => {
		await expect(startEmulator({ port: emu.port, modules: [] })).rejects.toThrow(/EADDRINUSE/);
	});
});

describe('dispatch', () => {
	test('passes method, raw path, raw query and body to the module', async () => {
		const r = await get('/echo/a%2Fb?x=1+2&y=%2B&x=3', { method: 'POST', body: '{"k":"v"}' });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({
			method: 'POST',
			rawPath: '/echo/a%2Fb',
			rawQuery: 'x=1+2&y=%2B&x=3',
			body: '{"k":"v"}',
			baseUrl: emu.url,
		});
		expect(r.headers.get('x-request-id')).toBe(r.json.requestId);
	});

	test('modules are tried in order; the first answer wins and is logged with its name', async () => {
		expect((await get('/both')).json).toEqual({ winner: 'echo' });
		expect((await get('/second')).json).toEqual({ winner: 'second' });
		const modules = emu.requestLog.entries.map((e) => e.module);
		expect(modules).toEqual(['echo', 'second']);
	});

	test('unknown route -> 404 JSON with X-Request-Id', async () => {
		const r = await get('/does/not/exist?q=1');
		expect(r.status).toBe(404);
		expect(r.headers.get('content-type')).toMatch(/application\/json/);
		expect(r.json).toEqual({ error_code: 'EMULATOR.404', error_msg: 'No emulated route for GET /does/not/exist' });
		expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
		expect(emu.requestLog.entries[0]).toMatchObject({ path: '/does/not/exist', query: 'q=1', status: 404, module: 'none' });
	});

	test('every response has a distinct X-Request-Id unless the module sets its own', async () => {
		const ids = new Set<string>();
		for (let i = 0; i < 5; i++) ids.add((await get('/echo')).headers.get('x-request-id')!);
		expect(ids.size).toBe(5);
		expect((await get('/own-id')).headers.get('x-request-id')).toBe('module-id');
	});

	test('a throwing module -> 500 JSON, logged', async () => {
		const r = await get('/boom');
		expect(r.status).toBe(500);
		expect(r.json.error_msg).toContain('kaboom');
		expect(emu.requestLog.entries[0]).toMatchObject({ status: 500, module: 'error' });
	});

	test('string and Buffer bodies are sent as they are', async () => {
		const text = await get('/text');
		expect(text.status).toBe(202);
		expect(text.text).toBe('plain text');
		expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
		const res = await fetch(emu.url + '/bytes');
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0, 1, 2, 255]);
	});
});

describe('faults', () => {
	test('status fault: 429 with Retry-After and a custom body, then normal', async () => {
		emu.addFault({ pathContains: '/echo', kind: 'status', status: 429, retryAfterSeconds: 3, body: { error_code: 'TOO_MANY' } });
		const faulted = await get('/echo/x');
		expect(faulted.status).toBe(429);
		expect(faulted.headers.get('retry-after')).toBe('3');
		expect(faulted.json).toEqual({ error_code: 'TOO_MANY' });
		expect(faulted.headers.get('x-request-id')).toBeTruthy();
		const next = await get('/echo/x');
		expect(next.status).toBe(200);
		expect(emu.requestLog.entries.map((e) => [e.status, e.module])).toEqual([
			[429, 'fault'],
			[200, 'echo'],
		]);
	});

	test('status fault default body and times', async () => {
		emu.addFault({ pathContains: '', kind: 'status', status: 503, times: 2 });
		const a = await get('/echo');
		const b = await get('/second');
		const c = await get('/echo');
		expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
		expect(a.json.error_code).toBe('EMULATOR.503');
		expect(a.headers.get('retry-after')).toBeNull();
		expect(emu.faults).toHaveLength(0);
	});

	test('fault only applies to matching path (and method when given)', async () => {
		emu.addFault({ pathContains: '/second', kind: 'status', status: 500, method: 'post' });
		expect((await get('/echo')).status).toBe(200);
		expect((await get('/second')).status).toBe(200);
		expect((await get('/second', { method: 'POST' })).status).toBe(500);
		expect((await get('/second', { method: 'POST' })).status).toBe(200);
	});

	test('reset fault destroys the socket without a response', async () => {
		emu.addFault({ pathContains: '/echo', kind: 'reset' });
		await expect(fetch(emu.url + '/echo')).rejects.toThrow();
		expect((await get('/echo')).status).toBe(200);
		expect(emu.requestLog.entries[0]).toMatchObject({ path: '/echo', status: 0, module: 'fault' });
		expect(emu.countRequests('/echo')).toBe(2);
	});

	test('reset fault on a raw http request surfaces as a socket error', async () => {
		emu.addFault({ pathContains: '/echo', kind: 'reset' });
		const error = await new Promise<Error>((resolve) => {
			const req = httpRequest(emu.url + '/echo', { agent: false }, () => resolve(new Error('got a response')));
			req.on('error', resolve);
			req.end();
		});
		expect((error as NodeJS.ErrnoException).code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
	});

	test('delay fault answers normally after the delay', async () => {
		emu.addFault({ pathContains: '/echo', kind: 'delay', delayMs: 300 });
		const t0 = Date.now();
		const r = await get('/echo');
		expect(r.status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
		const t1 = Date.now();
		await get('/echo');
		expect(Date.now() - t1).toBeLessThan(250);
	});

	test('expireTokens fault bumps the token generation before the request is handled', async () => {
		const before = emu.ctx.tokenGeneration;
		emu.addFault({ pathContains: '/echo', kind: 'expireTokens' });
		const r = await get('/echo');
		expect(r.status).toBe(200);
		expect(r.json.tokenGeneration).toBe(before + 1);
		expect((await get('/echo')).json.tokenGeneration).toBe(before + 1);
	});

	test('invalid rules are refused', () => {
		expect(() => emu.addFault({ pathContains: 'x', kind: 'nope' as any })).toThrow(/kind/);
		expect(() => emu.addFault({ pathContains: 'x', kind: 'delay' })).toThrow(/delayMs/);
		expect(() => emu.addFault({ pathContains: 'x', kind: 'status', times: 0 })).toThrow(/times/);
		expect(() => emu.addFault({ pathContains: 'x', kind: 'status', status: 99 })).toThrow(/status/);
	});

	test('clearFaults removes pending rules', async () => {
		emu.addFault({ pathContains: '', kind: 'status', status: 500, times: 5 });
		emu.clearFaults();
		expect((await get('/echo')).status).toBe(200);
	});
});

describe('latency, clock, tokens', () => {
	test('global latency delays every request', async () => {
		emu.setLatency(150);
		const t0 = Date.now();
		await get('/echo');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		emu.setLatency(0);
		const t1 = Date.now();
		await get('/echo');
		expect(Date.now() - t1).toBeLessThan(140);
		expect(() => emu.setLatency(-1)).toThrow();
	});

	test('latency option at start', async () => {
		const slow = await startEmulator({ modules: [echoModule], latencyMs: 120 });
		try {
			const t0 = Date.now();
			expect((await fetch(slow.url + '/echo')).status).toBe(200);
			expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
		} finally {
			await slow.close();
		}
	});

	test('shiftClock moves ctx.now; reset() undoes it', async () => {
		expect((await get('/echo')).json.now).toBe(FIXED_NOW.toISOString());
		emu.shiftClock(60_000);
		emu.shiftClock(1_000);
		expect((await get('/echo')).json.now).toBe(new Date(FIXED_NOW.getTime() + 61_000).toISOString());
		emu.reset();
		expect(emu.ctx.now().toISOString()).toBe(FIXED_NOW.toISOString());
	});

	test('expireTokens bumps the generation', () => {
		const g = emu.ctx.tokenGeneration;
		emu.expireTokens();
		expect(emu.ctx.tokenGeneration).toBe(g + 1);
	});
});

describe('request log', () => {
	test('keeps the last N entries but counts everything', async () => {
		for (let i = 0; i < 120; i++) await get(`/echo/n?i=${i}`);
		await get('/second', { method: 'POST' });
		expect(emu.requestLog.total).toBe(121);
		const entries = emu.requestLog.entries;
		expect(entries).toHaveLength(50);
		expect(entries[0].query).toBe('i=71');
		expect(entries[48].query).toBe('i=119');
		expect(entries[49]).toMatchObject({ method: 'POST', path: '/second', status: 200, module: 'second' });
		expect(emu.countRequests('/echo/n')).toBe(120);
		expect(emu.countRequests('/echo/n', 'GET')).toBe(120);
		expect(emu.countRequests('/echo/n', 'POST')).toBe(0);
		expect(emu.countRequests('')).toBe(121);
		expect(emu.requestLog.countersObject()).toEqual({ '/echo/n': { GET: 120 }, '/second': { POST: 1 } });
	});

	test('reset() clears faults, log and module data', async () => {
		const resets = moduleResets;
		emu.addFault({ pathContains: '', kind: 'status', status: 500 });
		await get('/echo');
		emu.addFault({ pathContains: '', kind: 'status', status: 500 });
		emu.reset();
		expect(emu.requestLog.total).toBe(0);
		expect(emu.requestLog.entries).toEqual([]);
		expect(emu.faults).toEqual([]);
		expect(moduleResets).toBe(resets + 1);
		expect((await get('/echo')).status).toBe(200);
	});
});

describe('control API', () => {
	test('POST /__emulator/faults takes one rule or an array; DELETE clears', async () => {
		const one = await control('POST', 'faults', { pathContains: '/echo', kind: 'status', status: 429, retryAfterSeconds: 1 });
		expect(one.status).toBe(200);
		expect(one.json.added).toBe(1);
		const many = await control('POST', 'faults', [
			{ pathContains: '/second', kind: 'status', status: 500, times: 2 },
			{ pathContains: '/second', kind: 'delay', delayMs: 10 },
		]);
		expect(many.json.added).toBe(2);
		expect((await control('GET', 'faults')).json.faults).toHaveLength(3);
		const r = await get('/echo');
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('1');
		expect((await get('/second')).status).toBe(500);
		const cleared = await control('DELETE', 'faults');
		expect(cleared.json).toEqual({ cleared: 2 });
		expect((await get('/second')).status).toBe(200);
	});

	test('invalid fault -> 400, unknown control route -> 404', async () => {
		const bad = await control('POST', 'faults', { pathContains: 1, kind: 'status' });
		expect(bad.status).toBe(400);
		expect(bad.json.error_code).toBe('EMULATOR.400');
		const notJson = await get('/__emulator/faults', { method: 'POST', body: '{' });
		expect(notJson.status).toBe(400);
		expect((await control('GET', 'nothing')).status).toBe(404);
	});

	test('control requests are neither faulted, delayed nor logged', async () => {
		emu.addFault({ pathContains: '', kind: 'status', status: 500, times: 10 });
		emu.setLatency(300);
		const t0 = Date.now();
		expect((await control('GET', 'health')).status).toBe(200);
		expect(Date.now() - t0).toBeLessThan(250);
		expect(emu.requestLog.total).toBe(0);
	});

	test('GET /__emulator/requests returns counters, last entries and module stats', async () => {
		await get('/echo?a=1');
		await get('/echo?a=2');
		await get('/second', { method: 'POST' });
		const r = await control('GET', 'requests');
		expect(r.json.total).toBe(3);
		expect(r.json.counters).toEqual({ '/echo': { GET: 2 }, '/second': { POST: 1 } });
		expect(r.json.entries.map((e: any) => e.query)).toEqual(['a=1', 'a=2', '']);
		expect(r.json.modules.echo).toEqual({ resets: moduleResets });
		const limited = await control('GET', 'requests?limit=1');
		expect(limited.json.entries).toHaveLength(1);
		expect(limited.json.entries[0]).toMatchObject({ method: 'POST', path: '/second', status: 200, module: 'second' });
		const count = await control('GET', 'requests/count?pathContains=%2Fecho&method=GET');
		expect(count.json).toEqual({ count: 2 });
	});

	test('POST reset, latency, expire-tokens, clock', async () => {
		await get('/echo');
		emu.addFault({ pathContains: '', kind: 'status', status: 500 });
		expect((await control('POST', 'reset')).json).toEqual({ ok: true });
		expect(emu.requestLog.total).toBe(0);
		expect(emu.faults).toHaveLength(0);

		expect((await control('POST', 'latency', { ms: 120 })).json).toEqual({ latencyMs: 120 });
		const t0 = Date.now();
		await get('/echo');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
		expect((await control('POST', 'latency', { ms: -5 })).status).toBe(400);
		await control('POST', 'latency', { ms: 0 });

		const g = emu.ctx.tokenGeneration;
		expect((await control('POST', 'expire-tokens')).json).toEqual({ tokenGeneration: g + 1 });

		const clock = await control('POST', 'clock', { shiftMs: 3_600_000 });
		expect(clock.json.now).toBe(new Date(FIXED_NOW.getTime() + 3_600_000).toISOString());
		expect((await get('/echo')).json.now).toBe(clock.json.now);
	});
});

describe('downloads /__files', () => {
	test('OSM attachment: deterministic bytes, content type from the name, UTF-8 filename', async () => {
		const attachment = osmAttachments.find((a) => a.name.startsWith('报告'))!;
		const res = await fetch(`${emu.url}/__files/osm/${attachment.id}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(attachment.name)}`);
		const body = await res.text();
		expect(body).toBe(`Emulated download\nkind: osm\nname: ${attachment.id}\n`);
		const again = await (await fetch(`${emu.url}/__files/osm/${attachment.id}`)).text();
		expect(again).toBe(body);
		expect(emu.requestLog.entries[0]).toMatchObject({ module: 'files', status: 200 });
	});

	test('unknown file of a registered kind -> 404; other kinds serve any name', async () => {
		expect((await get('/__files/osm/osm-att-9999')).status).toBe(404);
		const res = await fetch(`${emu.url}/__files/misc/${encodeURIComponent('report 1.txt')}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(await res.text()).toContain('name: report 1.txt');
		expect((await get('/__files/misc/data.bin')).headers.get('content-type')).toBe('application/octet-stream');
		expect((await get('/__files/nothing')).status).toBe(404);
		expect((await get('/__files/misc/a.txt', { method: 'POST' })).status).toBe(405);
	});

	test('HEAD has headers but no body', async () => {
		const res = await fetch(`${emu.url}/__files/misc/a.txt`, { method: 'HEAD' });
		expect(res.status).toBe(200);
		expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
		expect(await res.text()).toBe('');
	});

	test('faults apply to downloads too', async () => {
		emu.addFault({ pathContains: '/__files/', kind: 'status', status: 503 });
		expect((await get('/__files/misc/a.txt')).status).toBe(503);
		expect((await get('/__files/misc/a.txt')).status).toBe(200);
	});
});

describe('cli', () => {
	test('prints EMULATOR_URL first, serves, and stops on SIGTERM', async () => {
		const root = path.resolve(__dirname, '../..');
		// The CLI is a separate process by design (a real n8n talks to it); test it as one.
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions
		const child = spawn(
			process.execPath,
			[require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'test/emulator/cli.ts', '--port', '0', '--latency', '0'],
			{ cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		try {
			const deadline = Date.now() + 30_000;
			while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
			const firstLine = out.split('\n')[0];
			expect(firstLine).toMatch(/^EMULATOR_URL=http:\/\/127\.0\.0\.1:\d+$/);
			const url = firstLine.slice('EMULATOR_URL='.length);
			const health = await fetch(`${url}/__emulator/health`);
			expect(health.status).toBe(200);
			expect(out).toContain('Huawei IAM');
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	});
});
