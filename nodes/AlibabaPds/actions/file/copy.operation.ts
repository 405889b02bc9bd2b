import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	defineChildOperation,
	driveAndFileFields,
	readDriveAndFile,
	readString,
	toParentFolderField,
} from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'copy',
	url: '/file/copy',
	idField: 'file_id', asyncTask: true,
	properties: [
		...driveAndFileFields,
		toParentFolderField,
		{
			displayName: 'To Drive ID',
			name: 'toDriveId',
			type: 'string',
			default: '',
			description: 'Destination drive; leave empty for the same drive',
		},
		{
			displayName: 'Auto Rename',
			name: 'autoRename',
			type: 'boolean',
			default: false,
			description: 'Whether to rename the copy when the name is taken',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const toDriveId = readString(ctx, 'toDriveId', itemIndex, 'To Drive ID', false);
		return {
			...readDriveAndFile(ctx, itemIndex),
			to_parent_file_id: readString(ctx, 'toParentFileId', itemIndex, 'To Parent Folder ID'),
			...(toDriveId ? { to_drive_id: toDriveId } : {}),
			auto_rename: ctx.getNodeParameter('autoRename', itemIndex, false) as boolean,
		};
	},
});
