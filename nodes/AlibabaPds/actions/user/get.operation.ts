import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'user',
	operation: 'get',
	url: '/user/get',
	idField: 'user_id',
	properties: [
		{
			displayName: 'User ID',
			name: 'objectId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID of the user',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		user_id: readString(ctx, 'objectId', itemIndex, 'User ID'),
	}),
});
