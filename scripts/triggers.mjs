/**
 * `npm run test:triggers`: the three polling triggers in a REAL n8n (2.8.4, the cached install of
 * scripts/lib/realN8n.mjs), the way n8n runs pollers: the example workflows of examples/triggers/
 * are imported and published (`n8n publish:workflow`), ONE `n8n start` activates all three at once
 * (activation runs each trigger's first poll: the baseline), then the emulator's data changes and
 * the executions n8n records (read from its SQLite database) are asserted, items and fields.
 *
 * Round 1: new audit files / new and updated PDS files / changed WPS files -> one execution per
 * workflow with exactly those items, and the action node after the trigger ran on them.
 * Round 2: one more change each (plus a change that must NOT trigger: an audit file written again)
 * -> the next minute's poll emits only the new change; nothing is emitted twice.
 * n8n's shortest poll interval is one minute, so the test waits for two poll rounds (~2-3 min).
 *
 * Needs `npm run build` first. Ends with `N passed, M failed`; exits 1 when anything failed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { createChecks } from './lib/checks.mjs';
import { control, exampleCredentials, EXAMPLE_EMULATOR_URL, ROOT, startEmulatorProcess } from './lib/exampleSuite.mjs';
import { createInstance, ensureN8n } from './lib/realN8n.mjs';

const INSTANCE_ID = 'ca0771732820537df44cd7cd26e7f2b6in07';
const WPS_WATCHED = ['100000002', '100000003', '100000004', '100000005', '100000007', '100000008', '100000009', '100000010', '100000011', '100000012'];
const PDS_DRIVE = '1';
const ROUND_TIMEOUT_MS = 150_000;

const started = Date.now();
const log = (line) => process.stderr.write(`[triggers] ${line}\n`);
const { check, fail, finish } = createChecks({ traceLines: 8 });

function loadTriggerExamples(emulatorUrl) {
	const dir = path.join(ROOT, 'examples', 'triggers');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8').split(EXAMPLE_EMULATOR_URL).join(emulatorUrl)));
}

/** Read-only access to the executions n8n recorded in its SQLite database. */
function executionReader(n8n, userFolder) {
	const require = createRequire(path.join(n8n.dir, 'node_modules', 'n8n', 'package.json'));
	const sqlite3 = require('sqlite3');
	const { parse } = require('flatted');
	const file = path.join(userFolder, '.n8n', 'database.sqlite');
	const query = (sql, params = []) =>
		new Promise((resolve, reject) => {
			const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
				if (openError) return reject(openError);
				db.all(sql, params, (error, rows) => {
					db.close();
					if (error) reject(error);
					else resolve(rows);
				});
			});
		});
	return {
		/** Finished executions of a workflow, oldest first, with the run data parsed. */
		async executions(workflowId) {
			let rows;
			for (let attempt = 0; ; attempt++) {
				try {
					rows = await query(
						`SELECT e.id, e.status, e.mode, e.finished, d.data FROM execution_entity e
						 JOIN execution_data d ON d.executionId = e.id
						 WHERE e.workflowId = ? AND e.status IN ('success', 'error', 'crashed') ORDER BY e.id`,
						[workflowId],
					);
					break;
				} catch (error) {
					if (!/SQLITE_BUSY|SQLITE_LOCKED/.test(String(error)) || attempt > 20) throw error;
					await sleep(250);
				}
			}
			return rows.map((row) => {
				const data = parse(row.data);
				const runData = data.resultData?.runData ?? {};
				return {
					id: row.id,
					status: row.status,
					mode: row.mode,
					error: data.resultData?.error,
					output: (node) => runData[node]?.[0]?.data?.main?.[0] ?? [],
					ran: (node) => runData[node] !== undefined,
				};
			});
		},
	};
}

async function waitFor(what, fn, timeoutMs = ROUND_TIMEOUT_MS) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(2000);
	}
}

if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'HuaweiCloudTrigger', 'HuaweiCloudTrigger.node.js'))) {
	fail('dist/ has no trigger nodes: run `npm run build` first');
	finish();
}

