/**
 * `npm run test:e2e`: the example workflows run in a real n8n (installed once into a cache folder
 * outside the project) against the emulator, and their per-item outputs are checked.
 * `--line oldest|pinned|newest` (repeatable; default $N8N_LINE or pinned) picks the n8n line(s),
 * see N8N_LINES in scripts/lib/realN8n.mjs.
 * Ends with the line `N passed, M failed`; exits 1 when anything failed.
 */
import assert from 'node:assert/strict';

import { createChecks } from './lib/checks.mjs';
import { startExampleSuite } from './lib/exampleSuite.mjs';
import { selectedLine } from './lib/realN8n.mjs';

const checks = createChecks({ traceLines: 6 });
let prefix = '';
const check = (name, fn) => checks.check(prefix + name, fn);

const nodeName = (workflow) => workflow.nodes.find((n) => n.type.startsWith('n8n-nodes-cloud-batch.')).name;
const pairs = (items) => items.map((i) => i.pairedItem?.item);

const lineNames = process.argv.flatMap((arg, i, all) => (all[i - 1] === '--line' ? arg.split(',') : []));
for (const name of lineNames.length ? lineNames : [undefined]) {
	const line = selectedLine(name);
	prefix = `[n8n ${line.version}] `;
	let suite;
	try {
		suite = await startExampleSuite({ line });
	} catch (error) {
		checks.fail(`${prefix}could not start the e2e suite: ${error.message}`);
		continue;
	}
	await runSuite(suite);
}

