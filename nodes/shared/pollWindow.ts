import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * State of the listing triggers (TaurusDB audit files, PDS file changes), kept in the node's
 * static data and small by construction:
 *
 * - `cursor` (ms): everything up to it has been handled. The next listing starts `OVERLAP` before
 *   it, so files that show up late or carry a time slightly behind the n8n host's clock are still
 *   seen.
 * - `seen` (key -> time ms): what was listed in that overlap window, so it is not emitted twice.
 *   Keys older than `cursor - OVERLAP` are dropped: the next listing cannot return them.
 *
 * The poll computes the next state and saves it only after the listing succeeded; a failed poll
 * throws before that, so the state is unchanged and the next poll repeats the same window.
 */
export const POLL_OVERLAP_MS = 5 * 60_000;

export interface PollWindowState {
	cursor: number;
	seen: Record<string, number>;
}

export interface PollWindow {
	state: PollWindowState;
	/** No state was saved before: first poll after activation (or after the node was changed). */
	first: boolean;
	/** Listings start here (ms). */
	start: number;
	/** On the first poll only entries at or after this time are emitted ("from now"). */
	emitFrom: number;
}

/** The "Include the Last (Hours)" option every trigger offers for its first poll. */
export const lookbackOption: INodeProperties = {
	displayName: 'On First Activation, Include the Last (Hours)',
	name: 'lookbackHours',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'The first poll after activation starts from now and emits nothing older. Set hours to also emit what changed in that many hours before activation.',
};

/** The lookback option as hours (0 when unset or not a positive number). */
export function lookbackHoursOf(options: { lookbackHours?: unknown }): number {
	return Math.max(0, Number(options.lookbackHours ?? 0) || 0);
}

const STATE_KEY = 'pollWindow';

/** Whether this poll is a manual test ("Fetch Test Event" or running the workflow in the editor). */
export function isManualPoll(ctx: IPollFunctions): boolean {
	return ctx.getMode() === 'manual';
}

export function readPollWindow(ctx: IPollFunctions, now: number, lookbackHours: number, fingerprint: string): PollWindow {
	const data = ctx.getWorkflowStaticData('node');
	const saved = data[STATE_KEY] as (PollWindowState & { fingerprint?: string }) | undefined;
	if (saved && Number.isFinite(saved.cursor) && saved.fingerprint === fingerprint) {
		const state = { cursor: saved.cursor, seen: { ...(saved.seen ?? {}) } };
		return { state, first: false, start: state.cursor - POLL_OVERLAP_MS, emitFrom: -Infinity };
	}
	const cursor = now - Math.max(0, lookbackHours) * 3600_000;
	return { state: { cursor, seen: {} }, first: true, start: cursor - POLL_OVERLAP_MS, emitFrom: cursor };
}

export interface Listed<T> {
	entry: T;
	key: string;
	time: number;
}

/**
 * Picks the entries not emitted before (in time order, then key) and computes the next state from
 * everything the listing returned. Nothing is saved here.
 */
export function takeNew<T>(window: PollWindow, listed: Array<Listed<T>>, now: number): { fresh: T[]; next: PollWindowState } {
	const seen: Record<string, number> = { ...window.state.seen };
	const fresh: Array<Listed<T>> = [];
	let cursor = window.state.cursor;
	for (const item of listed) {
		if (!Number.isFinite(item.time)) continue;
		if (item.time > cursor) cursor = item.time;
		if (item.key in seen) continue;
		seen[item.key] = item.time;
		if (item.time >= window.emitFrom) fresh.push(item);
	}
	// idle polls move the window along with the clock (minus the overlap), so it never grows
	cursor = Math.max(cursor, now - POLL_OVERLAP_MS);
	const keepFrom = cursor - POLL_OVERLAP_MS;
	const kept: Record<string, number> = {};
	for (const [key, time] of Object.entries(seen)) if (time >= keepFrom) kept[key] = time;
	fresh.sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	return { fresh: fresh.map((f) => f.entry), next: { cursor, seen: kept } };
}

export function savePollWindow(ctx: IPollFunctions, next: PollWindowState, fingerprint: string): void {
	const data = ctx.getWorkflowStaticData('node');
	data[STATE_KEY] = { ...next, fingerprint } as unknown as IDataObject;
}

/** The manual-test answer when nothing matches: a clear message instead of an endless wait. */
export function nothingToShow(ctx: IPollFunctions, what: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `No ${what} found`, {
		description:
			'The test looks for the newest matching item. Make a change (or widen the filters) and try again; when the workflow is active, new changes start it.',
	});
}
