/**
 * `npm run test:packages` (after `npm run build`): packs the three one-vendor packages and the
 * combined one (scripts/packVendors.mjs) and checks each the way n8n's verification does:
 *
 *   - n8n's community package scanner (@n8n/scan-community-package `analyzePackage`, the function its
 *     CLI runs after downloading): on the package's sources (package.json + the .ts files its dist/ is
 *     built from, patterns `SOURCE_FILE_PATTERNS`) and on the unpacked `npm pack` tarball
 *     (`**\/*.js` + package.json), exactly the two legs of `analyzePackageByName`;
 *   - `n8n-node lint` (@n8n/node-cli) in strict mode on the package's sources;
 *   - the verification rules the scanner cannot see: no `dependencies`, peerDependencies exactly
 *     {"n8n-workflow": "*"}, MIT LICENSE and README in the tarball, nothing but dist/ + those files
 *     packed, and every runtime require() either relative and inside the package or one of
 *     n8n-workflow / crypto / node:crypto (no import across packages);
 *   - each one-vendor package loads in a real n8n on its own (nothing else installed) and runs its
 *     vendor's example workflows against the emulator with the expected per-item results.
 *
 * Flags: --no-n8n (skip the real n8n part), --no-lint, --only=<package name>, --all-examples (every
 * example of the vendor instead of its one `example`).
 * Ends with `N passed, M failed`; exits 1 when anything failed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createChecks } from './lib/checks.mjs';
import { loadExamples, startEmulatorProcess } from './lib/exampleSuite.mjs';
import { createInstance, ensureN8n } from './lib/realN8n.mjs';
import { OUT_DIR, ROOT, SOURCE_STAGE_DIR, VENDOR_MANIFEST_DIR, VENDORS } from './lib/vendors.mjs';

const args = process.argv.slice(2);
const withN8n = !args.includes('--no-n8n');
const withLint = !args.includes('--no-lint');
const allExamples = args.includes('--all-examples');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const SCANNER = path.join(ROOT, 'node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');
const N8N_NODE_CLI = path.join(ROOT, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
const ALLOWED_RUNTIME_IMPORTS = new Set(['n8n-workflow', 'crypto', 'node:crypto']);

const { check, fail, record, finish } = createChecks({ traceLines: 12 });

// ─── pack ──────────────────────────────────────────────────────────────────────────────────
const packed = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'packVendors.mjs'), '--check-manifests'], { cwd: ROOT, encoding: 'utf8' });
process.stdout.write(packed.stdout);
if (packed.status !== 0) {
	fail(`pack:vendors\n${packed.stderr}`);
	finish();
}
const manifest = JSON.parse(fs.readFileSync(path.join(OUT_DIR, 'manifest.json'), 'utf8')).filter((m) => !only || m.name === only);

const UNPACKED_DIR = path.join(OUT_DIR, '.unpacked');
function unpack(m) {
	const dir = path.join(UNPACKED_DIR, m.name);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const res = spawnSync('tar', ['-xzf', path.join(OUT_DIR, m.tarball), '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`tar -xzf ${m.tarball}: ${res.stderr}`);
	return dir;
}

function walk(dir, out = []) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full, out);
		else out.push(full);
	}
	return out;
}

/** Every require() of the package's JS: relative ones must stay inside it, others must be allowed. */
function runtimeImports(pkgDir) {
	const problems = [];
	const external = new Set();
	for (const file of walk(path.join(pkgDir, 'dist')).filter((f) => f.endsWith('.js'))) {
		const code = fs.readFileSync(file, 'utf8');
		for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
			const spec = match[1];
			if (spec.startsWith('.')) {
				const target = path.resolve(path.dirname(file), spec);
				const candidates = [target, `${target}.js`, path.join(target, 'index.js')];
				const found = candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
				if (!found) problems.push(`${path.relative(pkgDir, file)}: require('${spec}') does not resolve inside the package`);
				else if (!found.startsWith(pkgDir + path.sep)) problems.push(`${path.relative(pkgDir, file)}: require('${spec}') leaves the package`);
			} else {
				external.add(spec);
				if (!ALLOWED_RUNTIME_IMPORTS.has(spec)) problems.push(`${path.relative(pkgDir, file)}: require('${spec}') is not allowed at runtime`);
			}
		}
	}
	return { problems, external: [...external].sort() };
}

function runLint(dir) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [N8N_NODE_CLI, 'lint'], { cwd: dir, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
		let output = '';
		child.stdout.on('data', (c) => (output += c));
		child.stderr.on('data', (c) => (output += c));
		child.on('close', (code) => resolve({ code, output }));
	});
}

