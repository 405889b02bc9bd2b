import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readBoolean, requireValid } from './itemInput';

/** n8n's usual "Return All" / "Limit" pair, for the listing operations. */
export const returnAllLimitProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/**
 * How many results an item asks for: Infinity with Return All (the text "false" from an
 * expression is false), else Limit, a whole number of at least 1, or an error naming the item.
 */
export function readResultLimit(ctx: IExecuteFunctions, itemIndex: number): number {
	const returnAll = readBoolean(ctx, ctx.getNodeParameter('returnAll', itemIndex, false), itemIndex, 'Return All', false);
	if (returnAll) return Infinity;
	const raw: unknown = ctx.getNodeParameter('limit', itemIndex, 50);
	const limit = typeof raw === 'number' || (typeof raw === 'string' && raw.trim() !== '') ? Number(raw) : NaN;
	requireValid(ctx, Number.isInteger(limit) && limit >= 1, itemIndex, 'Limit', 'must be a whole number of at least 1');
	return limit;
}
