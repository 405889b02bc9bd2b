import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'cancel',
	url: '/share_link/cancel',
	idField: 'share_id',
	properties: [
		{
			displayName: 'Share ID',
			name: 'shareId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID of the share link',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		share_id: readString(ctx, 'shareId', itemIndex, 'Share ID'),
	}),
});
