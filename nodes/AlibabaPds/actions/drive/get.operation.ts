import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'drive',
	operation: 'get',
	url: '/drive/get',
	idField: 'drive_id',
	properties: [
		{
			displayName: 'Drive ID',
			name: 'objectId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID of the drive',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		drive_id: readString(ctx, 'objectId', itemIndex, 'Drive ID'),
	}),
});
