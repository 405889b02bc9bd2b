import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	defineChildOperation,
	driveAndFileFields,
	readDriveAndFile,
	readString,
	NAME_TAKEN_LABEL,
	toDriveField,
	toParentFolderField,
} from '../childOperation';
import { readBoolean } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'copy',
	url: '/file/copy',
	idField: 'file_id', asyncTask: true,
	properties: [
		...driveAndFileFields,
		toDriveField,
		toParentFolderField,
		{
			// PDS copy only knows auto_rename (true/false), not Move's three check_name_mode values
			displayName: NAME_TAKEN_LABEL,
			name: 'autoRename',
			type: 'options',
			options: [
				{ name: 'Rename', value: true, description: 'Add a suffix to the name of the copy' },
				{ name: 'Do Not Rename', value: false, description: 'Let the service decide (it does not rename)' },
			],
			default: false,
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const toDriveId = readString(ctx, 'toDriveId', itemIndex, 'To Drive', false);
		return {
			...readDriveAndFile(ctx, itemIndex),
			to_parent_file_id: readString(ctx, 'toParentFileId', itemIndex, 'To Folder'),
			...(toDriveId ? { to_drive_id: toDriveId } : {}),
			auto_rename: readBoolean(ctx, ctx.getNodeParameter('autoRename', itemIndex, false), itemIndex, 'Auto Rename', false),
		};
	},
});