// ─── static checks ─────────────────────────────────────────────────────────────────────────
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(SCANNER);

await check('scanner negative control: a package.json with a runtime dependency is rejected', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-control-'));
	try {
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(OUT_DIR, manifest[0].name, 'package.json'), 'utf8')), dependencies: { axios: '1.0.0' } }),
		);
		const res = await analyzePackage(dir, ['package.json']);
		assert.equal(res.passed, false, 'the scanner passed a package with a runtime dependency');
		assert.match(res.details ?? '', /no-runtime-dependencies/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

const lintRuns = new Map();
let lintDone = Promise.resolve();
if (withLint) {
	// n8n-node lint takes ~30-40 s per package here; two at a time (2-core machine)
	const queue = [...manifest];
	const worker = async () => {
		for (let m = queue.shift(); m; m = queue.shift()) {
			const started = Date.now();
			lintRuns.set(m.name, { ...(await runLint(path.join(SOURCE_STAGE_DIR, m.name))), ms: Date.now() - started });
		}
	};
	lintDone = Promise.all([worker(), worker()]);
}

for (const m of manifest) {
	const vendor = VENDORS.find((v) => v.name === m.name);
	let unpacked;
	await check(`${m.name}: tarball holds only package.json, README.md, LICENSE (MIT) and dist/`, async () => {
		unpacked = unpack(m);
		const files = walk(unpacked).map((f) => path.relative(unpacked, f));
		const stray = files.filter((f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !f.startsWith('dist/'));
		assert.deepEqual(stray, []);
		assert.match(fs.readFileSync(path.join(unpacked, 'LICENSE'), 'utf8'), /^MIT License/);
		const readme = fs.readFileSync(path.join(unpacked, 'README.md'), 'utf8');
		assert.match(readme, new RegExp(`\`${m.name}\``), 'README names the package to install');
		if (vendor) {
			for (const other of VENDORS.filter((v) => v !== vendor)) {
				assert.ok(!readme.includes(`### ${other.readmeHeading}`), `README of ${m.name} has the ${other.title} section`);
			}
		}
	});
	await check(`${m.name}: package.json: no dependencies, peerDependencies {"n8n-workflow":"*"}, n8n entries exist`, async () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
		assert.equal(pkg.dependencies, undefined);
		assert.deepEqual(pkg.peerDependencies, { 'n8n-workflow': '*' });
		assert.equal(pkg.license, 'MIT');
		assert.ok(pkg.keywords.includes('n8n-community-node-package'));
		for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) assert.ok(fs.existsSync(path.join(unpacked, entry)), `${entry} missing`);
		if (vendor) {
			for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) assert.ok(path.basename(entry).startsWith(vendor.prefix), entry);
		}
	});
	await check(`${m.name}: runtime imports are n8n-workflow / node:crypto or stay inside the package`, async () => {
		const { problems, external } = runtimeImports(unpacked);
		assert.deepEqual(problems, []);
		assert.ok(external.includes('n8n-workflow'), `external imports: ${external.join(', ')}`);
	});
	await check(`${m.name}: n8n scanner (analyzePackage) on the sources`, async () => {
		const res = await analyzePackage(path.join(SOURCE_STAGE_DIR, m.name), SOURCE_FILE_PATTERNS);
		assert.ok(res.passed, `${res.message}\n${res.details ?? ''}`);
	});
	await check(`${m.name}: the source commit has exactly one package.json named ${m.name}, and the scanner passes there`, async () => {
		// what the scanner does with the attested GitHub commit: findPackageRoot(name), then lint
		const tracked = spawnSync('git', ['ls-files', '--', '*package.json'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
		const named = tracked.filter((f) => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')).name === m.name);
		const expected = vendor ? path.relative(ROOT, path.join(VENDOR_MANIFEST_DIR, m.name, 'package.json')) : 'package.json';
		assert.deepEqual(named, [expected]);
		const dir = path.dirname(path.join(ROOT, expected));
		// the node and credential sources are there for the scanner to lint (through the symlinks)
		for (const entry of [...m.nodes, ...m.credentials]) {
			const source = path.join(dir, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
			assert.ok(fs.existsSync(source), `${path.relative(ROOT, source)} missing: the scanner would not lint it`);
		}
		const res = await analyzePackage(dir, SOURCE_FILE_PATTERNS);
		assert.ok(res.passed, `${res.message}\n${res.details ?? ''}`);
	});
	await check(`${m.name}: n8n scanner (analyzePackage) on the packed tarball`, async () => {
		const res = await analyzePackage(unpacked, ['**/*.js', 'package.json']);
		assert.ok(res.passed, `${res.message}\n${res.details ?? ''}`);
	});
}

if (withLint) {
	await lintDone;
	for (const m of manifest) {
		const run = lintRuns.get(m.name);
		record(`${m.name}: n8n-node lint (strict)`, run.code === 0, run.ms);
		if (run.code === 0) console.log(`ok   ${m.name}: n8n-node lint (strict) (${run.ms} ms)`);
		else console.log(`FAIL ${m.name}: n8n-node lint (strict) (exit ${run.code})\n${run.output.slice(-4000)}`);
	}
}

// ─── each one-vendor package alone in a real n8n ───────────────────────────────────────────
/** Expected per-item results of the example workflows (as in scripts/e2e.mjs). */
const EXPECTED = {
	'huawei-osm-attachment-links.json': { main: 5, error: 1 },
	'huawei-metastudio-batch-action.json': { main: 240, error: 10 },
	'huawei-taurusdb-audit-log-links.json': { main: 137, error: 0 },
	'alibaba-pds-file-get.json': { main: 5, error: 1 },
	'wps365-file-metadata.json': { main: 2700, error: 300 },
	'wps365-public-cloud-metadata.json': { main: 240, error: 10 },
};

function exampleCredentials(emulatorUrl) {
	const ts = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
	const res = spawnSync(process.execPath, [ts, '--transpile-only', 'test/e2e/credentials.ts', emulatorUrl], { cwd: ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`building the example credentials failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

/** The example workflow with its node types moved from the combined package to `packageName`. */
function retarget(workflow, packageName) {
	return JSON.parse(JSON.stringify(workflow).split('"n8n-nodes-cloud-batch.').join(`"${packageName}.`));
}

if (withN8n) {
	const vendorPackages = VENDORS.filter((v) => manifest.some((m) => m.name === v.name));
	let n8n;
	let emulator;
	try {
		n8n = await ensureN8n();
		emulator = await startEmulatorProcess();
	} catch (error) {
		await check('real n8n and the emulator start', () => {
			throw error;
		});
	}
	if (emulator) {
		try {
			const allCredentials = exampleCredentials(emulator.url);
			const examples = loadExamples(emulator.url);
			for (const vendor of vendorPackages) {
				const mine = examples.filter((e) => (allExamples ? vendor.examples.test(e.file) : e.file === vendor.example));
				let instance;
				await check(`${vendor.name}: installed alone in n8n ${n8n.version}, ${mine.length} example(s) run with the expected per-item results`, async () => {
					assert.ok(mine.length > 0, `examples/${vendor.example} is missing`);
					instance = await createInstance({ packageDir: path.join(OUT_DIR, vendor.name), n8n });
					const installed = fs.readdirSync(path.join(instance.userFolder, '.n8n', 'nodes', 'node_modules'));
					assert.deepEqual(installed, [vendor.name], 'only this package is installed');
					const usedIds = new Set(mine.flatMap((e) => e.workflow.nodes.flatMap((n) => Object.values(n.credentials ?? {}).map((c) => c.id))));
					await instance.importCredentials(allCredentials.filter((c) => usedIds.has(c.id)));
					for (const example of mine) {
						const workflow = retarget(example.workflow, vendor.name);
						const node = workflow.nodes.find((n) => n.type.startsWith(`${vendor.name}.`));
						assert.ok(node, `${example.file} has no ${vendor.name} node after retargeting`);
						const id = await instance.importWorkflow(workflow);
						const res = await instance.execute(id);
						assert.equal(res.error, undefined, `${example.file}: ${res.error?.message}`);
						const expected = EXPECTED[example.file];
						const main = res.nodeOutput(node.name, 0);
						assert.ok(main.every((item) => Number.isInteger(item.pairedItem?.item)), `${example.file}: every item is paired`);
						if (expected) {
							assert.equal(main.length, expected.main, `${example.file}: main output`);
							assert.equal(node.onError === 'continueErrorOutput' ? res.nodeOutput(node.name, 1).length : 0, expected.error, `${example.file}: error output`);
						} else assert.ok(main.length > 0, `${example.file}: no output`);
						console.log(`     ${example.file}: ${main.length} items in ${res.ms} ms`);
					}
				});
				if (instance) await instance.cleanup();
			}
		} finally {
			await emulator.stop();
		}
	}
}

finish();
