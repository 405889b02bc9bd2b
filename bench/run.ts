/**
 * `npm run bench`: throughput and cost of every batch operation against the per-item baseline
 * and the latency bound. See bench/README section in the project README ("Performance").
 *
 *   npm run bench -- [--latency 20] [--sizes 1000,10000,100000] [--runs 3]
 *                    [--ops osm,metastudio,taurusdb,pds,wps] [--no-n8n | --n8n-if-installed] [--quick]
 *                    [--concurrency N] [--auth signature|token] [--taurus-listings 4]
 *                    [--baseline-max 10000] [--baseline-runs N] [--sequential-sample 200]
 *                    [--n8n-sizes 10000] [--n8n-runs N] [--n8n-baseline-runs 1] [--out bench/results.json]
 * Environment equivalents: BENCH_LATENCY_MS, BENCH_SIZES, BENCH_RUNS, BENCH_OPS, BENCH_NO_N8N=1.
 *
 * What runs where:
 * - The emulator runs in a child process (bench/emulatorProcess.ts) with the injected latency
 *   and enough synthetic data that every id exists, so its CPU is never counted as the node's.
 * - Each (operation, N) is measured in a fresh worker process (bench/worker.ts, --expose-gc):
 *   the node runs in n8n-core's WorkflowExecute (test/helpers/inProcess.ts), a warm-up first,
 *   then `--runs` measured runs, then the per-item baseline (bench/baselineNode.ts).
 * - The real n8n mode (bench/n8nMode.ts) runs the same workloads with `n8n execute`.
 * Medians of the runs are reported; bench/results.json and bench/results.md are written.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import type { BaselineMode } from './baselineNode';
import { runN8nMode, type N8nModeResult, type N8nOperationResult } from './n8nMode';
import type { BenchAuth, BenchSettings, OperationKey, OperationSpec } from './operations';
import { ALL_OPERATIONS, OPERATIONS, latencyBoundMs } from './operations';
import { markdownTable, median, round, textTable } from './stats';
import type { WorkerResult, WorkerTask } from './worker';

const ROOT = join(__dirname, '..');
const DEFAULT_CONCURRENCY = 4; // nodes/shared/batchOptions.ts DEFAULT_CONCURRENCY (read by the worker too)

/** Issue names of the operations (the `operation` field of the results). */
const OPERATION_NAMES: Record<OperationKey, string> = {
	osm: 'OSM links',
	metastudio: 'MetaStudio action',
	taurusdb: 'TaurusDB links pages',
	pds: 'PDS batch file get',
	wps: 'WPS batch_get_meta',
};

interface Options {
	latencyMs: number;
	sizes: number[];
	runs: number;
	ops: OperationKey[];
	/** on: install n8n if missing; if-installed: skip when missing; off: skip. */
	n8n: 'on' | 'if-installed' | 'off';
	concurrency?: number;
	auth: BenchAuth;
	taurusListings: number;
	baselineMax: number;
	baselineRuns: number;
	sequentialSample: number;
	n8nSizes: number[];
	n8nRuns: number;
	n8nBaselineRuns: number;
	out: string;
	/** Only re-render the table and results.md from an existing results.json. */
	renderOnly: boolean;
}

function usage(message?: string): never {
	if (message) console.error(message);
	console.error(
		'Usage: npm run bench -- [--latency MS] [--sizes 1000,10000,100000] [--runs 3] [--ops osm,metastudio,taurusdb,pds,wps]\n' +
			'                        [--no-n8n | --n8n-if-installed] [--quick] [--concurrency N] [--auth signature|token] [--taurus-listings 4]\n' +
			'                        [--baseline-max 10000] [--baseline-runs N] [--sequential-sample 200] [--n8n-sizes 10000]\n' +
			'                        [--n8n-runs N] [--n8n-baseline-runs 1] [--out bench/results.json] [--render-only]',
	);
	process.exit(2);
}

const OP_ALIASES: Record<string, OperationKey> = { taurus: 'taurusdb', ms: 'metastudio', meta: 'metastudio' };

function parseList(value: string): number[] {
	const list = value.split(',').map((v) => Number(v.trim().replace(/[_,]/g, '')));
	if (list.some((v) => !Number.isInteger(v) || v < 1)) usage(`not a list of positive integers: ${value}`);
	return list;
}

