/**
 * One in-process measurement (one operation, one N) in a fresh Node process, started by
 * bench/run.ts with --expose-gc. The node runs inside n8n-core's WorkflowExecute (runNode of
 * test/helpers/inProcess.ts) against the emulator child process, so the CPU measured here is
 * the node's and n8n's, never the emulator's.
 *
 * Input: the task as JSON in argv[2]. Output: one line `BENCH_RESULT=<json>` on stdout.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';

import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../nodes/shared/batchOptions';
import { CredentialStore, runNode } from '../test/helpers/inProcess';
import type { BaselineMode } from './baselineNode';
import { BASELINE_NODE_TYPE, PerItemHttp, lastBaselineStats } from './baselineNode';
import type { BenchSettings, OperationKey } from './operations';
import { OPERATIONS, credentialTypeOf, loadCredentialTypes, loadNodeType } from './operations';
import { emulatorCount, processCpuMs } from './stats';

export interface WorkerTask {
	op: OperationKey;
	n: number;
	runs: number;
	latencyMs: number;
	settings: BenchSettings;
	emulatorPid?: number;
	/** Items of the unmeasured warm-up run (JIT, token fetch). */
	warmupItems: number;
	/** Node runs are skipped when false (a baseline-only task). */
	node: boolean;
	baseline?: { mode: BaselineMode; items: number; runs: number };
}

export interface NodeRun {
	wallMs: number;
	nodeWallMs: number;
	requests: number;
	outputs: number;
	failures: number;
	firstFailure?: string;
	cpuNodeMs: number;
	cpuRunMs: number;
	/** Part of cpuNodeMs spent in n8n's getNodeParameter (expressions). */
	parameterMs: number;
	parameterCalls: number;
	emulatorCpuMs?: number;
	heapBeforeMb: number;
	peakHeapMb: number;
	/** Heap growth with the run's output still referenced (bytes per item). */
	heapRetainedPerItem: number;
	/** Heap growth after the run's output is released (bytes per item): retention beyond the output. */
	heapLeakPerItem: number;
	/** Size of the output items' json as JSON text (bytes per item). */
	outputJsonPerItem: number;
	peakRssMb: number;
}

export interface BaselineRun {
	items: number;
	wallMs: number;
	requests: number;
	emulatorRequests: number;
	units: number;
	failures: number;
	firstError?: string;
	cpuMs: number;
	emulatorCpuMs?: number;
}

export interface WorkerResult {
	op: OperationKey;
	n: number;
	concurrency: number;
	heapLimitMb: number;
	rssBeforeMb: number;
	nodeRuns: NodeRun[];
	baseline?: { mode: BaselineMode; runs: BaselineRun[] };
}

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function fullGc(): void {
	gc();
	gc();
}

interface Probe {
	cpu?: NodeJS.CpuUsage;
	wallMs: number;
	/** Time spent in getNodeParameter (n8n resolving parameters and expressions), ms. */
	parameterMs: number;
	parameterCalls: number;
}

/**
 * The node under test, with its execute() timed: CPU and wall clock of the node alone, and the
 * share of it spent in n8n's getNodeParameter (expression resolution; synchronous, so its wall
 * time is main-thread CPU time).
 */
function probed(inner: INodeType): { nodeType: INodeType; probe: Probe } {
	const probe: Probe = { wallMs: 0, parameterMs: 0, parameterCalls: 0 };
	const nodeType: INodeType = {
		description: inner.description,
		methods: inner.methods,
		async execute(this: IExecuteFunctions) {
			const getNodeParameter = this.getNodeParameter;
			let parameterMs = 0;
			let parameterCalls = 0;
			(this as { getNodeParameter: unknown }).getNodeParameter = function (this: IExecuteFunctions, ...args: unknown[]) {
				const t = performance.now();
				try {
					return (getNodeParameter as (...a: unknown[]) => unknown).apply(this, args);
				} finally {
					parameterMs += performance.now() - t;
					parameterCalls++;
				}
			};
			const cpu0 = process.cpuUsage();
			const t0 = performance.now();
			try {
				return await inner.execute!.call(this);
			} finally {
				probe.wallMs = performance.now() - t0;
				probe.cpu = process.cpuUsage(cpu0);
				probe.parameterMs = parameterMs;
				probe.parameterCalls = parameterCalls;
			}
		},
	};
	return { nodeType, probe };
}

/** Counts outputs and error items and measures the output's json as JSON text. */
function inspectOutput(main: INodeExecutionData[]) {
	let failures = 0;
	let firstFailure: string | undefined;
	for (const item of main) {
		if (item.json.error !== undefined) {
			failures++;
			firstFailure ??= String(item.json.error);
		}
	}
	let jsonBytes = 0;
	for (let i = 0; i < main.length; i += 1000) jsonBytes += JSON.stringify(main.slice(i, i + 1000).map((o) => o.json)).length;
	return { outputs: main.length, failures, firstFailure, jsonBytes };
}

/** Samples heap and RSS every 20 ms while a run is going on (process.memoryUsage() is not free). */
function memorySampler() {
	let peakHeap = 0;
	let peakRss = 0;
	const sample = () => {
		const m = process.memoryUsage();
		if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
		if (m.rss > peakRss) peakRss = m.rss;
	};
	sample();
	const timer = setInterval(sample, 20);
	timer.unref();
	return {
		stop: () => {
			clearInterval(timer);
			sample();
			return { peakHeap, peakRss };
		},
	};
}

