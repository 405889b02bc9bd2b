import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'list',
	url: '/share_link/list',
	idField: 'creator',
	properties: [
		{
			displayName: 'Creator User ID',
			name: 'creator',
			type: 'string',
			default: '',
			description: 'Only links created by this user; empty for the caller (or all links with a service token)',
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
		{ displayName: 'Marker', name: 'marker', type: 'string', default: '', description: 'The next_marker of a previous page' },
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const creator = String(ctx.getNodeParameter('creator', itemIndex, '') ?? '').trim();
		const options = ctx.getNodeParameter('options', itemIndex, {}) as { marker?: string };
		return {
			...(creator ? { creator } : {}),
			limit: ctx.getNodeParameter('limit', itemIndex, 50) as number,
			...(options.marker ? { marker: options.marker } : {}),
		};
	},
});