function parseOptions(argv: string[]): Options {
	const env = process.env;
	const options: Options = {
		latencyMs: Number(env.BENCH_LATENCY_MS ?? 20),
		sizes: env.BENCH_SIZES ? parseList(env.BENCH_SIZES) : [1000, 10000, 100000],
		runs: Number(env.BENCH_RUNS ?? 3),
		ops: env.BENCH_OPS ? (env.BENCH_OPS.split(',') as OperationKey[]) : [...ALL_OPERATIONS],
		n8n: env.BENCH_NO_N8N === '1' ? 'off' : 'on',
		auth: 'signature',
		taurusListings: 4,
		baselineMax: 10000,
		baselineRuns: -1,
		sequentialSample: 200,
		n8nSizes: [10000],
		n8nRuns: -1,
		n8nBaselineRuns: 1,
		renderOnly: false,
		out: join(ROOT, 'bench', 'results.json'),
	};
	let quick = false;
	const given = new Set<string>();
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
		given.add(flag);
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) usage(`${flag} needs a value`);
			return v;
		};
		const number = () => {
			const v = Number(value());
			if (!Number.isFinite(v) || v < 0) usage(`${flag} needs a number >= 0`);
			return v;
		};
		switch (flag) {
			case '--latency':
				options.latencyMs = number();
				break;
			case '--sizes':
				options.sizes = parseList(value());
				break;
			case '--runs':
				options.runs = Math.max(1, Math.floor(number()));
				break;
			case '--ops':
				options.ops = value()
					.split(',')
					.map((o) => o.trim().toLowerCase())
					.map((o) => (OP_ALIASES[o] ?? o) as OperationKey);
				break;
			case '--no-n8n':
				options.n8n = 'off';
				break;
			case '--n8n-if-installed':
				options.n8n = 'if-installed';
				break;
			case '--quick':
				quick = true;
				break;
			case '--render-only':
				options.renderOnly = true;
				break;
			case '--concurrency':
				options.concurrency = Math.max(1, Math.min(16, Math.floor(number())));
				break;
			case '--auth': {
				const v = value();
				if (v !== 'signature' && v !== 'token') usage('--auth is signature or token');
				options.auth = v;
				break;
			}
			case '--taurus-listings':
				options.taurusListings = Math.max(1, Math.floor(number()));
				break;
			case '--baseline-max':
				options.baselineMax = Math.floor(number());
				break;
			case '--baseline-runs':
				options.baselineRuns = Math.floor(number());
				break;
			case '--sequential-sample':
				options.sequentialSample = Math.floor(number());
				break;
			case '--n8n-sizes':
				options.n8nSizes = parseList(value());
				break;
			case '--n8n-runs':
				options.n8nRuns = Math.max(1, Math.floor(number()));
				break;
			case '--n8n-baseline-runs':
				options.n8nBaselineRuns = Math.max(1, Math.floor(number()));
				break;
			case '--out':
				options.out = resolve(value());
				break;
			case '--help':
			case '-h':
				usage();
				break;
			default:
				usage(`unknown argument ${argv[i]}`);
		}
	}
	if (quick) {
		if (!given.has('--sizes')) options.sizes = [1000, 10000];
		if (!given.has('--runs')) options.runs = 1;
		if (!given.has('--sequential-sample')) options.sequentialSample = 100;
		if (!given.has('--n8n-runs')) options.n8nRuns = 1;
	}
	for (const op of options.ops) if (!OPERATIONS[op]) usage(`unknown operation ${op} (${ALL_OPERATIONS.join(', ')})`);
	if (options.baselineRuns < 0) options.baselineRuns = Math.min(options.runs, 3);
	if (options.n8nRuns < 0) options.n8nRuns = options.runs;
	options.sizes = [...new Set(options.sizes)].sort((a, b) => a - b);
	return options;
}

// ---------------------------------------------------------------------------------------------
// child processes

const children = new Set<ChildProcess>();
process.on('exit', () => {
	for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		for (const child of children) child.kill('SIGKILL');
		process.exit(130);
	});
}

const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

interface EmulatorChild {
	url: string;
	pid: number;
	stop: () => void;
}

async function startEmulatorChild(latencyMs: number, seed: Record<string, number>): Promise<EmulatorChild> {
	const args = [...TS_NODE, join(__dirname, 'emulatorProcess.ts'), '--latency', String(latencyMs)];
	for (const [flag, count] of Object.entries(seed)) args.push(`--${flag}`, String(count));
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- benchmark script, never shipped: runs this repo's emulator
	const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
	children.add(child);
	const lines = createInterface({ input: child.stdout! });
	return await new Promise<EmulatorChild>((resolve, reject) => {
		let url = '';
		const timer = setTimeout(() => reject(new Error('the emulator did not start within 120 s')), 120_000);
		child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)));
		lines.on('line', (line) => {
			if (line.startsWith('EMULATOR_URL=')) url = line.slice('EMULATOR_URL='.length);
			if (line.startsWith('SEEDED=')) {
				clearTimeout(timer);
				const seeded = JSON.parse(line.slice('SEEDED='.length)) as { pid: number };
				resolve({
					url,
					pid: seeded.pid,
					stop: () => {
						child.stdin?.end();
						children.delete(child);
					},
				});
			}
		});
	});
}

