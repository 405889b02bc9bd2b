import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** `={{ $json.a.b }}` / `={{ $json["a"] }}`: nothing but a field of the input item. */
const JSON_FIELD = /^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[(?:'[^'\\]*'|"[^"\\]*")\])+)\s*\}\}$/;
const JSON_FIELD_PART = /\.([A-Za-z_$][\w$]*)|\[(?:'([^'\\]*)'|"([^"\\]*)")\]/g;

type ItemReader = (itemIndex: number) => unknown;

/** What a check needs of the node's context: the node, to name it in the error. */
export interface NodeOwner {
	getNode(): INode;
}

const readers = new WeakMap<IExecuteFunctions, Map<string, ItemReader>>();

function isScalar(value: unknown): boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

function createReader(ctx: IExecuteFunctions, name: string, fallback: unknown): ItemReader {
	const viaN8n: ItemReader = (itemIndex) => ctx.getNodeParameter(name, itemIndex, fallback);
	// nested names ('tags.tag') are not looked at here: n8n resolves them per item as usual
	if (name.includes('.')) return viaN8n;
	const raw = ctx.getNode().parameters[name];
	if (!hasExpression(raw)) {
		// a fixed value (collections included): the same for every item; copies, as n8n hands out
		let fixed: { value: unknown } | undefined;
		return (itemIndex) => {
			const { value } = (fixed ??= { value: viaN8n(itemIndex) });
			return value !== null && typeof value === 'object' ? structuredClone(value) : value;
		};
	}
	const match = typeof raw === 'string' ? JSON_FIELD.exec(raw) : null;
	if (!match) return viaN8n;
	const path = [...match[1].matchAll(JSON_FIELD_PART)].map((m) => m[1] ?? m[2] ?? m[3]);
	const items = ctx.getInputData();
	return (itemIndex) => {
		let value: unknown = items[itemIndex]?.json;
		for (const key of path) {
			if (value === null || typeof value !== 'object') return viaN8n(itemIndex);
			value = (value as IDataObject)[key];
		}
		if (isScalar(value)) return value;
		if (Array.isArray(value) && value.every(isScalar)) return [...value];
		// objects, null, undefined, missing parents: n8n's own result (and error)
		return viaN8n(itemIndex);
	};
}

/**
 * `getNodeParameter(name, itemIndex, fallback)` for a parameter read once per item, without its
 * per-item cost where the result is known: n8n-workflow resolves every expression with a new
 * WorkflowDataProxy and sandbox context (about 100 µs a call, seconds at 100,000 items). A fixed
 * value (no expression anywhere in it) is read once and copied per item; exactly
 * `={{ $json.field }}` (dotted or ["quoted"] path) is read from the input item when it holds a
 * string, number, boolean or an array of those. Everything else goes through n8n as before.
 */
export function itemParameter<T = unknown>(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: T): T {
	let byName = readers.get(ctx);
	if (!byName) readers.set(ctx, (byName = new Map()));
	let reader = byName.get(name);
	if (!reader) byName.set(name, (reader = createReader(ctx, name, fallback)));
	return reader(itemIndex) as T;
}

/**
 * Splits a parameter value into ids: one id, a comma or newline separated list, or an array of
 * those. `notText` is the first value that is neither text nor a number (an object).
 */
export function idsFromValue(raw: unknown): { ids: string[]; notText?: unknown } {
	const values: unknown[] = Array.isArray(raw) ? raw.flat() : [raw];
	const ids: string[] = [];
	for (const value of values) {
		if (value === undefined || value === null) continue;
		if (typeof value === 'object') return { ids, notText: value };
		for (const part of String(value).split(/[,\n]/)) {
			const id = part.trim();
			if (id) ids.push(id);
		}
	}
	return { ids };
}

/**
 * Reads a list of ids from a parameter that users fill in many ways: one id, a comma or newline
 * separated list, or an expression that returns an array. Empty entries are dropped.
 */
export function readIdList(
	ctx: IExecuteFunctions,
	parameter: string,
	itemIndex: number,
	label: string,
): string[] {
	const { ids, notText } = idsFromValue(itemParameter<unknown>(ctx, parameter, itemIndex, ''));
	if (notText !== undefined) {
		throw new NodeOperationError(ctx.getNode(), `${label} must be text or a list of text`, {
			itemIndex,
			description: `Item ${itemIndex} gave ${JSON.stringify(notText).slice(0, 100)}`,
		});
	}
	if (ids.length === 0) {
		throw new NodeOperationError(ctx.getNode(), `${label} is empty`, {
			itemIndex,
			description: `Item ${itemIndex}: give at least one ID (one ID, a comma-separated list or an array)`,
		});
	}
	return ids;
}

/** Throws a NodeOperationError naming the item and field unless `ok`. */
export function requireValid(
	ctx: NodeOwner,
	ok: boolean,
	itemIndex: number,
	field: string,
	problem: string,
): void {
	if (!ok) {
		throw new NodeOperationError(ctx.getNode(), `${field}: ${problem}`, {
			itemIndex,
			description: `Item ${itemIndex}, field "${field}". Nothing was sent.`,
		});
	}
}

/** Checks every id's length; names the first offending id. */
export function requireIdLengths(
	ctx: IExecuteFunctions,
	ids: string[],
	max: number,
	itemIndex: number,
	field: string,
): void {
	const bad = ids.find((id) => id.length > max);
	requireValid(
		ctx,
		bad === undefined,
		itemIndex,
		field,
		`"${(bad ?? '').slice(0, 40)}…" is longer than ${max} characters`,
	);
}

/**
 * A boolean parameter as a boolean: true/false, or the text "true"/"false" (any case) an
 * expression may give. Anything else is an error naming the item and field; the text "false"
 * is never true.
 */
export function readBoolean(ctx: NodeOwner, value: unknown, itemIndex: number, field: string, fallback: boolean): boolean {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	const text = String(value).trim().toLowerCase();
	if (text === 'true') return true;
	if (text === 'false') return false;
	requireValid(ctx, false, itemIndex, field, `${JSON.stringify(value).slice(0, 40)} is not true or false`);
	return fallback;
}

/** Longest id any field takes (PDS ids are far shorter; this stops pasted documents). */
export const MAX_ID_FIELD_LENGTH = 1024;

/**
 * One id from a parameter: text or a number, trimmed, within `maxLength`. Objects, arrays and
 * booleans (an expression that picked the wrong field) are errors instead of "[object Object]".
 * null/undefined count as empty.
 */
export function readIdField(
	ctx: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	field: string,
	required: boolean,
	maxLength = MAX_ID_FIELD_LENGTH,
): string {
	if (value === undefined || value === null) value = '';
	requireValid(
		ctx,
		typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)),
		itemIndex,
		field,
		`must be text, got ${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value}`,
	);
	const id = String(value).trim();
	requireValid(ctx, !required || id !== '', itemIndex, field, 'is required');
	requireValid(ctx, id.length <= maxLength, itemIndex, field, `longer than ${maxLength} characters`);
	return id;
}