const n8n = await ensureN8n();
log(`real n8n ${n8n.version} from ${n8n.dir}`);
const emulator = await startEmulatorProcess();
log(`emulator on ${emulator.url}`);
const data = async (route, body) => {
	const answer = await control(emulator.url, 'POST', `data/${route}`, body);
	if (answer?.code) throw new Error(`emulator data/${route}: ${JSON.stringify(answer)}`);
	return answer;
};
let instance;
let server;
try {
	instance = await createInstance({ packageDir: ROOT, n8n });
	await instance.importCredentials(exampleCredentials(emulator.url));
	const workflows = loadTriggerExamples(emulator.url);
	const byType = (suffix) => workflows.find((w) => w.nodes[0].type.endsWith(suffix));
	const huawei = byType('huaweiCloudTrigger');
	const pds = byType('alibabaPdsTrigger');
	const wps = byType('wps365Trigger');
	await instance.importWorkflow(workflows);
	for (const w of workflows) await instance.run(['publish:workflow', `--id=${w.id}`]);
	log(`imported and published ${workflows.length} trigger workflows; starting n8n`);

	server = await instance.startServer();
	for (const w of workflows) {
		await server.process.waitForOutput(new RegExp(`Activated workflow "[^"]*" \\(ID: ${w.id}\\)`), 120_000);
	}
	log(`n8n commands: ${instance.timings.map((t) => `${t.command} ${Math.round(t.ms / 1000)} s`).join(', ')}`);
	log(`n8n ${server.url}: all ${workflows.length} workflows active (${Math.round((Date.now() - started) / 1000)} s)`);
	const db = executionReader(n8n, instance.userFolder);

	await check('activation records the baseline and starts no execution', async () => {
		for (const w of workflows) assert.deepEqual(await db.executions(w.id), [], w.name);
		assert.doesNotMatch(server.process.output(), /Issue on initial workflow activation|failed with the error/);
	});

	// ---------------------------------------------------------------- round 1
	// all round-1 changes in one request: a poll running meanwhile sees all of them or none
	const now = Date.now();
	const answers = await data('batch', [
		...[0, 1, 2].map((i) => ({ route: 'taurusdb/files', body: { startedAt: now - 60_000 + i * 1000, updatedAt: now - 10_000 + i * 1000 } })),
		{ route: 'pds/files', body: { drive_id: PDS_DRIVE, name: 'trigger-a.txt' } },
		{ route: 'pds/files', body: { drive_id: PDS_DRIVE, name: 'trigger-b.pdf' } },
		{ route: 'pds/files/update', body: { file_id: '72b90ae2432b4057e129a1a9a8fa84037652c8eb' } },
		{ route: 'wps/files/update', body: { ids: WPS_WATCHED.slice(0, 3) } },
	]);
	const audit = answers.slice(0, 3);
	const created = answers.slice(3, 5);
	const seededPds = answers[5];
	log('round 1 changes made; waiting for the next poll of each workflow');

	const round1 = {};
	await waitFor('one execution per workflow', async () => {
		for (const w of workflows) round1[w.id] = await db.executions(w.id);
		return workflows.every((w) => round1[w.id].length >= 1);
	});
	log(`round 1 executions recorded (${Math.round((Date.now() - started) / 1000)} s)`);

	const allItems = (executions, node) => executions.flatMap((e) => e.output(node));

	await check('Huawei Cloud Trigger: each new audit file once, downloaded by the next node', async () => {
		const executions = round1[huawei.id];
		for (const e of executions) assert.equal(e.status, 'success', JSON.stringify(e.error));
		const items = allItems(executions, 'New Audit Log File');
		assert.deepEqual(items.map((i) => i.json.name), audit.map((f) => f.name));
		for (const item of items) {
			assert.equal(item.json.instance_id, INSTANCE_ID);
			assert.match(item.json.updated_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0800$/);
			assert.match(item.json.download_link, /\/__files\/taurusdb\//);
		}
		const downloads = allItems(executions, 'Download Audit File');
		assert.equal(downloads.length, 3);
		for (const d of downloads) assert.ok(d.binary?.data, 'binary data of the downloaded audit file');
	});

	await check('Alibaba Cloud PDS Trigger: created and updated files once each, then Get Download URL', async () => {
		const executions = round1[pds.id];
		for (const e of executions) assert.equal(e.status, 'success', JSON.stringify(e.error));
		const items = allItems(executions, 'File Created or Updated');
		const got = Object.fromEntries(items.map((i) => [i.json.id, i.json.change_type]));
		assert.deepEqual(got, {
			[created[0].file_id]: 'created',
			[created[1].file_id]: 'created',
			[seededPds.file_id]: 'updated',
		});
		assert.equal(items.length, 3);
		for (const i of items) assert.equal(i.json.drive_id, PDS_DRIVE);
		const urls = allItems(executions, 'Get Download URL');
		assert.deepEqual(urls.map((u) => u.json.id).sort(), items.map((i) => i.json.id).sort());
		for (const u of urls) assert.match(String(u.json.url), /^http/);
	});

	await check('WPS 365 Trigger: the 3 changed of 10 watched files once, then Get Metadata', async () => {
		const executions = round1[wps.id];
		for (const e of executions) assert.equal(e.status, 'success', JSON.stringify(e.error));
		const items = allItems(executions, 'Watched Files Changed');
		assert.deepEqual(items.map((i) => i.json.id).sort(), WPS_WATCHED.slice(0, 3).sort());
		for (const i of items) {
			assert.equal(i.json.change_type, 'changed');
			assert.ok(i.json.name && i.json.modified_at && i.json.version, 'simplified metadata fields');
		}
		const meta = allItems(executions, 'Get Metadata');
		assert.deepEqual(meta.map((m) => m.json.id).sort(), WPS_WATCHED.slice(0, 3).sort());
		for (const m of meta) assert.ok(m.json.hash && m.json.mtime_iso, 'full metadata from the action node');
	});

	// ---------------------------------------------------------------- round 2
	const counts = Object.fromEntries(workflows.map((w) => [w.id, round1[w.id].length]));
	const later = Date.now();
	const [, audit4, updatedPds] = await data('batch', [
		{ route: 'taurusdb/files/update', body: { name: audit[0].name } }, // written again: not a new file
		{ route: 'taurusdb/files', body: { startedAt: later - 30_000, updatedAt: later - 5_000 } },
		{ route: 'pds/files/update', body: { file_id: created[0].file_id } },
		{ route: 'wps/files/delete', body: { ids: [WPS_WATCHED[5]] } },
	]);
	log('round 2 changes made; waiting for the next poll of each workflow');
	const round2 = {};
	await waitFor('a second execution per workflow', async () => {
		for (const w of workflows) round2[w.id] = (await db.executions(w.id)).slice(counts[w.id]);
		return workflows.every((w) => round2[w.id].length >= 1);
	});
	log(`round 2 executions recorded (${Math.round((Date.now() - started) / 1000)} s)`);

	await check('Huawei Cloud Trigger, next poll: only the new file (a file written again is not new)', async () => {
		assert.deepEqual(allItems(round2[huawei.id], 'New Audit Log File').map((i) => i.json.name), [audit4.name]);
	});
	await check('Alibaba Cloud PDS Trigger, next poll: the updated version of a file emitted before', async () => {
		const items = allItems(round2[pds.id], 'File Created or Updated');
		assert.deepEqual(items.map((i) => [i.json.id, i.json.change_type, i.json.updated_at]), [[created[0].file_id, 'updated', updatedPds.updated_at]]);
	});
	await check('WPS 365 Trigger, next poll: the deleted watched file once, as removed', async () => {
		const items = allItems(round2[wps.id], 'Watched Files Changed');
		assert.deepEqual(items.map((i) => i.json), [{ id: WPS_WATCHED[5], change_type: 'removed' }]);
	});
	await check('no execution failed; no poll error was reported', async () => {
		for (const w of workflows) {
			for (const e of await db.executions(w.id)) assert.equal(e.status, 'success', `${w.name}: ${JSON.stringify(e.error)}`);
		}
	});
} catch (error) {
	fail('run', error);
} finally {
	if (server) await server.stop();
	if (instance) await instance.cleanup();
	await emulator.stop();
}

finish({ suffix: ` (${Math.round((Date.now() - started) / 1000)} s)` });