async function runWorker(task: WorkerTask, extraNodeArgs: string[] = []): Promise<WorkerResult> {
	const args = ['--expose-gc', ...extraNodeArgs, ...TS_NODE, join(__dirname, 'worker.ts'), JSON.stringify(task)];
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- benchmark script, never shipped: runs this repo's worker
	const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	children.delete(child);
	const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT='));
	if (code !== 0 || !line) {
		throw new Error(`worker ${task.op} N=${task.n} failed (exit ${code}):\n${stderr.slice(-3000)}`);
	}
	return JSON.parse(line.slice('BENCH_RESULT='.length)) as WorkerResult;
}

// ---------------------------------------------------------------------------------------------
// results

export interface ResultRow {
	operation: string;
	items: number;
	requests: number;
	itemsPerRequest: number;
	latencyMs: number;
	concurrency: number;
	wallMs: number;
	boundMs: number;
	ratioToBound: number;
	baselineWallMs: number;
	speedupVsBaseline: number;
	cpuUsPerItem: number | null;
	peakRssMb: number | null;
	mode: 'in-process' | 'n8n';
	baselineExtrapolated: boolean;
	// extras
	op: OperationKey;
	apiMaximum: number;
	runs: number;
	wallMsRuns: number[];
	outputs: number;
	failedItems: number;
	baselineMode: string;
	baselineRequests: number;
	requestReduction: number;
	baselineCpuUsPerItem?: number;
	baselineSequentialWallMs?: number;
	baselineSequentialExtrapolated?: boolean;
	speedupVsSequential?: number;
	nodeWallMs?: number;
	cpuUsPerItemExpressions?: number;
	cpuUsPerItemOwn?: number;
	runCpuUsPerItem?: number;
	heapGrowthPerItemBytes?: number;
	heapLeakPerItemBytes?: number;
	outputJsonBytesPerItem?: number;
	peakHeapMb?: number;
	heapLimitMb?: number;
	emulatorCpuMs?: number;
	n8nWorkflowMs?: number;
	n8nEmptyWorkflowMs?: number;
	n8nBaselineWorkflowMs?: number;
	workload: string;
	/** TaurusDB: input items (listings) the N files are spread over. */
	listings?: number;
	skipped?: string;
}

interface SequentialSample {
	items: number;
	wallMs: number;
	requests: number;
}

function inProcessRow(
	spec: OperationSpec,
	options: Options,
	result: WorkerResult,
	baseline: { perItemMs: number; requestsPerItem: number; cpuUsPerItem: number; extrapolated: boolean; mode: BaselineMode },
	sequential: SequentialSample | undefined,
): ResultRow {
	const runs = result.nodeRuns;
	const n = result.n;
	const m = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick));
	const wallMs = m((r) => r.wallMs);
	const requests = m((r) => r.requests);
	const boundMs = latencyBoundMs(spec, n, result.concurrency, options.latencyMs);
	const baselineWallMs = baseline.perItemMs * n;
	const baselineRequests = Math.round(baseline.requestsPerItem * n);
	const cpuUsPerItem = (m((r) => r.cpuNodeMs) * 1000) / n;
	const exprUs = (m((r) => r.parameterMs) * 1000) / n;
	const seqWall = sequential ? (sequential.wallMs / sequential.items) * n : undefined;
	return {
		operation: OPERATION_NAMES[spec.key],
		items: n,
		requests,
		itemsPerRequest: round(n / requests, 1),
		latencyMs: options.latencyMs,
		concurrency: result.concurrency,
		wallMs: round(wallMs, 0),
		boundMs: round(boundMs, 1),
		ratioToBound: round(wallMs / boundMs, 2),
		baselineWallMs: round(baselineWallMs, 0),
		speedupVsBaseline: round(baselineWallMs / wallMs, 1),
		cpuUsPerItem: round(cpuUsPerItem, 1),
		peakRssMb: round(m((r) => r.peakRssMb), 0),
		mode: 'in-process',
		baselineExtrapolated: baseline.extrapolated,
		op: spec.key,
		apiMaximum: spec.maxBatch,
		runs: runs.length,
		wallMsRuns: runs.map((r) => round(r.wallMs, 0)),
		outputs: m((r) => r.outputs),
		failedItems: m((r) => r.failures),
		baselineMode: baseline.mode === 'parallel' ? 'parallel (HTTP Request node default)' : baseline.mode,
		baselineRequests,
		requestReduction: round(baselineRequests / requests, 1),
		baselineCpuUsPerItem: round(baseline.cpuUsPerItem, 1),
		baselineSequentialWallMs: seqWall !== undefined ? round(seqWall, 0) : undefined,
		baselineSequentialExtrapolated: sequential ? sequential.items < n : undefined,
		speedupVsSequential: seqWall !== undefined ? round(seqWall / wallMs, 1) : undefined,
		nodeWallMs: round(m((r) => r.nodeWallMs), 0),
		cpuUsPerItemExpressions: round(Math.min(exprUs, cpuUsPerItem), 1),
		cpuUsPerItemOwn: round(Math.max(0, cpuUsPerItem - exprUs), 1),
		runCpuUsPerItem: round((m((r) => r.cpuRunMs) * 1000) / n, 1),
		heapGrowthPerItemBytes: round(m((r) => r.heapRetainedPerItem), 0),
		heapLeakPerItemBytes: round(m((r) => r.heapLeakPerItem), 0),
		outputJsonBytesPerItem: round(m((r) => r.outputJsonPerItem), 0),
		peakHeapMb: round(m((r) => r.peakHeapMb), 0),
		heapLimitMb: round(result.heapLimitMb, 0),
		emulatorCpuMs: round(m((r) => r.emulatorCpuMs ?? NaN), 0),
		workload: spec.workload,
		...(spec.key === 'taurusdb' ? { listings: Math.min(options.taurusListings, n) } : {}),
	};
}

