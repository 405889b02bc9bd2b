import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';
import { requireValid } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'search',
	url: '/file/search',
	idField: 'drive_id',
	properties: [
		{
			displayName: 'Drive ID',
			name: 'driveId',
			type: 'string',
			default: '',
			required: true,
			description: 'Drive to search in',
		},
		{
			displayName: 'Query',
			name: 'query',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'name match "report" and type = "file"',
			description: 'PDS query expression (up to 4096 characters)',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 50,
			description: 'Max number of results to return',
		},
	],
	options: [
		{
			displayName: 'Order By',
			name: 'orderBy',
			type: 'string',
			default: '',
			placeholder: 'updated_at DESC',
			description: 'Sort order, e.g. updated_at DESC',
		},
		{
			displayName: 'Marker',
			name: 'marker',
			type: 'string',
			default: '',
			description: 'The next_marker of a previous search, to get the next page',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const query = readString(ctx, 'query', itemIndex, 'Query');
		requireValid(ctx, query.length <= 4096, itemIndex, 'Query', 'longer than 4096 characters');
		const options = ctx.getNodeParameter('options', itemIndex, {}) as { orderBy?: string; marker?: string };
		return {
			drive_id: readString(ctx, 'driveId', itemIndex, 'Drive ID'),
			query,
			limit: ctx.getNodeParameter('limit', itemIndex, 50) as number,
			...(options.orderBy ? { order_by: options.orderBy } : {}),
			...(options.marker ? { marker: options.marker } : {}),
		};
	},
});
