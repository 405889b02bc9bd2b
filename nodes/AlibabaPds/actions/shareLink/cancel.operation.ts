import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readString } from '../childOperation';
import { shareIdField } from './shareLinkFields';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'cancel',
	url: '/share_link/cancel',
	idField: 'share_id',
	properties: [
		shareIdField,
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		share_id: readString(ctx, 'shareId', itemIndex, 'Share ID'),
	}),
});
