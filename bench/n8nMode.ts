/**
 * The benchmark in the real n8n the e2e tests use (scripts/lib/realN8n.mjs, n8n 2.8.4, `n8n
 * execute` of an imported workflow), so the figures include n8n's own overhead: workflow
 * start, the Code node in the task runner, expression resolution, saving the execution.
 *
 * Per operation three workflows, each started by a Manual Trigger with a Code node that
 * generates the N input items:
 *   node      Code -> the node under test (On Error: Continue)
 *   baseline  Code -> the per-item baseline node (bench/baselineNode.ts, installed as a second
 *             community package, `n8n-nodes-bench-baseline`), parallel like the HTTP Request node.
 *             It emits one small status item per response instead of the body: `n8n execute
 *             --rawOutput` prints the whole run data, and 10,000 full bodies (about 15 MB of
 *             JSON) came out cut off (no IRun to read). The baseline's n8n figure is therefore a
 *             little low, which only understates the node's advantage.
 *   empty     Code only: what `n8n execute` costs without the node (process start, DB, Code node)
 * The node's figure is node minus empty; the baseline's is baseline minus empty.
 *
 * CPU: the `n8n execute` processes are children of this process, so their CPU time is read
 * from /proc/self/stat (cutime + cstime) around each execute. Peak RSS: VmHWM of the n8n process,
 * polled from /proc while it runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { IDataObject } from 'n8n-workflow';

import { BASELINE_NODE_TYPE, BASELINE_PACKAGE } from './baselineNode';
import type { BenchSettings, OperationSpec } from './operations';
import { credentialTypeOf } from './operations';
import { emulatorCount } from './stats';

const ROOT = join(__dirname, '..');

export interface N8nExecution {
	ms: number;
	cpuMs?: number;
	peakRssMb?: number;
	requests: number;
	outputs: number;
	failures: number;
	firstFailure?: string;
	ok: boolean;
}

export interface N8nOperationResult {
	op: OperationSpec['key'];
	n: number;
	/** Set when the operation could not be measured (the others go on). */
	error?: string;
	node: N8nExecution[];
	baseline: N8nExecution[];
	empty: N8nExecution[];
}

export interface N8nModeResult {
	n8nVersion?: string;
	skipped?: string;
	results: N8nOperationResult[];
}

export interface N8nModeOptions {
	specs: OperationSpec[];
	sizes: number[];
	runs: number;
	baselineRuns: number;
	/** Emulator (settings) per operation and N; TaurusDB gets one seeded with exactly N files. */
	settingsFor: (spec: OperationSpec, n: number) => Promise<{ settings: BenchSettings; release: () => void }>;
	settings: BenchSettings;
	/** Do not install n8n when it is missing: skip with a reason. */
	noInstall: boolean;
	log: (line: string) => void;
}

interface RealN8nLib {
	ensureN8n(options?: object): Promise<{ bin: string; dir: string; version: string; installed: boolean }>;
	defaultCacheDir(version?: string): string;
	DEFAULT_N8N_VERSION: string;
	createInstance(options: object): Promise<RealN8nInstance>;
}

interface RealN8nInstance {
	userFolder: string;
	nodeType(name: string): string;
	importCredentials(list: object[]): Promise<string[]>;
	importWorkflow(workflow: object): Promise<string>;
	execute(
		id: string,
		options?: { timeoutMs?: number },
	): Promise<{ ok: boolean; ms: number; error?: { message: string }; nodeOutput(name: string): Array<{ json: IDataObject }> }>;
	cleanup(): Promise<void>;
}

