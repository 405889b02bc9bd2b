/**
 * `npm run test:compat`: the compatibility matrix. For every n8n line users are on (N8N_LINES in
 * scripts/lib/realN8n.mjs: the last 1.x, the pinned 2.8 and the newest 2.x the registry installs),
 * on the Node.js that line runs on:
 *   1. the in-process workflow tests (every test file that runs workflows through n8n-core's
 *      WorkflowExecute) against the n8n-core and n8n-workflow inside that n8n install;
 *   2. the real-n8n example suite (scripts/e2e.mjs --line <line>), which also proves the package loads.
 * Installs what is missing into the cache (N8N_CACHE_DIR), prints a table and writes it to
 * compat-results.json (ignored by git). `--lines oldest,newest` limits the lines; `--no-inprocess`,
 * `--no-e2e` skip a part. Ends with `N passed, M failed` (one per line and part).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureN8n, N8N_LINES, nodeEnv, selectedLine } from './lib/realN8n.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
	const i = args.indexOf(name);
	return i === -1 ? undefined : args[i + 1];
};
const lineNames = (option('--lines') ?? Object.keys(N8N_LINES).join(',')).split(',');
const withInProcess = !args.includes('--no-inprocess');
const withE2e = !args.includes('--no-e2e');

/** Test files that run workflows in-process (they import the n8n-core harness). */
function inProcessTestFiles() {
	const dir = path.join(ROOT, 'test', 'unit');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.test.ts'))
		.filter((f) => /from '\.\.\/helpers\/inProcess'/.test(fs.readFileSync(path.join(dir, f), 'utf8')))
		.map((f) => path.join('test', 'unit', f));
}

function run(command, commandArgs, env) {
	return new Promise((resolve) => {
		const started = Date.now();
		const child = spawn(command, commandArgs, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk) => {
			output += chunk;
			process.stderr.write(chunk);
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		child.on('close', (code) => resolve({ code, output, ms: Date.now() - started }));
	});
}

const rows = [];
for (const name of lineNames) {
	const line = selectedLine(name);
	const row = { line: name, n8n: line.version, node: line.node ?? process.versions.node };
	rows.push(row);
	let n8n;
	try {
		const started = Date.now();
		n8n = await ensureN8n(line);
		row.install = n8n.installed ? `installed in ${Math.round((Date.now() - started) / 1000)} s` : 'cached';
	} catch (error) {
		row.install = `FAILED: ${String(error.message).split('\n')[0]}`;
		continue;
	}
	const coreVersion = (name) => JSON.parse(fs.readFileSync(path.join(n8n.dir, 'node_modules', name, 'package.json'), 'utf8')).version;
	row.core = `n8n-core ${coreVersion('n8n-core')}, n8n-workflow ${coreVersion('n8n-workflow')}`;
	const env = nodeEnv(n8n.nodeBin, { ...process.env });
	if (withInProcess) {
		const files = inProcessTestFiles();
		const res = await run(n8n.nodeBin, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...files], {
			...env,
			N8N_INPROCESS_RUNTIME: n8n.dir,
		});
		const tests = /Tests:\s+(?:(\d+) failed, )?(?:\d+ skipped, )?(\d+) passed, (\d+) total/.exec(res.output);
		row.inProcess = {
			ok: res.code === 0,
			files: files.length,
			passed: tests ? Number(tests[2]) : 0,
			failed: tests ? Number(tests[1] ?? 0) : undefined,
			total: tests ? Number(tests[3]) : undefined,
			seconds: Math.round(res.ms / 1000),
		};
	}
	if (withE2e) {
		const res = await run(process.execPath, [path.join(ROOT, 'scripts', 'e2e.mjs'), '--line', name], env);
		const summary = /^(\d+) passed, (\d+) failed$/m.exec(res.output);
		row.e2e = {
			ok: res.code === 0,
			passed: summary ? Number(summary[1]) : 0,
			failed: summary ? Number(summary[2]) : undefined,
			seconds: Math.round(res.ms / 1000),
		};
	}
}

const cell = (part) => (part ? `${part.ok ? 'pass' : 'FAIL'} ${part.passed}/${part.total ?? part.passed + (part.failed ?? 0)} (${part.seconds} s)` : '-');
const table = [
	'| n8n | Node.js | engine inside | install | in-process tests | real-n8n examples |',
	'|:---|:---|:---|:---|:---|:---|',
	...rows.map((r) => `| ${r.n8n} (${r.line}) | ${r.node} | ${r.core ?? '-'} | ${r.install} | ${cell(r.inProcess)} | ${cell(r.e2e)} |`),
].join('\n');
console.log(`\n${table}\n`);
fs.writeFileSync(path.join(ROOT, 'compat-results.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2) + '\n');

const parts = rows.flatMap((r) => [r.install?.startsWith('FAILED') ? { ok: false } : undefined, r.inProcess, r.e2e]).filter(Boolean);
const passed = parts.filter((p) => p.ok).length;
console.log(`${passed} passed, ${parts.length - passed} failed`);
process.exit(passed === parts.length ? 0 : 1);
