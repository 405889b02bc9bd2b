import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'asyncTask',
	operation: 'get',
	url: '/async_task/get',
	idField: 'async_task_id',
	properties: [
		{
			displayName: 'Async Task ID',
			name: 'objectId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID returned by a folder copy, delete or trash',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		async_task_id: readString(ctx, 'objectId', itemIndex, 'Async Task ID'),
	}),
});
