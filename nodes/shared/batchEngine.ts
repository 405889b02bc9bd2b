import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CredentialFailureError } from './transport';

/**
 * The batching engine every node uses: input items are split into units of work (one id, one
 * child request, one listing), units are grouped into as few requests as the API allows, the
 * requests run with bounded concurrency, and every unit gets exactly one outcome back, which is
 * then emitted as output items paired with the unit's input item.
 */

/** One unit of work, owned by one input item. */
export interface BatchUnit<P> {
	itemIndex: number;
	payload: P;
}

export interface UnitFailure {
	message: string;
	description?: string;
	code?: string;
	httpCode?: string;
	requestId?: string;
	/** Fields that identify the unit in the error item, e.g. `{ asset_id: 'a1' }`. */
	context?: IDataObject;
	/**
	 * What the failure concerns: one unit (default); the whole input item (its parameters are
	 * invalid); or the whole run (credential, endpoint, configuration). Item and run failures
	 * give one error per input item, not one per unit.
	 */
	scope?: 'unit' | 'item' | 'run';
}

export interface OutputData {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/**
 * Success: zero or more output items, plus errors of parts that failed on their own (e.g. one
 * file of a listing that could not be downloaded). Failure: one error for the unit.
 */
export type UnitOutcome = { outputs: OutputData[]; partFailures?: UnitFailure[] } | { failure: UnitFailure };

export interface WorkPlan<P> {
	units: Array<BatchUnit<P>>;
	/** Aligned with units; set for units that already failed validation. */
	outcomes: Array<UnitOutcome | undefined>;
}

export interface ChunkSettings<P> {
	batchSize: number;
	concurrency: number;
	/** Units with different keys never share a request (e.g. PDS `resource` families). */
	groupKey?: (payload: P) => string;
	/** Units with equal keys are sent once and share the outcome (duplicate ids). */
	dedupeKey?: (payload: P) => string;
	/**
	 * A second bound besides batchSize: the units of one request weigh at most maxChunkWeight
	 * together (e.g. the bytes ids add to a URL). A unit heavier than the bound goes alone.
	 */
	unitWeight?: (payload: P) => number;
	maxChunkWeight?: number;
	/** Sends one chunk; returns one outcome per unit, aligned with the chunk. */
	sendChunk: (chunk: Array<BatchUnit<P>>) => Promise<UnitOutcome[]>;
	/**
	 * Run the first chunk alone before the others start (default true): only needed when the
	 * credential has no access token yet, so that one request fetches it (preAuthentication)
	 * instead of every parallel request fetching its own. With a stored token, or a signature
	 * credential that has none, it costs one round trip (a whole listing for TaurusDB) for nothing.
	 */
	firstAlone?: boolean;
}

export function isFailure(outcome: UnitOutcome): outcome is { failure: UnitFailure } {
	return 'failure' in outcome;
}

/** Turns anything thrown into a unit failure, keeping only safe, displayable fields. */
export function toUnitFailure(error: unknown, context?: IDataObject): UnitFailure {
	const e = error as NodeApiError & { context?: IDataObject };
	const data = (e instanceof NodeApiError ? (e.errorResponse as IDataObject | undefined) : undefined) ?? {};
	return {
		message: e?.message ?? String(error),
		description: typeof e?.description === 'string' ? e.description : undefined,
		code: typeof data.code === 'string' ? data.code : undefined,
		httpCode: e instanceof NodeApiError && e.httpCode ? e.httpCode : undefined,
		requestId: typeof data.requestId === 'string' ? data.requestId : undefined,
		context,
		...(error instanceof CredentialFailureError ? { scope: 'run' as const } : {}),
	};
}

/**
 * Runs an operation so that a failure of the whole run (no credential, an invalid endpoint or
 * option, thrown before or outside the per-unit engine) gives exactly one error item per input
 * item when the node continues on fail, instead of n8n passing the input through as if it had
 * succeeded. Without continue on fail the error fails the node as before. Per-unit failures
 * never get here: the engine turns them into items itself.
 */
export async function runOperation(
	ctx: IExecuteFunctions,
	operation: () => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	try {
		return await operation();
	} catch (error) {
		// returns the same error when it already is a NodeOperationError
		if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), error as Error);
		const failure = toUnitFailure(error);
		const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
		return ctx.getInputData().map((_, item) => ({
			json: toErrorOutput
				? { error: failure.message }
				: {
						error: failure.message,
						...(failure.code ? { code: failure.code } : {}),
						...(failure.requestId ? { requestId: failure.requestId } : {}),
					},
			pairedItem: { item },
		}));
	}
}

/**
 * Builds the units of every input item. A validation error (NodeOperationError) stops the node
 * before anything is sent, unless the node continues on fail: then that item gets the error and
 * the others go ahead.
 */