async function main(): Promise<void> {
	const task = JSON.parse(process.argv[2]) as WorkerTask;
	const spec = OPERATIONS[task.op];
	const settings = task.settings;
	const credentialType = credentialTypeOf(spec, settings);
	const credentialTypes = loadCredentialTypes(spec);
	const { nodeType, probe } = probed(loadNodeType(spec));
	// one store for every run: the token fetched by the warm-up is reused (steady state)
	const store = new CredentialStore();
	const credentials = { [credentialType]: { data: spec.credentialData(settings) } };
	const parameters = spec.parameters(settings);
	const onError = 'continueRegularOutput' as const;

	const result: WorkerResult = {
		op: task.op,
		n: task.n,
		concurrency: settings.concurrency ?? DEFAULT_CONCURRENCY,
		heapLimitMb: getHeapStatistics().heap_size_limit / MB,
		rssBeforeMb: 0,
		nodeRuns: [],
	};

	const runTheNode = async (n: number) => {
		const items = spec.items(n, settings);
		return { items, run: () => runNode({ nodeType, parameters, items, credentialTypes, credentials, credentialStore: store, onError }) };
	};

	if (task.node) {
		// warm-up: JIT, module loading, the token (preAuthentication) of token credentials
		{
			const { run } = await runTheNode(Math.min(task.warmupItems, task.n));
			const warm = await run();
			if (warm.error) throw new Error(`warm-up run failed: ${warm.error.message}`);
		}
		fullGc();
		result.rssBeforeMb = process.memoryUsage().rss / MB;

		for (let r = 0; r < task.runs; r++) {
			const { items, run } = await runTheNode(task.n);
			const requestsBefore = await emulatorCount(settings.emulatorUrl, spec.requestPath);
			const emuCpu0 = processCpuMs(task.emulatorPid);
			fullGc();
			const heapBefore = process.memoryUsage().heapUsed;
			const sampler = memorySampler();
			const cpu0 = process.cpuUsage();
			const t0 = performance.now();
			let outcome: Awaited<ReturnType<typeof runNode>> | undefined = await run();
			const wallMs = performance.now() - t0;
			const cpuRun = process.cpuUsage(cpu0);
			const memory = sampler.stop();
			const emuCpu1 = processCpuMs(task.emulatorPid);
			const requests = (await emulatorCount(settings.emulatorUrl, spec.requestPath)) - requestsBefore;
			if (outcome.error) throw new Error(`run failed: ${outcome.error.message}`);

			const { outputs, failures, firstFailure, jsonBytes } = inspectOutput(outcome.main);
			fullGc();
			const heapRetained = process.memoryUsage().heapUsed;
			outcome = undefined;
			items.length = 0;
			fullGc();
			const heapAfter = process.memoryUsage().heapUsed;
			const cpuNode = probe.cpu ?? { user: 0, system: 0 };
			result.nodeRuns.push({
				wallMs,
				nodeWallMs: probe.wallMs,
				requests,
				outputs,
				failures,
				firstFailure,
				cpuNodeMs: (cpuNode.user + cpuNode.system) / 1000,
				cpuRunMs: (cpuRun.user + cpuRun.system) / 1000,
				parameterMs: probe.parameterMs,
				parameterCalls: probe.parameterCalls,
				emulatorCpuMs: emuCpu0 !== undefined && emuCpu1 !== undefined ? emuCpu1 - emuCpu0 : undefined,
				heapBeforeMb: heapBefore / MB,
				peakHeapMb: memory.peakHeap / MB,
				heapRetainedPerItem: (heapRetained - heapBefore) / task.n,
				heapLeakPerItem: (heapAfter - heapBefore) / task.n,
				outputJsonPerItem: jsonBytes / Math.max(1, outputs),
				peakRssMb: Math.max(memory.peakRss, process.resourceUsage().maxRSS * 1024) / MB,
			});
		}
	}

	if (task.baseline && task.baseline.items > 0) {
		const baselineType = new PerItemHttp();
		const baselineParameters = {
			mode: task.baseline.mode,
			credentialType,
			template: JSON.stringify(spec.baseline(settings)),
			item: '={{ $json }}',
		};
		const runBaseline = (n: number) =>
			runNode({
				nodeType: baselineType,
				typeName: BASELINE_NODE_TYPE,
				parameters: baselineParameters,
				items: spec.items(n, settings),
				credentialTypes,
				credentials,
				credentialStore: store,
			});
		const warm = await runBaseline(Math.min(20, task.baseline.items));
		if (warm.error) throw new Error(`baseline warm-up failed: ${warm.error.message}`);
		const runs: BaselineRun[] = [];
		for (let r = 0; r < task.baseline.runs; r++) {
			fullGc();
			const requestsBefore = await emulatorCount(settings.emulatorUrl, spec.baselinePath);
			const emuCpu0 = processCpuMs(task.emulatorPid);
			const cpu0 = process.cpuUsage();
			const t0 = performance.now();
			const outcome = await runBaseline(task.baseline.items);
			const wallMs = performance.now() - t0;
			const cpu = process.cpuUsage(cpu0);
			const emuCpu1 = processCpuMs(task.emulatorPid);
			if (outcome.error) throw new Error(`baseline run failed: ${outcome.error.message}`);
			runs.push({
				items: task.baseline.items,
				wallMs,
				requests: lastBaselineStats.requests,
				emulatorRequests: (await emulatorCount(settings.emulatorUrl, spec.baselinePath)) - requestsBefore,
				units: lastBaselineStats.units,
				failures: lastBaselineStats.failures,
				firstError: lastBaselineStats.firstError,
				cpuMs: (cpu.user + cpu.system) / 1000,
				emulatorCpuMs: emuCpu0 !== undefined && emuCpu1 !== undefined ? emuCpu1 - emuCpu0 : undefined,
			});
		}
		result.baseline = { mode: task.baseline.mode, runs };
	}

	process.stdout.write(`BENCH_RESULT=${JSON.stringify(result)}\n`);
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(`bench worker failed: ${error.stack ?? error.message}`);
		process.exit(1);
	},
);