async function runSuite(suite) {
	const { instance, examples, control } = suite;
	const example = (file) => examples.find((e) => e.file === file);
	const totalRequests = async (pathContains) =>
		(await control('GET', `requests/count?pathContains=${encodeURIComponent(pathContains)}`)).count;

	// The emulator keeps its state (issued tokens, asset states) across runs, like a real service;
	// request counts are taken as differences around each run.
	const COUNTED = ['access-urls', 'batch-action', 'auditlog/download-link', '/v3/auth/tokens', '/v2/batch', '/v2/oauth/token', 'batch_get_meta', '/v7/files/batch_get', 'oauth2/token'];
	let baseline = {};
	async function markCounts() {
		for (const path of COUNTED) baseline[path] = await totalRequests(path);
	}
	const count = async (pathContains) => (await totalRequests(pathContains)) - (baseline[pathContains] ?? 0);

	async function runExample(file) {
		await markCounts();
		const ex = example(file);
		const result = await instance.execute(ex.id);
		assert.equal(result.error, undefined, `workflow failed: ${result.error?.message}`);
		const name = nodeName(ex.workflow);
		return { result, main: result.nodeOutput(name, 0), errors: result.nodeOutput(name, 1) };
	}

	try {
		await check('OSM: 3 tickets, 6 attachment ids, one request, files downloaded, unknown id to the error output', async () => {
			const { main, errors } = await runExample('huawei-osm-attachment-links.json');
			assert.deepEqual(main.map((i) => i.json.accessory_id), ['osm-att-0001', 'osm-att-0002', 'osm-att-0003', 'osm-att-0004', 'osm-att-0005']);
			assert.deepEqual(pairs(main), [0, 0, 0, 1, 2]);
			assert.ok(main.every((i) => i.binary?.data?.fileName), 'every link has its file in binary "data"');
			assert.equal(errors.length, 1);
			assert.equal(errors[0].pairedItem.item, 2);
			assert.equal(errors[0].json.ticket, 'CS-1003', 'n8n merges the input item into the error item');
			assert.match(String(errors[0].json.error), /osm-att-9999/);
			assert.equal(await count('access-urls'), 1);
			assert.equal(await count('/v3/auth/tokens'), 1);
		});

		await check('MetaStudio (AK/SK): 250 assets in 3 requests, 240 unshared, 10 in the recycle bin fail', async () => {
			const { main, errors } = await runExample('huawei-metastudio-batch-action.json');
			assert.equal(main.length, 240);
			assert.ok(main.every((i) => i.json.status === 'SUCCESS' && i.json.action === 'UNSHARE'));
			assert.equal(errors.length, 10);
			assert.deepEqual(pairs(errors), [24, 49, 74, 99, 124, 149, 174, 199, 224, 249]);
			assert.equal(await count('batch-action'), 3);
		});

		await check('MetaStudio node version 2 (AK/SK): the Share operation, 5 assets in one request, the deactivated one fails', async () => {
			const { main, errors } = await runExample('huawei-metastudio-share-v2.json');
			assert.deepEqual(main.map((i) => i.json.asset_id), ['asset-0001', 'asset-0002', 'asset-0003', 'asset-0005']);
			assert.ok(main.every((i) => i.json.status === 'SUCCESS' && i.json.action === 'SHARE'));
			assert.equal(errors.length, 1);
			assert.equal(errors[0].pairedItem.item, 3);
			assert.match(String(errors[0].json.error), /MSS\.10001014/);
			assert.equal(await count('batch-action'), 1);
		});

		await check('TaurusDB: all 137 audit files of three days in 3 pages of at most 50', async () => {
			const { main } = await runExample('huawei-taurusdb-audit-log-links.json');
			assert.equal(main.length, 137);
			assert.ok(main.every((i) => String(i.json.download_link).includes('/__files/taurusdb/')));
			assert.equal(await count('auditlog/download-link'), 3);
		});

		await check('PDS (JWT app): 6 items in one /v2/batch call, the missing file to the error output', async () => {
			const { main, errors } = await runExample('alibaba-pds-file-get.json');
			assert.equal(main.length, 5);
			assert.deepEqual(pairs(main), [0, 1, 2, 3, 4]);
			assert.ok(main.every((i) => i.json.id === i.json.file_id && /^item-00\d\.txt$/.test(i.json.name)));
			assert.equal(errors.length, 1);
			assert.match(String(errors[0].json.error), /NotFound\.File/);
			assert.equal(await count('/v2/batch'), 1);
			assert.equal(await count('/v2/oauth/token'), 1);
		});

		await check('PDS search (drive from the picker, Return All): one item per file, next_marker followed in the node', async () => {
			const { main, errors } = await runExample('alibaba-pds-search.json');
			assert.equal(main.length, 120);
			assert.equal(errors.length, 0);
			assert.equal(main[0].json.name, 'item-001.txt');
			assert.equal(main[119].json.name, 'item-120.txt');
			assert.ok(main.every((i) => i.json.id === i.json.file_id && i.pairedItem.item === 0));
			assert.equal(await count('/v2/batch'), 2);
		});

		await check('WPS 365 (KSO-1): 3,000 ids in 3 requests; 2,700 visible, 300 restricted to the error output', async () => {
			const { main, errors } = await runExample('wps365-file-metadata.json');
			assert.equal(main.length, 2700);
			assert.equal(errors.length, 300);
			assert.ok(main.every((i) => typeof i.json.name === 'string' && typeof i.json.modified_at === 'string'));
			assert.equal(await count('batch_get_meta'), 3);
		});

		await check("WPS 365 public cloud (GET batch_get): 250 ids in 3 GETs of at most 100; 10 failures with WPS's reason to the error output", async () => {
			const { main, errors } = await runExample('wps365-public-cloud-metadata.json');
			assert.equal(main.length, 240);
			assert.deepEqual(pairs(main), Array.from({ length: 240 }, (_, i) => i));
			assert.deepEqual(pairs(errors), Array.from({ length: 10 }, (_, i) => 240 + i));
			assert.equal(errors.filter((i) => /WPS error \d+: permission denied/.test(String(i.json.error))).length, 5);
			assert.equal(errors.filter((i) => /WPS error \d+: file not found/.test(String(i.json.error))).length, 5);
			// the URL holds the ids: GET only, none via batch_get_meta
			assert.equal((await count('/v7/files/batch_get')) - (await count('batch_get_meta')), 3);
			assert.equal(await count('batch_get_meta'), 0);
		});

		await check('tokens are persisted by n8n and reused: no new login on the next run', async () => {
			const stored = await instance.exportCredentials();
			const iam = stored.find((c) => c.id === 'exHuaweiIam01');
			assert.ok(String(iam.data.token).length > 100, 'the IAM token was saved in the credential');
			await runExample('huawei-taurusdb-audit-log-links.json');
			assert.equal(await count('/v3/auth/tokens'), 0);
		});

		await check('an expired token gets one re-authentication and the run succeeds', async () => {
			await control('POST', 'expire-tokens');
			await markCounts();
			const ex = example('huawei-taurusdb-audit-log-links.json');
			const result = await instance.execute(ex.id);
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal(result.nodeOutput(nodeName(ex.workflow)).length, 137);
			assert.equal(await count('/v3/auth/tokens'), 1);
		});

		await check('a 429 with Retry-After and a dropped connection are retried inside the node', async () => {
			await markCounts();
			await control('POST', 'faults', [
				{ pathContains: 'batch-action', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 },
				{ pathContains: 'batch-action', kind: 'reset', times: 1 },
			]);
			const ex = example('huawei-metastudio-batch-action.json');
			const result = await instance.execute(ex.id);
			assert.equal(result.error, undefined, result.error?.message);
			assert.equal(result.nodeOutput(nodeName(ex.workflow), 0).length, 240);
			assert.equal(await count('batch-action'), 5);
		});
	} finally {
		await suite.stop();
	}
}

checks.finish();