/** A real dynamic import (ts-node compiles `import()` to require(), which cannot load .mjs everywhere). */
// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- benchmark script, never shipped: a fixed string, no user input
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/** CPU time (ms) of this process's waited-for children, from /proc/self/stat; undefined off Linux. */
function childrenCpuMs(): number | undefined {
	try {
		const stat = readFileSync('/proc/self/stat', 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime (fields 16, 17)
	} catch {
		return undefined;
	}
}

/** Polls /proc for processes whose command line contains `marker` and keeps their peak VmHWM. */
function watchPeakRss(marker: string): { stop: () => number | undefined } {
	let peakKb = 0;
	const poll = () => {
		let pids: string[];
		try {
			pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
		} catch {
			return;
		}
		for (const pid of pids) {
			try {
				if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
				const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
				if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
			} catch {
				// gone
			}
		}
	};
	const timer = setInterval(poll, 100);
	return {
		stop: () => {
			clearInterval(timer);
			return peakKb > 0 ? peakKb / 1024 : undefined;
		},
	};
}

/** Installs bench/baselineNode.ts as the community package `n8n-nodes-bench-baseline`. */
function installBaselinePackage(userFolder: string): void {
	const ts = require('typescript') as typeof import('typescript');
	const source = readFileSync(join(__dirname, 'baselineNode.ts'), 'utf8');
	const { outputText } = ts.transpileModule(source, {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
	});
	const dir = join(userFolder, '.n8n', 'nodes', 'node_modules', BASELINE_PACKAGE);
	mkdirSync(join(dir, 'dist'), { recursive: true });
	const className = 'PerItemHttp';
	writeFileSync(join(dir, 'dist', `${className}.node.js`), outputText);
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({
			name: BASELINE_PACKAGE,
			version: '0.0.0',
			keywords: ['n8n-community-node-package'],
			n8n: { n8nNodesApiVersion: 1, nodes: [`dist/${className}.node.js`] },
		}),
	);
}

const TRIGGER = 'Start';
const CODE = 'Items';
const TESTED = 'Under Test';

