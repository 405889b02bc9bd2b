import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveAndFileFields, readDriveAndFile, readString } from '../childOperation';
import { requireValid } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'removeTags',
	url: '/file/delete_usertags',
	idField: 'file_id',
	properties: [
		...driveAndFileFields,
		{
			displayName: 'Tag Keys',
			name: 'keys',
			type: 'string',
			default: '',
			required: true,
			description: 'Comma-separated keys of the tags to remove',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const keys = readString(ctx, 'keys', itemIndex, 'Tag Keys').split(',').map((k) => k.trim()).filter(Boolean);
		requireValid(ctx, keys.length <= 100, itemIndex, 'Tag Keys', 'at most 100 keys');
		return { ...readDriveAndFile(ctx, itemIndex), key_list: keys };
	},
});