export function planUnits<P>(
	ctx: IExecuteFunctions,
	itemCount: number,
	buildUnits: (itemIndex: number) => P[],
): WorkPlan<P> {
	const plan: WorkPlan<P> = { units: [], outcomes: [] };
	const continueOnFail = ctx.continueOnFail();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let payloads: P[];
		try {
			payloads = buildUnits(itemIndex);
		} catch (error) {
			if (!continueOnFail) {
				if (error instanceof NodeOperationError || error instanceof NodeApiError) {
					error.context.itemIndex ??= itemIndex;
				}
				// returns the same error when it already is a NodeOperationError
				throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
			}
			plan.units.push({ itemIndex, payload: undefined as unknown as P });
			plan.outcomes.push({ failure: { ...toUnitFailure(error), scope: 'item' } });
			continue;
		}
		for (const payload of payloads) {
			plan.units.push({ itemIndex, payload });
			plan.outcomes.push(undefined);
		}
	}
	return plan;
}

/**
 * Splits a list, in order, into chunks of at most `batchSize` entries whose weights add up to at
 * most `maxWeight` (an entry heavier than that goes alone).
 */
export function chunkByLimits<T>(
	entries: T[],
	limits: { batchSize: number; weight?: (entry: T) => number; maxWeight?: number },
): T[][] {
	const size = Math.max(1, Math.floor(limits.batchSize));
	const maxWeight = limits.weight ? (limits.maxWeight ?? Infinity) : Infinity;
	const chunks: T[][] = [];
	let chunk: T[] = [];
	let weight = 0;
	for (const entry of entries) {
		const entryWeight = limits.weight ? limits.weight(entry) : 0;
		if (chunk.length > 0 && (chunk.length >= size || weight + entryWeight > maxWeight)) {
			chunks.push(chunk);
			chunk = [];
			weight = 0;
		}
		chunk.push(entry);
		weight += entryWeight;
	}
	if (chunk.length > 0) chunks.push(chunk);
	return chunks;
}

/**
 * Splits pending units into chunks: grouped by key, in input order, at most batchSize each (and
 * at most maxChunkWeight when units have a weight).
 */
function chunkPending<P>(
	plan: WorkPlan<P>,
	settings: ChunkSettings<P>,
): { chunks: number[][]; followers: Map<number, number> } {
	const groups = new Map<string, number[]>();
	// duplicates follow the first unit with the same key and copy its outcome
	const followers = new Map<number, number>();
	const leaders = new Map<string, number>();
	plan.units.forEach((unit, index) => {
		if (plan.outcomes[index] !== undefined) return;
		if (settings.dedupeKey) {
			const key = settings.dedupeKey(unit.payload);
			const leader = leaders.get(key);
			if (leader !== undefined) {
				followers.set(index, leader);
				return;
			}
			leaders.set(key, index);
		}
		const group = settings.groupKey ? settings.groupKey(unit.payload) : '';
		let members = groups.get(group);
		if (!members) groups.set(group, (members = []));
		members.push(index);
	});
	const unitWeight = settings.unitWeight;
	const chunks: number[][] = [];
	for (const members of groups.values()) {
		chunks.push(
			...chunkByLimits(members, {
				batchSize: settings.batchSize,
				weight: unitWeight ? (index) => unitWeight(plan.units[index].payload) : undefined,
				maxWeight: settings.maxChunkWeight,
			}),
		);
	}
	return { chunks, followers };
}

/**
 * Runs tasks with at most `limit` in flight. With `firstAlone` the first task runs alone: it
 * obtains the access token (preAuthentication) once, instead of every parallel request racing
 * to fetch its own.
 */
export async function runWithConcurrency(
	tasks: Array<() => Promise<void>>,
	limit: number,
	firstAlone = true,
): Promise<void> {
	if (tasks.length === 0) return;
	let next = 0;
	if (firstAlone) {
		await tasks[0]();
		next = 1;
	}
	const worker = async () => {
		while (next < tasks.length) {
			const task = tasks[next++];
			await task();
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit), tasks.length - next));
	await Promise.all(Array.from({ length: workers }, worker));
}

/** Sends every pending unit of the plan and fills in its outcome. */
export async function executePlan<P>(plan: WorkPlan<P>, settings: ChunkSettings<P>): Promise<void> {
	const { chunks, followers } = chunkPending(plan, settings);
	// a failure of the whole run (the credential got no token) stops the chunks not yet sent:
	// each would only repeat the same failing login
	let stopped: UnitFailure | undefined;
	const tasks = chunks.map((indexes) => async () => {
		const chunk = indexes.map((i) => plan.units[i]);
		let outcomes: UnitOutcome[];
		if (stopped) {
			const failure = stopped;
			outcomes = chunk.map(() => ({ failure }));
		} else {
			try {
				outcomes = await settings.sendChunk(chunk);
			} catch (error) {
				const failure = toUnitFailure(error);
				if (failure.scope === 'run') stopped ??= failure;
				outcomes = chunk.map(() => ({ failure }));
			}
		}
		indexes.forEach((unitIndex, position) => {
			plan.outcomes[unitIndex] = outcomes[position] ?? {
				failure: { message: 'The service returned no result for this request' },
			};
		});
	});
	await runWithConcurrency(tasks, settings.concurrency, settings.firstAlone ?? true);
	for (const [follower, leader] of followers) plan.outcomes[follower] = plan.outcomes[leader];
}

