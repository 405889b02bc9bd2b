/**
 * `npm run test:queue` (after `npm run build`): the example workflows in n8n's queue mode.
 *
 *   Redis + PostgreSQL (Debian packages, installed with apt-get if missing; throwaway, loopback),
 *   the emulator, and three real n8n 2.8.4 processes, each with its own user folder and this package
 *   installed: one main (`n8n start`) and two workers (`n8n worker --concurrency=2`), all with
 *   EXECUTIONS_MODE=queue, the same encryption key and the same database.
 *
 * The examples are imported with a Webhook trigger in place of the manual trigger (response mode
 * "When Last Node Finishes", so the HTTP call returns when the worker is done), published, and
 * called on the main instance, which enqueues them for the workers. Asserted:
 *   1. every execution finished on a worker (worker logs "Worker finished execution N") with
 *      status success and the same per-item results (outputs, pairedItem, binary file names) as
 *      the same workflow in single-process mode (`n8n execute`, sqlite);
 *   2. executions were spread over both workers;
 *   3. each token credential fetched its token once (emulator counters), the token is saved in the
 *      database (export:credentials), and the other worker ran executions with it without a new fetch;
 *   4. a worker killed (SIGKILL) mid-run leaves no half-written execution: it is reported failed
 *      (status error, no node output) or retried to the full, identical result; the other worker
 *      keeps serving.
 * Prints the figures (executions per worker, token fetches, timings). Ends with `N passed, M failed`.
 * Flags: --rounds=N (concurrent calls per example in the spread phase, default 2).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { createChecks } from './lib/checks.mjs';
import { control, loadExamples, ROOT, startEmulatorProcess } from './lib/exampleSuite.mjs';
import { createInstance, ensureN8n } from './lib/realN8n.mjs';
import { ensureServerPackages, startPostgres, startRedis } from './lib/services.mjs';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 2);
const log = (msg) => console.log(`     ${msg}`);

const { check, fail, finish } = createChecks({ traceLines: 14 });

/** Token credential types: the endpoint their token comes from (emulator request counter). */
const TOKEN_ENDPOINTS = { huaweiCloudIamApi: '/v3/auth/tokens', alibabaPdsJwtAppApi: '/v2/oauth/token', wps365Api: 'oauth2/token' };

