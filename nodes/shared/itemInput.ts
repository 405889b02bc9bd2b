import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

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
	const raw = ctx.getNodeParameter(parameter, itemIndex, '') as unknown;
	const values: unknown[] = Array.isArray(raw) ? raw.flat() : [raw];
	const ids: string[] = [];
	for (const value of values) {
		if (value === undefined || value === null) continue;
		if (typeof value === 'object') {
			throw new NodeOperationError(ctx.getNode(), `${label} must be text or a list of text`, {
				itemIndex,
				description: `Item ${itemIndex} gave ${JSON.stringify(value).slice(0, 100)}`,
			});
		}
		for (const part of String(value).split(/[,\n]/)) {
			const id = part.trim();
			if (id) ids.push(id);
		}
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
	ctx: IExecuteFunctions,
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