function workflow(id: string, name: string, jsCode: string, tested?: IDataObject): IDataObject {
	const nodes: IDataObject[] = [
		{ id: randomUUID(), name: TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: randomUUID(), name: CODE, type: 'n8n-nodes-base.code', typeVersion: 2, position: [220, 0], parameters: { jsCode } },
	];
	const connections: IDataObject = { [TRIGGER]: { main: [[{ node: CODE, type: 'main', index: 0 }]] } };
	if (tested) {
		nodes.push({ id: randomUUID(), name: TESTED, position: [440, 0], typeVersion: 1, ...tested });
		connections[CODE] = { main: [[{ node: TESTED, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export async function runN8nMode(options: N8nModeOptions): Promise<N8nModeResult> {
	const { settings, log } = options;
	const lib = (await importEsm(pathToFileURL(join(ROOT, 'scripts/lib/realN8n.mjs')).href)) as RealN8nLib;
	if (options.noInstall) {
		const dir = lib.defaultCacheDir(lib.DEFAULT_N8N_VERSION);
		const marker = join(dir, '.n8n-runtime-ready.json');
		try {
			readFileSync(marker);
		} catch {
			return { skipped: `n8n ${lib.DEFAULT_N8N_VERSION} is not installed in ${dir} (--n8n-if-installed)`, results: [] };
		}
	}
	const n8n = await lib.ensureN8n();
	log(`n8n ${n8n.version} in ${n8n.dir}${n8n.installed ? ' (installed now)' : ''}`);
	const instance = await lib.createInstance({ packageDir: ROOT, n8n, executeTimeoutMs: 20 * 60_000, quiet: false });
	const results: N8nOperationResult[] = [];
	try {
		installBaselinePackage(instance.userFolder);
		const credentialTypes = [...new Set(options.specs.map((spec) => credentialTypeOf(spec, settings)))];
		const credentialIds = new Map<string, { id: string; name: string }>();
		const credentialList = credentialTypes.map((type, i) => {
			const spec = options.specs.find((s) => credentialTypeOf(s, settings) === type)!;
			const entry = { id: `benchCred${i + 1}`, name: `Bench ${type}` };
			credentialIds.set(type, entry);
			return { ...entry, type, data: spec.credentialData(settings) };
		});
		await instance.importCredentials(credentialList);

		for (const spec of options.specs) {
			const credentialType = credentialTypeOf(spec, settings);
			const credentials = { [credentialType]: credentialIds.get(credentialType) };
			for (const n of options.sizes) {
				const result: N8nOperationResult = { op: spec.key, n, node: [], baseline: [], empty: [] };
				results.push(result);
				const emulator = await options.settingsFor(spec, n);
				try {
					await measureOperation(instance, spec, n, emulator.settings, credentials, credentialType, options, result);
				} catch (error) {
					result.error = (error as Error).message.split('\n')[0];
					log(`n8n ${spec.key} N=${n}: FAILED ${result.error}`);
				} finally {
					emulator.release();
				}
			}
		}
	} finally {
		await instance.cleanup();
	}
	return { n8nVersion: n8n.version, results };
}

async function measureOperation(
	instance: RealN8nInstance,
	spec: OperationSpec,
	n: number,
	settings: BenchSettings,
	credentials: IDataObject,
	credentialType: string,
	options: N8nModeOptions,
	result: N8nOperationResult,
): Promise<void> {
	const { log } = options;
	const code = spec.codeNodeItems(n, settings);
	const tag = `${spec.key.slice(0, 4)}${n}`;
	const nodeWf = await instance.importWorkflow(
		workflow(`bNode${tag}`, `bench ${spec.key} ${n}`, code, {
			type: instance.nodeType(spec.nodeName),
			parameters: spec.parameters(settings),
			credentials,
			onError: 'continueRegularOutput',
		}),
	);
	const baselineWf = await instance.importWorkflow(
		workflow(`bBase${tag}`, `bench ${spec.key} ${n} baseline`, code, {
			type: BASELINE_NODE_TYPE,
			parameters: {
				mode: 'parallel',
				credentialType,
				template: JSON.stringify(spec.baseline(settings)),
				item: '={{ $json }}',
				output: 'status',
			},
			credentials,
		}),
	);
	const emptyWf = await instance.importWorkflow(workflow(`bEmpty${tag}`, `bench ${spec.key} ${n} empty`, code));
	// warm-up: fetches and saves the token of token credentials, loads the Code runner's caches
	const warmWf = await instance.importWorkflow(
		workflow(`bWarm${tag}`, `bench ${spec.key} warm-up`, spec.codeNodeItems(Math.min(n, 200), settings), {
			type: instance.nodeType(spec.nodeName),
			parameters: spec.parameters(settings),
			credentials,
			onError: 'continueRegularOutput',
		}),
	);

	const execute = async (id: string, pathContains: string, withNode: boolean): Promise<N8nExecution> => {
		const before = await emulatorCount(settings.emulatorUrl, pathContains);
		const cpu0 = childrenCpuMs();
		const rss = watchPeakRss(`--id=${id}`);
		let res: Awaited<ReturnType<RealN8nInstance['execute']>>;
		let peakRssMb: number | undefined;
		try {
			res = await instance.execute(id);
		} finally {
			peakRssMb = rss.stop();
		}
		const cpu1 = childrenCpuMs();
		const requests = (await emulatorCount(settings.emulatorUrl, pathContains)) - before;
		let outputs = 0;
		let failures = 0;
		let firstFailure: string | undefined;
		if (withNode) {
			const out = res.nodeOutput(TESTED);
			outputs = out.length;
			for (const item of out) {
				if (item.json.error !== undefined) {
					failures++;
					firstFailure ??= String(item.json.error);
				}
			}
		}
		if (res.error) firstFailure ??= res.error.message;
		return {
			ms: res.ms,
			cpuMs: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined,
			peakRssMb,
			requests,
			outputs,
			failures,
			firstFailure,
			ok: res.ok,
		};
	};

	log(`n8n ${spec.key} N=${n}: warm-up`);
	const warm = await execute(warmWf, spec.requestPath, true);
	if (!warm.ok) throw new Error(`n8n warm-up of ${spec.key} failed: ${warm.firstFailure}`);
	for (let r = 0; r < options.runs; r++) {
		result.empty.push(await execute(emptyWf, spec.requestPath, false));
		const node = await execute(nodeWf, spec.requestPath, true);
		result.node.push(node);
		log(
			`n8n ${spec.key} N=${n} run ${r + 1}/${options.runs}: node workflow ${node.ms} ms, empty workflow ${result.empty[r].ms} ms, ${node.requests} requests, ${node.outputs} outputs, ${node.failures} failed`,
		);
	}
	for (let r = 0; r < options.baselineRuns; r++) {
		const base = await execute(baselineWf, spec.baselinePath, true);
		result.baseline.push(base);
		log(`n8n ${spec.key} N=${n} baseline run ${r + 1}/${options.baselineRuns}: ${base.ms} ms, ${base.requests} requests, ${base.failures} failed`);
	}
}