export interface EmitOptions<P> {
	/** Names a unit in the node's summary error, e.g. `asset "a1"`. */
	describeUnit: (unit: BatchUnit<P>) => string;
	/** Plural noun for the summary, e.g. 'assets'. */
	nouns: string;
	/**
	 * The unit's own fields (e.g. `{ accessory_id }`), put into its error item with "Continue"
	 * even when the whole request failed and the failure carries no context of its own.
	 */
	unitFields?: (unit: BatchUnit<P>) => IDataObject;
}

/**
 * Emits one output item per result (or one error item per failed unit) with `pairedItem`. With
 * "Continue (using error output)" an error item is `{ error }` (n8n adds the input item's
 * fields); with "Continue" it also carries the unit's fields and the service's code and request
 * id. When the node does not continue on fail and any unit failed, the node fails with a
 * summary that says how many succeeded and names the failed units.
 */
export function emitOutcomes<P>(
	ctx: IExecuteFunctions,
	plan: WorkPlan<P>,
	options: EmitOptions<P>,
): INodeExecutionData[] {
	const continueOnFail = ctx.continueOnFail();
	const toErrorOutput = ctx.getNode().onError === 'continueErrorOutput';
	const output: INodeExecutionData[] = [];
	const failed: Array<{ unit: BatchUnit<P>; failure: UnitFailure; label: string }> = [];
	// item and run failures: one error per input item, however many units it has
	const itemsWithError = new Set<number>();
	let runFailure: UnitFailure | undefined;

	const emitFailure = (unit: BatchUnit<P>, failure: UnitFailure) => {
		const whole = failure.scope === 'run' || failure.scope === 'item';
		if (whole) {
			if (itemsWithError.has(unit.itemIndex)) return;
			itemsWithError.add(unit.itemIndex);
			if (failure.scope === 'run') runFailure ??= failure;
		}
		const label = whole ? '' : options.describeUnit(unit);
		failed.push({ unit, failure, label });
		if (!continueOnFail) return;
		const pairedItem = { item: unit.itemIndex };
		const message = label ? `${label}: ${failure.message}` : failure.message;
		if (toErrorOutput) {
			// n8n routes an item to the error output only when its json is exactly `{ error }`,
			// and then merges it into the paired input item; an item with `.error` set would have
			// its json replaced. So the message carries the unit and the service's error code.
			output.push({ json: { error: message }, pairedItem });
			return;
		}
		output.push({
			json: {
				error: message,
				...(failure.code ? { code: failure.code } : {}),
				...(failure.requestId ? { requestId: failure.requestId } : {}),
				...(whole || !unit.payload ? {} : options.unitFields?.(unit)),
				...failure.context,
			},
			pairedItem,
		});
	};

	plan.units.forEach((unit, index) => {
		const outcome = plan.outcomes[index] ?? { failure: { message: 'Not processed' } };
		const pairedItem = { item: unit.itemIndex };
		if (!isFailure(outcome)) {
			for (const data of outcome.outputs) output.push({ ...data, pairedItem });
			for (const failure of outcome.partFailures ?? []) emitFailure(unit, failure);
			return;
		}
		emitFailure(unit, outcome.failure);
	});
	if (failed.length > 0 && !continueOnFail) {
		const first = failed[0];
		if (runFailure) {
			// the whole run failed (credential, endpoint): that error, not a count of units
			throw new NodeOperationError(ctx.getNode(), runFailure.message, {
				itemIndex: first.unit.itemIndex,
				description: runFailure.description,
			});
		}
		const total = plan.units.length;
		const listed = failed
			.slice(0, 10)
			.map((f) => `${f.label ? `${f.label} ` : ''}(item ${f.unit.itemIndex}): ${f.failure.message}`)
			.join('; ');
		const more = failed.length > 10 ? `; and ${failed.length - 10} more` : '';
		const succeeded = Math.max(0, total - failed.length);
		throw new NodeOperationError(
			ctx.getNode(),
			`${failed.length} of ${total} ${options.nouns} failed, ${succeeded} succeeded. First: ${first.failure.message}`,
			{
				itemIndex: first.unit.itemIndex,
				description: `Failed: ${listed}${more}. Set the node's "On Error" setting to continue to get one error item per failure.`,
			},
		);
	}
	return output;
}
