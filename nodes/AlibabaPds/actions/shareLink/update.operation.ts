import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';
import { requireValid } from '../../../shared/itemInput';
import { shareIdField, shareLinkFields } from './shareLinkFields';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'update',
	url: '/share_link/update',
	idField: 'share_id',
	properties: [
		shareIdField,
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{ displayName: 'Share Name', name: 'shareName', type: 'string', default: '' },
				{
					displayName: 'Password',
					name: 'sharePwd',
					type: 'string',
					typeOptions: { password: true },
					default: '',
				},
				{ displayName: 'Expiration', name: 'expiration', type: 'dateTime', default: '' },
				{ displayName: 'Description', name: 'description', type: 'string', default: '' },
			],
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const fields = ctx.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
		requireValid(ctx, Object.keys(fields).length > 0, itemIndex, 'Update Fields', 'add at least one field to update');
		return { share_id: readString(ctx, 'shareId', itemIndex, 'Share ID'), ...shareLinkFields(ctx, itemIndex, fields) };
	},
});
