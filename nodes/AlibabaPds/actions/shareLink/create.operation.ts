import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveLocator, readString } from '../childOperation';
import { readIdList, requireValid } from '../../../shared/itemInput';
import { shareLinkFields } from './shareLinkFields';

export const { description, execute } = defineChildOperation({
	resource: 'shareLink',
	operation: 'create',
	url: '/share_link/create',
	idField: 'share_id',
	properties: [
		driveLocator('driveId', 'Drive', 'The drive that holds the files'),
		{
			displayName: 'File IDs',
			name: 'fileIds',
			type: 'string',
			default: '',
			required: true,
			description: 'Files or folders to share: one ID, a comma-separated list or an array (up to 100)',
		},
	],
	options: [
		{ displayName: 'Share Name', name: 'shareName', type: 'string', default: '', description: 'Up to 128 characters' },
		{
			displayName: 'Password',
			name: 'sharePwd',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Extraction code visitors must enter (up to 64 characters)',
		},
		{ displayName: 'Expiration', name: 'expiration', type: 'dateTime', default: '', description: 'When the link stops working; empty for never' },
		{ displayName: 'Description', name: 'description', type: 'string', default: '' },
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const fileIds = readIdList(ctx, 'fileIds', itemIndex, 'File IDs');
		requireValid(ctx, fileIds.length <= 100, itemIndex, 'File IDs', 'at most 100 IDs per share link');
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		return {
			drive_id: readString(ctx, 'driveId', itemIndex, 'Drive'),
			file_id_list: fileIds,
			...shareLinkFields(ctx, itemIndex, options),
		};
	},
});