function n8nRow(spec: OperationSpec, options: Options, result: N8nOperationResult, concurrency: number): ResultRow {
	const n = result.n;
	const nodeMs = median(result.node.map((r) => r.ms));
	const emptyMs = median(result.empty.map((r) => r.ms));
	const baseMs = median(result.baseline.map((r) => r.ms));
	const wallMs = Math.max(1, nodeMs - emptyMs);
	const baselineWallMs = baseMs - emptyMs;
	const requests = median(result.node.map((r) => r.requests));
	const baselineRequests = median(result.baseline.map((r) => r.requests));
	const cpuNode = median(result.node.map((r) => r.cpuMs ?? NaN));
	const cpuEmpty = median(result.empty.map((r) => r.cpuMs ?? NaN));
	const cpuBase = median(result.baseline.map((r) => r.cpuMs ?? NaN));
	const boundMs = latencyBoundMs(spec, n, concurrency, options.latencyMs);
	const cpuUs = Number.isFinite(cpuNode - cpuEmpty) ? ((cpuNode - cpuEmpty) * 1000) / n : null;
	return {
		operation: OPERATION_NAMES[spec.key],
		items: n,
		requests,
		itemsPerRequest: round(n / requests, 1),
		latencyMs: options.latencyMs,
		concurrency,
		wallMs: round(wallMs, 0),
		boundMs: round(boundMs, 1),
		ratioToBound: round(wallMs / boundMs, 2),
		baselineWallMs: round(baselineWallMs, 0),
		speedupVsBaseline: round(baselineWallMs / wallMs, 1),
		cpuUsPerItem: cpuUs === null ? null : round(cpuUs, 1),
		peakRssMb: Number.isFinite(median(result.node.map((r) => r.peakRssMb ?? NaN)))
			? round(median(result.node.map((r) => r.peakRssMb ?? NaN)), 0)
			: null,
		mode: 'n8n',
		baselineExtrapolated: false,
		op: spec.key,
		apiMaximum: spec.maxBatch,
		runs: result.node.length,
		wallMsRuns: result.node.map((r, i) => r.ms - (result.empty[i]?.ms ?? emptyMs)),
		outputs: median(result.node.map((r) => r.outputs)),
		failedItems: median(result.node.map((r) => r.failures)),
		baselineMode: 'parallel (HTTP Request node default)',
		baselineRequests,
		requestReduction: round(baselineRequests / requests, 1),
		baselineCpuUsPerItem: Number.isFinite(cpuBase - cpuEmpty) ? round(((cpuBase - cpuEmpty) * 1000) / n, 1) : undefined,
		n8nWorkflowMs: round(nodeMs, 0),
		n8nEmptyWorkflowMs: round(emptyMs, 0),
		n8nBaselineWorkflowMs: round(baseMs, 0),
		workload: spec.workload,
		...(spec.key === 'taurusdb' ? { listings: Math.min(options.taurusListings, n) } : {}),
	};
}