function exampleCredentials(emulatorUrl) {
	const ts = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
	const res = spawnSync(process.execPath, [ts, '--transpile-only', 'test/e2e/credentials.ts', emulatorUrl], { cwd: ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`building the example credentials failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

const batchNodeOf = (workflow) => workflow.nodes.find((n) => n.type.startsWith('n8n-nodes-cloud-batch.'));

/** The example with a Webhook trigger (POST /webhook/queue-<id>, answers when the last node finished). */
function webhookVariant(workflow) {
	const wf = structuredClone(workflow);
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	assert.ok(trigger, `${wf.id} has no manual trigger`);
	const oldName = trigger.name;
	Object.assign(trigger, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		parameters: { httpMethod: 'POST', path: `queue-${wf.id}`, responseMode: 'lastNode', responseData: 'noData', options: {} },
		webhookId: crypto.randomUUID(),
	});
	wf.connections.Webhook = wf.connections[oldName];
	delete wf.connections[oldName];
	wf.active = false;
	return wf;
}

/** Per-item results of one node run, without what legitimately differs between runs. */
function normalizeOutputs(task) {
	const scrub = (value) => {
		if (typeof value === 'string') {
			return value
				.replace(/\b(https?:\/\/[^\s?"]+)\?[^\s"]*/g, '$1?…') // signed / expiring query strings
				.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
				.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>');
		}
		if (Array.isArray(value)) return value.map(scrub);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /^(requestId|request_id|x-request-id|expiration|expire_time|expires?)$/i.test(k) ? '<volatile>' : scrub(v)]));
		return value;
	};
	return (task?.data?.main ?? []).map((items) =>
		(items ?? []).map((item) => ({
			pairedItem: item.pairedItem,
			json: scrub(item.json),
			binary: item.binary
				? Object.fromEntries(Object.entries(item.binary).map(([k, b]) => [k, { fileName: b.fileName, mimeType: b.mimeType, fileSize: b.fileSize }]))
				: undefined,
		})),
	);
}

function firstDifference(a, b, where = '') {
	if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length) return `${where}: length ${a.length} vs ${b.length}`;
		for (let i = 0; i < a.length; i++) {
			const d = firstDifference(a[i], b[i], `${where}[${i}]`);
			if (d) return d;
		}
	}
	if (a && b && typeof a === 'object' && typeof b === 'object') {
		for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
			const d = firstDifference(a[k], b[k], `${where}.${k}`);
			if (d) return d;
		}
	}
	return `${where}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

// ─── run ───────────────────────────────────────────────────────────────────────────────────
const T0 = Date.now();
const figures = { timings: {} };
const mark = (name, since) => (figures.timings[name] = Date.now() - since);
const cleanups = [];

try {
	let t = Date.now();
	const binaries = ensureServerPackages();
	const [redis, postgres, emulator, n8n] = await Promise.all([startRedis(binaries), startPostgres(binaries), startEmulatorProcess(), ensureN8n()]);
	cleanups.push(() => redis.stop(), () => postgres.stop(), () => emulator.stop());
	mark('services (redis, postgres, emulator) ready', t);
	console.log(`redis 127.0.0.1:${redis.port}, postgres 127.0.0.1:${postgres.port}, emulator ${emulator.url}, n8n ${n8n.version}`);
	const flatted = createRequire(path.join(n8n.dir, 'node_modules', 'n8n', 'package.json'))('flatted');
	const counter = async (pathContains) => (await control(emulator.url, 'GET', `requests/count?pathContains=${encodeURIComponent(pathContains)}`)).count;

	const credentials = exampleCredentials(emulator.url);
	const examples = loadExamples(emulator.url).map((e) => ({ ...e, batchNode: batchNodeOf(e.workflow).name }));
	/** The batch node's credential: workflow JSON keys credentials by type, `{ <type>: { id, name } }`. */
	const credentialOf = (example) => {
		const [type, ref] = Object.entries(batchNodeOf(example.workflow).credentials ?? {})[0] ?? [];
		return type ? { type, id: ref.id } : undefined;
	};
	const tokenExamples = examples.filter((e) => TOKEN_ENDPOINTS[credentialOf(e)?.type ?? '']);

	// ── reference: every example once in single-process mode (regular mode, sqlite), in one
	// `n8n execute-batch` (one n8n boot; it writes each run's full IRun to <id>-snapshot.json) ...
	const reference = new Map();
	const referenceRuns = async () => {
		const t1 = Date.now();
		const single = await createInstance({ packageDir: ROOT, n8n });
		cleanups.push(() => single.cleanup());
		await single.importCredentials(credentials);
		await single.importWorkflow(examples.map((e) => e.workflow));
		const snapshots = path.join(single.userFolder, 'snapshots');
		fs.mkdirSync(snapshots);
		await single.run(['execute-batch', `--ids=${examples.map((e) => e.workflow.id).join(',')}`, `--snapshot=${snapshots}`, '--concurrency=1'], { timeoutMs: 900_000 });
		for (const example of examples) {
			const file = path.join(snapshots, `${example.workflow.id}-snapshot.json`);
			assert.ok(fs.existsSync(file), `single-process run of ${example.file} wrote no snapshot`);
			const run = JSON.parse(fs.readFileSync(file, 'utf8'));
			assert.equal(run.data.resultData.error, undefined, `single-process ${example.file}: ${run.data.resultData.error?.message}`);
			reference.set(example.workflow.id, normalizeOutputs(run.data.resultData.runData[example.batchNode][0]));
		}
		await single.cleanup();
		mark('single-process reference runs (execute-batch)', t1);
	};

	// ── ... while the queue-mode database is prepared: one main, two workers, each with its own
	// user folder and the package installed, all on the same postgres, redis and encryption key
	const queueEnv = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// a killed worker's job is detected as stalled within ~20 s instead of ~90 s
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
	const main = await createInstance({ packageDir: ROOT, n8n, env: queueEnv });
	const workerInstances = [await createInstance({ packageDir: ROOT, n8n, env: queueEnv }), await createInstance({ packageDir: ROOT, n8n, env: queueEnv })];
	cleanups.push(() => main.cleanup(), ...workerInstances.map((w) => () => w.cleanup()));
	const prepareQueue = async () => {
		const t1 = Date.now();
		await main.importCredentials(credentials); // runs the migrations on the empty postgres
		await main.importWorkflow(examples.map((e) => webhookVariant(e.workflow)));
		// Publishing = what `n8n publish:workflow --id` does (WorkflowRepository.publishVersion in
		// @n8n/db 2.8.4: the current version must be in workflow_history, then active + activeVersionId),
		// in one statement instead of one n8n boot per workflow. Main activates them at start (asserted).
		const ids = examples.map((e) => `'${e.workflow.id}'`).join(',');
		const published = postgres.sql(
			`update workflow_entity w set active = true, "activeVersionId" = w."versionId" where w.id in (${ids}) and exists (select 1 from workflow_history h where h."workflowId" = w.id and h."versionId" = w."versionId") returning w.id`,
		);
		assert.equal(published.trim().split('\n').filter(Boolean).length, examples.length, `published: ${published}`);
		mark('queue-mode import + publish into postgres (incl. migrations)', t1);
	};
	await Promise.all([referenceRuns(), prepareQueue()]);

	t = Date.now();
	const [server, ...workers] = await Promise.all([
		main.startServer().then(async (srv) => (await srv.process.waitForOutput(/Editor is now accessible/, 240_000), srv)),
		...workerInstances.map(async (inst, i) => {
			const proc = await inst.spawn(['worker', '--concurrency=2']);
			await proc.waitForOutput(/n8n worker is now ready/, 240_000);
			return { name: `worker${i + 1}`, proc };
		}),
	]);
	mark('main + 2 workers started', t);
	const activated = (server.process.output().match(/Activated workflow/g) ?? []).length;
	console.log(`main on ${server.url} (${activated} workflows activated), ${workers.map((w) => `${w.name} pid ${w.proc.pid}`).join(', ')}`);
	assert.equal(activated, examples.length, 'main activated every published workflow');

	const finishedBy = () => {
		const map = new Map();
		for (const w of workers) for (const m of w.proc.output().matchAll(/Worker finished execution (\d+)/g)) map.set(m[1], [...(map.get(m[1]) ?? []), w.name]);
		return map;
	};
	const startedBy = () => {
		const map = new Map();
		for (const w of workers) for (const m of w.proc.output().matchAll(/Worker started execution (\d+)/g)) map.set(m[1], w.name);
		return map;
	};
	const call = async (example) => {
		const started = Date.now();
		const res = await fetch(`${server.url}/webhook/queue-${example.workflow.id}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
			signal: AbortSignal.timeout(180_000),
		});
		const text = await res.text();
		return { example, status: res.status, text, ms: Date.now() - started };
	};
	const maxExecutionId = () => Number(postgres.sql('select coalesce(max(id), 0) from execution_entity').trim());
	const executionsAfter = (id) =>
		JSON.parse(
			postgres.sql(
				`select coalesce(json_agg(json_build_object('id', e.id::text, 'workflowId', e."workflowId", 'status', e.status, 'mode', e.mode, 'finished', e.finished, 'ms', extract(epoch from (e."stoppedAt" - e."startedAt")) * 1000, 'data', d.data) order by e.id), '[]') from execution_entity e left join execution_data d on d."executionId" = e.id where e.id > ${id}`,
			),
		);
	const runDataOf = (execution) => (execution.data ? flatted.parse(execution.data).resultData?.runData ?? {} : {});
	const tokenFetches = async () => Object.fromEntries(await Promise.all(Object.entries(TOKEN_ENDPOINTS).map(async ([type, p]) => [type, await counter(p)])));

	/** Checks finished executions against the single-process reference; returns them with their worker. */
	const verifyExecutions = (executions) => {
		const byWorker = finishedBy();
		return executions.map((execution) => {
			const example = examples.find((e) => e.workflow.id === execution.workflowId);
			assert.equal(execution.status, 'success', `execution ${execution.id} (${example.file}) has status ${execution.status}`);
			assert.equal(execution.mode, 'webhook');
			const workersOf = byWorker.get(execution.id) ?? [];
			assert.equal(workersOf.length, 1, `execution ${execution.id} finished on ${workersOf.length} workers (${workersOf.join(', ')})`);
			const outputs = normalizeOutputs(runDataOf(execution)[example.batchNode]?.[0]);
			const diff = firstDifference(outputs, reference.get(execution.workflowId), `${example.file} output`);
			assert.equal(diff, undefined, `execution ${execution.id} differs from single-process mode: ${diff}`);
			return { ...execution, data: undefined, file: example.file, worker: workersOf[0], items: outputs.map((o) => o.length) };
		});
	};

	const tokensBefore = await tokenFetches();
	const allRuns = [];

	// ── phase 1: the token examples one after another (first use of each token credential)
	await check('phase 1: token examples one at a time through the main instance, each finished on a worker with the single-process results', async () => {
		const t1 = Date.now();
		const before = maxExecutionId();
		for (const example of tokenExamples) {
			const res = await call(example);
			assert.equal(res.status, 200, `${example.file}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		}
		await sleep(500);
		const runs = verifyExecutions(executionsAfter(before));
		assert.equal(runs.length, tokenExamples.length);
		allRuns.push(...runs.map((r) => ({ ...r, phase: 1 })));
		mark('phase 1 (sequential token runs)', t1);
		for (const r of runs) log(`${r.file}: execution ${r.id} on ${r.worker}, ${r.items.join('/')} items, ${Math.round(r.ms)} ms`);
	});

	const tokensAfterPhase1 = await tokenFetches();
	await check('token fetched once per token credential and saved in the database', async () => {
		const stored = await main.exportCredentials();
		for (const type of new Set(tokenExamples.map((e) => credentialOf(e).type))) {
			// one fetch per credential of the type (WPS: the private and the public-cloud style one)
			const ids = [...new Set(tokenExamples.map(credentialOf).filter((c) => c.type === type).map((c) => c.id))];
			assert.equal(tokensAfterPhase1[type] - tokensBefore[type], ids.length, `${type}: ${tokensAfterPhase1[type] - tokensBefore[type]} token fetches for ${ids.length} credential(s)`);
			for (const id of ids) {
				const cred = stored.find((c) => c.id === id);
				const token = cred?.data.token || cred?.data.accessToken;
				assert.ok(typeof token === 'string' && token.length > 20, `${type} ${id}: no token saved in the database`);
			}
		}
	});

	// ── phase 2: every example ROUNDS times, all at once
	await check(`phase 2: ${examples.length} examples x ${ROUNDS} at once: all finished on a worker with the single-process results, spread over both workers, no new token fetch`, async () => {
		for (let attempt = 1; attempt <= 3; attempt++) {
			const t2 = Date.now();
			const before = maxExecutionId();
			const calls = await Promise.all(examples.flatMap((example) => Array.from({ length: ROUNDS }, () => call(example))));
			for (const c of calls) assert.equal(c.status, 200, `${c.example.file}: HTTP ${c.status} ${c.text.slice(0, 300)}`);
			await sleep(500);
			const runs = verifyExecutions(executionsAfter(before));
			assert.equal(runs.length, calls.length, `${calls.length} calls, ${runs.length} executions`);
			allRuns.push(...runs.map((r) => ({ ...r, phase: 2 })));
			mark(`phase 2 round ${attempt} (${calls.length} concurrent calls)`, t2);
			const perWorker = Object.fromEntries(workers.map((w) => [w.name, runs.filter((r) => r.worker === w.name).length]));
			log(`round ${attempt}: ${calls.length} executions in ${Date.now() - t2} ms; per worker ${JSON.stringify(perWorker)}`);
			// the "other worker" for each token credential: not the one whose run fetched the token in phase 1
			const credIdOf = (run) => credentialOf(examples.find((x) => x.workflow.id === run.workflowId)).id;
			const missing = [...new Set(tokenExamples.map((e) => credentialOf(e).id))].filter((credId) => {
				const fetcher = allRuns.find((r) => r.phase === 1 && credIdOf(r) === credId)?.worker;
				return !allRuns.some((r) => r.phase === 2 && credIdOf(r) === credId && r.worker !== fetcher);
			});
			if (missing.length === 0 && Object.values(perWorker).every((n) => n > 0)) break;
			assert.ok(attempt < 3, `after 3 rounds, no execution on the other worker for ${missing.join(', ')} (per worker ${JSON.stringify(perWorker)})`);
			log(`another round: not yet run on the other worker: ${missing.join(', ') || '(spread)'}`);
		}
		const tokensNow = await tokenFetches();
		assert.deepEqual(tokensNow, tokensAfterPhase1, 'no token fetched after phase 1');
	});

	await check('executions spread over both workers; every token credential used by both, fetched by one', async () => {
		const perWorker = Object.fromEntries(workers.map((w) => [w.name, allRuns.filter((r) => r.worker === w.name).length]));
		for (const [name, n] of Object.entries(perWorker)) assert.ok(n > 0, `${name} ran no execution`);
		figures.executionsPerWorker = perWorker;
		figures.tokenFetches = Object.fromEntries(Object.entries(tokensAfterPhase1).map(([k, v]) => [k, v - tokensBefore[k]]));
		figures.tokenUse = {};
		for (const type of new Set(tokenExamples.map((e) => credentialOf(e).type))) {
			const runs = allRuns.filter((r) => credentialOf(examples.find((x) => x.workflow.id === r.workflowId)).type === type);
			const fetchedBy = runs.find((r) => r.phase === 1).worker;
			const byWorker = Object.fromEntries(workers.map((w) => [w.name, runs.filter((r) => r.worker === w.name).length]));
			assert.ok(Object.values(byWorker).every((n) => n > 0), `${type}: runs per worker ${JSON.stringify(byWorker)}`);
			figures.tokenUse[type] = { fetchedBy, fetches: figures.tokenFetches[type], executionsPerWorker: byWorker };
		}
	});

	// ── phase 3: kill the worker that runs a slow execution
	await check('a worker killed mid-run: the execution is reported failed (no half-written data) or retried to the full result; the other worker keeps serving', async () => {
		const t3 = Date.now();
		const wps = examples.find((e) => e.file.startsWith('wps365-')) ?? examples[0];
		const path0 = wps.file.startsWith('wps365-') ? 'batch_get_meta' : 'batch';
		const before = maxExecutionId();
		const requestsBefore = await counter(path0);
		await control(emulator.url, 'POST', 'faults', [{ pathContains: path0, kind: 'delay', delayMs: 60_000, times: 1 }]);
		const startedBefore = new Set(startedBy().keys());
		const pending = call(wps).catch((error) => ({ error }));
		let executionId;
		let victim;
		for (const deadline = Date.now() + 60_000; !executionId; await sleep(200)) {
			assert.ok(Date.now() < deadline, 'no worker started the execution within 60 s');
			for (const [id, name] of startedBy()) if (!startedBefore.has(id) && Number(id) > before) [executionId, victim] = [id, name];
		}
		for (const deadline = Date.now() + 30_000; (await counter(path0)) === requestsBefore; await sleep(200)) {
			assert.ok(Date.now() < deadline, 'the batch request did not reach the emulator');
		}
		const killed = workers.find((w) => w.name === victim);
		await killed.proc.stop('SIGKILL');
		log(`execution ${executionId} was running on ${victim} (its first batch request held by the emulator); ${victim} killed with SIGKILL`);
		let execution;
		for (const deadline = Date.now() + 120_000; ; await sleep(1000)) {
			[execution] = executionsAfter(Number(executionId) - 1).filter((e) => e.id === executionId);
			if (execution && !['new', 'running', 'waiting'].includes(execution.status)) break;
			assert.ok(Date.now() < deadline, `execution ${executionId} still ${execution?.status} 120 s after the kill`);
		}
		const response = await pending;
		const runData = runDataOf(execution);
		log(`execution ${executionId}: status ${execution.status} after ${Date.now() - t3} ms; webhook answered ${response.status ?? response.error?.message}; nodes with data: ${Object.keys(runData).join(', ') || '(none)'}`);
		figures.killedWorker = { executionId, worker: victim, status: execution.status, nodesWithData: Object.keys(runData), detectedMs: Date.now() - t3 };
		if (execution.status === 'success') {
			const diff = firstDifference(normalizeOutputs(runData[wps.batchNode]?.[0]), reference.get(wps.workflow.id), 'retried output');
			assert.equal(diff, undefined, `a retried execution must be complete: ${diff}`);
		} else {
			assert.ok(['error', 'crashed', 'canceled'].includes(execution.status), `unexpected status ${execution.status}`);
			assert.equal(execution.finished, false);
			assert.equal(runData[wps.batchNode], undefined, 'the failed execution carries no (partial) output of the batch node');
		}
		// the survivor still serves
		const survivor = workers.find((w) => w !== killed);
		const before2 = maxExecutionId();
		const again = await call(wps);
		assert.equal(again.status, 200, `after the kill: HTTP ${again.status} ${again.text.slice(0, 300)}`);
		await sleep(500);
		const [run] = verifyExecutions(executionsAfter(before2));
		assert.equal(run.worker, survivor.name);
		mark('phase 3 (kill + detection + one more run)', t3);
	});
} catch (error) {
	fail('queue-mode setup', error);
} finally {
	for (const cleanup of cleanups.reverse()) {
		try {
			await cleanup();
		} catch (error) {
			console.log(`cleanup: ${error.message}`);
		}
	}
}

figures.timings.total = Date.now() - T0;
console.log(`figures: ${JSON.stringify(figures, null, 2)}`);
finish();
