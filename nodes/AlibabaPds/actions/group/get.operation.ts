import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'group',
	operation: 'get',
	url: '/group/get',
	idField: 'group_id',
	properties: [
		{
			displayName: 'Group ID',
			name: 'objectId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID of the group',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		group_id: readString(ctx, 'objectId', itemIndex, 'Group ID'),
	}),
});