function fmt(value: number | null | undefined, digits = 0): string {
	if (value === null || value === undefined || !Number.isFinite(value)) return '-';
	return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function tableRows(rows: ResultRow[]): { headers: string[]; cells: string[][] } {
	const headers = [
		'Operation',
		'Mode',
		'Items',
		'Requests',
		'Items/req',
		'Wall ms',
		'Bound ms',
		'x bound',
		'Items/s',
		'Baseline ms',
		'Speedup',
		'vs sequential',
		'Req. fewer',
		'CPU us/item',
		'(n8n expr.)',
		'Peak RSS MB',
		'Heap B/item',
	];
	const cells = rows.map((r) => [
		r.operation,
		r.mode,
		fmt(r.items),
		fmt(r.requests),
		fmt(r.itemsPerRequest, 1),
		fmt(r.wallMs),
		fmt(r.boundMs, r.boundMs < 100 ? 1 : 0),
		fmt(r.ratioToBound, 2),
		fmt((r.items / r.wallMs) * 1000),
		`${fmt(r.baselineWallMs)}${r.baselineExtrapolated ? '*' : ''}`,
		`${fmt(r.speedupVsBaseline, 1)}x`,
		r.speedupVsSequential !== undefined ? `${fmt(r.speedupVsSequential, 0)}x` : '-',
		`${fmt(r.requestReduction, 0)}x`,
		fmt(r.cpuUsPerItem, 1),
		fmt(r.cpuUsPerItemExpressions, 1),
		fmt(r.peakRssMb),
		fmt(r.heapGrowthPerItemBytes),
	]);
	return { headers, cells };
}

interface TargetCheck {
	target: string;
	row: string;
	value: string;
	met: boolean;
}

function checkTargets(rows: ResultRow[]): TargetCheck[] {
	const checks: TargetCheck[] = [];
	for (const r of rows) {
		const name = `${r.operation}, ${fmt(r.items)} items, ${r.mode}`;
		// a listing pages with a cursor and no "more" flag: a full last page costs one empty page
		const listings = r.op === 'taurusdb' ? (r.listings ?? Math.min(4, r.items)) : 0;
		const fullRequests = Math.ceil(r.items / r.apiMaximum);
		checks.push({
			target: 'items per request = API maximum (requests = ceil(N / max))',
			row: name,
			value: `${fmt(r.requests)} requests, ceil(N/max) = ${fmt(fullRequests)}${listings ? ` (+ up to ${listings} empty last pages, one per listing)` : ''}`,
			met: r.requests <= fullRequests + listings,
		});
		if (r.items >= 10000) {
			checks.push({ target: 'wall time <= 1.3x the latency bound', row: name, value: `${fmt(r.ratioToBound, 2)}x`, met: r.ratioToBound <= 1.3 });
		}
		if (r.cpuUsPerItem !== null) {
			checks.push({ target: 'node CPU < 50 us per item', row: name, value: `${fmt(r.cpuUsPerItem, 1)} us`, met: r.cpuUsPerItem < 50 });
		}
		if (r.heapLeakPerItemBytes !== undefined && r.items >= 10000) {
			checks.push({
				target: 'no retention beyond the output (heap after release ~ 0 B/item)',
				row: name,
				value: `${fmt(r.heapLeakPerItemBytes)} B/item left after the output was released (output held: ${fmt(r.heapGrowthPerItemBytes)} B/item)`,
				met: (r.heapLeakPerItemBytes ?? 0) < 64,
			});
		}
		if (r.items === 10000) {
			checks.push({ target: '>= 50x fewer requests than the baseline at 10,000', row: name, value: `${fmt(r.requestReduction, 0)}x`, met: r.requestReduction >= 50 });
			checks.push({ target: '>= 20x less wall time than the baseline at 10,000', row: name, value: `${fmt(r.speedupVsBaseline, 1)}x`, met: r.speedupVsBaseline >= 20 });
		}
	}
	return checks;
}

/** Operations measured in-process but without an n8n row while other operations have one. */
function missingN8nRows(rows: ResultRow[]): string[] {
	if (!rows.some((r) => r.mode === 'n8n')) return [];
	const withN8n = new Set(rows.filter((r) => r.mode === 'n8n').map((r) => r.op));
	return [...new Set(rows.filter((r) => r.mode === 'in-process' && !withN8n.has(r.op)).map((r) => r.operation))];
}

function machine(): Record<string, string | number> {
	const cpu = cpus();
	const pkg = (name: string) => {
		try {
			return (require(join(ROOT, 'node_modules', name, 'package.json')) as { version: string }).version;
		} catch {
			return 'unknown';
		}
	};
	return {
		cpu: cpu[0]?.model ?? 'unknown',
		cores: cpu.length,
		memoryGb: round(totalmem() / 1024 ** 3, 1),
		os: `${process.platform} ${release()}`,
		node: process.version,
		n8nCore: pkg('n8n-core'),
		n8nWorkflow: pkg('n8n-workflow'),
	};
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const options = parseOptions(process.argv.slice(2));
	if (options.renderOnly) {
		const saved = JSON.parse(readFileSync(options.out, 'utf8')) as ResultRow[];
		const measured = saved.filter((r) => !r.skipped);
		const inProcess = measured.find((r) => r.mode === 'in-process');
		const n8nRow = measured.find((r) => r.mode === 'n8n');
		if (inProcess) options.latencyMs = inProcess.latencyMs;
		if (inProcess) options.runs = inProcess.runs;
		if (n8nRow) options.n8nRuns = n8nRow.runs;
		report(options, measured, saved.filter((r) => r.skipped), undefined, 0);
		return;
	}
	const started = Date.now();
	const log = (line: string) => console.log(`[bench ${Math.round((Date.now() - started) / 1000)}s] ${line}`);
	const settingsFor = (url: string): BenchSettings => ({
		emulatorUrl: url,
		concurrency: options.concurrency,
		auth: options.auth,
		taurusListings: options.taurusListings,
	});

	const skipped: ResultRow[] = [];
	const specs: OperationSpec[] = [];
	for (const key of options.ops) {
		const spec = OPERATIONS[key];
		if (spec.available()) specs.push(spec);
		else {
			log(`SKIPPED ${OPERATION_NAMES[key]}: TODO(PDS) ${spec.nodeModule}.ts is not in the tree yet`);
			skipped.push({ operation: OPERATION_NAMES[key], op: key, skipped: `TODO: ${spec.nodeModule}.ts not in the tree yet` } as ResultRow);
		}
	}
	const maxN = Math.max(...options.sizes, ...(options.n8n !== 'off' ? options.n8nSizes : []), options.sequentialSample);
	// TaurusDB's emulator route scans every seeded file on each page (about 5 ms per page with
	// 100,000 files): each TaurusDB size gets an emulator seeded with exactly its N files instead
	const seed: Record<string, number> = {};
	for (const spec of specs) seed[spec.seedFlag] = spec.key === 'taurusdb' ? options.sequentialSample : maxN;
	log(`machine: ${JSON.stringify(machine())}`);
	log(`latency ${options.latencyMs} ms, sizes ${options.sizes.join(', ')}, ${options.runs} run(s), operations ${specs.map((s) => s.key).join(', ')}`);
	log(`starting the emulator (child process, ${maxN.toLocaleString('en-US')} synthetic ids per operation)`);
	const emulator = await startEmulatorChild(options.latencyMs, seed);
	log(`emulator ${emulator.url} (pid ${emulator.pid})`);
	const settings = settingsFor(emulator.url);
	/** The emulator for one operation and N: the shared one, or for TaurusDB one with exactly N files. */
	const emulatorFor = async (spec: OperationSpec, n: number) => {
		if (spec.key !== 'taurusdb') return { settings, pid: emulator.pid, release: () => undefined };
		const own = await startEmulatorChild(options.latencyMs, { taurus: n });
		return { settings: settingsFor(own.url), pid: own.pid, release: own.stop };
	};

	const rows: ResultRow[] = [];
	try {
		for (const spec of specs) {
			let sequential: SequentialSample | undefined;
			if (options.sequentialSample > 0) {
				const items = options.sequentialSample;
				const r = await runWorker({
					op: spec.key,
					n: items,
					runs: 0,
					latencyMs: options.latencyMs,
					settings,
					emulatorPid: emulator.pid,
					warmupItems: 0,
					node: false,
					baseline: { mode: 'sequential', items, runs: 1 },
				});
				const run = r.baseline!.runs[0];
				if (run.failures > 0) throw new Error(`sequential baseline of ${spec.key}: ${run.failures} failures, first: ${run.firstError}`);
				sequential = { items, wallMs: run.wallMs, requests: run.requests };
				log(`${spec.key}: sequential baseline sample, ${items} items in ${Math.round(run.wallMs)} ms (${run.requests} requests)`);
			}
			let measuredBaseline: { perItemMs: number; requestsPerItem: number; cpuUsPerItem: number } | undefined;
			for (const n of options.sizes) {
				const measureBaseline = n <= options.baselineMax;
				const task: WorkerTask = {
					op: spec.key,
					n,
					runs: options.runs,
					latencyMs: options.latencyMs,
					settings,
					emulatorPid: emulator.pid,
					warmupItems: Math.min(n, 1000),
					node: true,
					baseline: measureBaseline ? { mode: 'parallel', items: n, runs: options.baselineRuns } : undefined,
				};
				const own = await emulatorFor(spec, n);
				let result: WorkerResult;
				try {
					result = await runWorker({ ...task, settings: own.settings, emulatorPid: own.pid });
				} finally {
					own.release();
				}
				for (const run of result.nodeRuns) {
					if (run.outputs !== n || run.failures > 0) {
						throw new Error(`${spec.key} N=${n}: ${run.outputs} outputs, ${run.failures} failed (first: ${run.firstFailure})`);
					}
				}
				if (result.baseline) {
					const runs = result.baseline.runs;
					const failed = runs.find((r) => r.failures > 0 || r.units !== n);
					if (failed) throw new Error(`baseline of ${spec.key} N=${n}: ${failed.failures} failures, ${failed.units} results (first: ${failed.firstError})`);
					measuredBaseline = {
						perItemMs: median(runs.map((r) => r.wallMs)) / n,
						requestsPerItem: median(runs.map((r) => r.requests)) / n,
						cpuUsPerItem: (median(runs.map((r) => r.cpuMs)) * 1000) / n,
					};
				}
				if (!measuredBaseline) throw new Error(`no measured baseline for ${spec.key} (--baseline-max ${options.baselineMax} is below every size)`);
				const row = inProcessRow(spec, options, result, { ...measuredBaseline, extrapolated: !measureBaseline, mode: 'parallel' }, sequential);
				rows.push(row);
				log(
					`${spec.key} N=${n}: ${row.requests} requests, wall ${row.wallMs} ms (runs ${row.wallMsRuns.join(', ')}), bound ${row.boundMs} ms (${row.ratioToBound}x), ` +
						`baseline ${row.baselineWallMs} ms${row.baselineExtrapolated ? ' (extrapolated)' : ''} -> ${row.speedupVsBaseline}x, CPU ${row.cpuUsPerItem} us/item (${row.cpuUsPerItemExpressions} in n8n expressions), peak RSS ${row.peakRssMb} MB`,
				);
			}
		}

		let n8nResult: N8nModeResult | undefined;
		const n8nFailures: string[] = [];
		if (options.n8n !== 'off') {
			const n8nSizes = options.n8nSizes;
			log(`real n8n mode: sizes ${n8nSizes.join(', ')}, ${options.n8nRuns} run(s)`);
			try {
				n8nResult = await runN8nMode({
					specs,
					sizes: n8nSizes,
					runs: options.n8nRuns,
					baselineRuns: options.n8nBaselineRuns,
					settings,
					settingsFor: emulatorFor,
					noInstall: options.n8n === 'if-installed',
					log,
				});
			} catch (error) {
				n8nResult = { skipped: `real n8n mode failed: ${(error as Error).message.split('\n')[0]}`, results: [] };
			}
			if (n8nResult.skipped) log(`real n8n mode skipped: ${n8nResult.skipped}`);
			for (const result of n8nResult.results) {
				const spec = OPERATIONS[result.op];
				if (result.error && (result.node.length === 0 || result.empty.length === 0 || result.baseline.length === 0)) {
					log(`n8n ${spec.key} N=${result.n}: no row (${result.error})`);
					n8nFailures.push(`${OPERATION_NAMES[spec.key]} N=${result.n}: ${result.error}`);
					continue;
				}
				const bad = result.node.find((r) => r.outputs !== result.n || r.failures > 0);
				if (bad) log(`WARNING n8n ${spec.key}: ${bad.outputs} outputs, ${bad.failures} failed (first: ${bad.firstFailure})`);
				const row = n8nRow(spec, options, result, options.concurrency ?? DEFAULT_CONCURRENCY);
				rows.push(row);
				log(`n8n ${spec.key} N=${result.n}: ${row.wallMs} ms over the empty workflow (${row.n8nWorkflowMs} - ${row.n8nEmptyWorkflowMs}), baseline ${row.baselineWallMs} ms -> ${row.speedupVsBaseline}x`);
			}
		} else {
			n8nResult = { skipped: '--no-n8n was given', results: [] };
			log('real n8n mode: skipped (--no-n8n)');
		}
		if (n8nFailures.length > 0) n8nResult = { ...n8nResult!, skipped: [n8nResult?.skipped, ...n8nFailures].filter(Boolean).join('; ') };
		report(options, rows, skipped, n8nResult, Date.now() - started);
	} finally {
		emulator.stop();
	}
}

function report(options: Options, rows: ResultRow[], skipped: ResultRow[], n8n: N8nModeResult | undefined, elapsedMs: number): void {
	const ordered = [...rows].sort(
		(a, b) => ALL_OPERATIONS.indexOf(a.op) - ALL_OPERATIONS.indexOf(b.op) || (a.mode === b.mode ? a.items - b.items : a.mode === 'in-process' ? -1 : 1),
	);
	const { headers, cells } = tableRows(ordered);
	const checks = checkTargets(ordered);
	const missed = checks.filter((c) => !c.met);
	const info = machine();
	const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
	const args = process.argv.slice(2).filter((a) => a !== '--render-only');
	const command = args.length > 0 ? `npm run bench -- ${args.join(' ')}` : 'npm run bench';

	console.log(`\n${textTable(headers, cells)}\n`);
	console.log('* baseline extrapolated linearly from the largest measured size');
	for (const s of skipped) console.log(`SKIPPED ${s.operation}: ${s.skipped}`);
	if (n8n?.skipped) console.log(`real n8n mode skipped: ${n8n.skipped}`);
	console.log(`\nTargets: ${checks.length - missed.length} of ${checks.length} met.`);
	for (const c of missed) console.log(`  MISSED ${c.target}: ${c.row}: ${c.value}`);

	writeFileSync(options.out, `${JSON.stringify([...ordered, ...skipped], null, '\t')}\n`);
	const md = [
		elapsedMs
			? `<!-- written by \`${command}\` on ${new Date().toISOString()} (${Math.round(elapsedMs / 1000)} s) -->`
			: `<!-- rendered from ${relative(ROOT, options.out)} on ${new Date().toISOString()} (npm run bench -- --render-only) -->`,
		'',
		markdownTable(headers, cells),
		'',
		`Medians of ${options.runs} run(s) (n8n mode: ${options.n8nRuns}). Latency ${options.latencyMs} ms per request injected by the emulator (loopback), ` +
			`concurrency ${concurrency}${options.concurrency === undefined ? ' (the nodes\' default)' : ''}, ` +
			`${options.auth === 'signature' ? 'Huawei AK/SK and PDS AccessKey signatures' : 'Huawei IAM token and PDS JWT app token'}, WPS KSO-1 (token and signature).`,
		'',
		'- **Bound**: `ceil(N / API maximum) / concurrency * latency`. **x bound**: wall time / bound.',
		'- **Baseline**: the same work with one signed request per item, all items in flight at once like n8n\'s HTTP Request node without ' +
			'"Batching" (bench/baselineNode.ts; TaurusDB: each listing paged with 50 files per page). `*` = extrapolated linearly from ' +
			`${fmt(options.baselineMax)} items. Speedup = baseline wall / node wall; Req. fewer = baseline requests / node requests. ` +
			`**vs sequential**: against the same requests one after another (Loop Over Items / rate-limited), extrapolated from a ${fmt(options.sequentialSample)}-item sample.`,
		'- **CPU us/item**: CPU time of the node\'s `execute()` (signing, serialization, mapping, and n8n resolving its parameters) per item, ' +
			'emulator excluded (it runs in a child process); **(n8n expr.)** the part spent in n8n\'s `getNodeParameter` (expression resolution). ' +
			'n8n mode: CPU of `n8n execute` minus the empty workflow, per item.',
		'- **Peak RSS**: of the benchmark process (in-process, includes n8n-core and the input items) or of the n8n process. ' +
			'**Heap B/item**: heap growth per item while the output is held.',
		'- **n8n mode**: `n8n execute` (n8n ' +
			(n8n?.n8nVersion ?? '2.8.4') +
			') of Manual Trigger -> Code (N items) -> node, minus the same workflow without the node; includes n8n\'s own overhead.',
		'',
		`Machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGb} GB RAM, ${info.os}, Node ${info.node}, n8n-core ${info.n8nCore}.`,
		'',
		`Targets: ${checks.length - missed.length} of ${checks.length} met.`,
		...[...new Set(missed.map((c) => c.target))].map(
			(target) =>
				`- missed, ${target}: ${missed
					.filter((c) => c.target === target)
					.map((c) => `${c.row} (${c.value})`)
					.join('; ')}`,
		),
		...skipped.map((s) => `- ${s.operation}: ${s.skipped}`),
		...(n8n?.skipped ? [`- real n8n mode skipped: ${n8n.skipped}`] : []),
		...missingN8nRows(ordered).map((name) => `- ${name}: no n8n row (its n8n run failed, see the bench log)`),
		'',
		`Reproduce: \`${command}\`.`,
		'',
	].join('\n');
	writeFileSync(options.out.replace(/\.json$/, '.md'), md);
	console.log(`\nwrote ${relative(ROOT, options.out)} and ${relative(ROOT, options.out.replace(/\.json$/, '.md'))} (${Math.round(elapsedMs / 1000)} s)`);
}

main().then(
	// nothing may keep the benchmark alive once the report is written (child processes, timers)
	() => process.exit(0),
	(error: Error) => {
		console.error(`bench failed: ${error.stack ?? error.message}`);
		process.exit(1);
	},
);
