import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';
import { shareIdField } from './shareLinkFields';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'getShareToken',
	url: '/share_link/get_share_token',
	idField: 'share_id',
	properties: [
		shareIdField,
		{
			displayName: 'Password',
			name: 'sharePwd',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Extraction code of the share link, if it has one',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		share_id: readString(ctx, 'shareId', itemIndex, 'Share ID'),
		share_pwd: String(ctx.getNodeParameter('sharePwd', itemIndex, '') ?? ''),
	}),
});
