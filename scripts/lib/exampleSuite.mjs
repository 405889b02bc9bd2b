/**
 * Shared by `npm run test:e2e` (scripts/e2e.mjs) and `npm run demo` (scripts/demo.mjs): starts the
 * emulator on a free loopback port, installs the built package into a throwaway real n8n
 * (scripts/lib/realN8n.mjs, cached install), imports the example credentials pointed at the
 * emulator and every workflow of examples/, and runs them with `n8n execute`.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createInstance, ensureN8n, selectedLine } from './realN8n.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TS_NODE = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
/** The emulator address written in examples/*.json; replaced by the real one at import. */
export const EXAMPLE_EMULATOR_URL = 'http://127.0.0.1:4010';

/** Starts `test/emulator/cli.ts` on a free port; resolves when it prints its URL. */
export function startEmulatorProcess() {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [TS_NODE, '--transpile-only', 'test/emulator/cli.ts', '--port', '0'], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let buffer = '';
		const timer = setTimeout(() => {
			child.kill();
			reject(new Error('the emulator did not start within 60 s'));
		}, 60_000);
		child.stdout.on('data', (chunk) => {
			buffer += chunk;
			const match = /EMULATOR_URL=(\S+)/.exec(buffer);
			if (match) {
				clearTimeout(timer);
				child.stdout.removeAllListeners('data');
				child.stdout.resume();
				resolve({
					url: match[1],
					stop: () =>
						new Promise((done) => {
							child.once('exit', done);
							child.kill('SIGTERM');
						}),
				});
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the emulator exited early with code ${code}`));
		});
	});
}

/** Calls the emulator's control API (faults, request counters, reset). */
export async function control(emulatorUrl, method, route, body) {
	const response = await fetch(`${emulatorUrl}/__emulator/${route}`, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await response.text();
	return text ? JSON.parse(text) : undefined;
}

export function loadExamples(emulatorUrl) {
	const dir = path.join(ROOT, 'examples');
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => {
			const text = fs.readFileSync(path.join(dir, file), 'utf8').split(EXAMPLE_EMULATOR_URL).join(emulatorUrl);
			return { file, workflow: JSON.parse(text) };
		});
}

export function exampleCredentials(emulatorUrl) {
	const result = spawnSync(process.execPath, [TS_NODE, '--transpile-only', 'test/e2e/credentials.ts', emulatorUrl], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`building the example credentials failed: ${result.stderr}`);
	return JSON.parse(result.stdout);
}

/**
 * Everything the examples need, running. `stop()` ends the emulator and removes n8n's temp
 * folder (the cached n8n install stays).
 */
export async function startExampleSuite({ line = selectedLine(), log = (text) => process.stderr.write(`${text}\n`) } = {}) {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'HuaweiCloud', 'HuaweiCloud.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first');
	}
	const n8n = await ensureN8n(line);
	log(`real n8n ${n8n.version} (${line.label}) on Node.js ${line.node ?? process.versions.node} from ${n8n.dir}`);
	const emulator = await startEmulatorProcess();
	log(`emulator on ${emulator.url}`);
	let instance;
	try {
		instance = await createInstance({ packageDir: ROOT, n8n });
		const credentials = exampleCredentials(emulator.url);
		await instance.importCredentials(credentials);
		const examples = loadExamples(emulator.url);
		for (const example of examples) example.id = await instance.importWorkflow(example.workflow);
		log(`imported ${credentials.length} credentials and ${examples.length} example workflows`);
		return {
			emulatorUrl: emulator.url,
			instance,
			n8n,
			examples,
			credentials,
			control: (method, route, body) => control(emulator.url, method, route, body),
			async stop() {
				await instance.cleanup();
				await emulator.stop();
			},
		};
	} catch (error) {
		if (instance) await instance.cleanup();
		await emulator.stop();
		throw error;
	}
}
