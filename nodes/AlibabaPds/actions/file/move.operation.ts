import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	defineChildOperation,
	driveAndFileFields,
	readDriveAndFile,
	readString,
	toParentFolderField,
	CHECK_NAME_MODES,
	NAME_TAKEN_LABEL,
} from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'move',
	url: '/file/move',
	idField: 'file_id',
	properties: [
		...driveAndFileFields,
		toParentFolderField,
		{
			displayName: NAME_TAKEN_LABEL,
			name: 'checkNameMode',
			type: 'options',
			options: CHECK_NAME_MODES,
			default: 'ignore',
			description: 'What to do when the name is taken in the destination',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		return {
			...readDriveAndFile(ctx, itemIndex),
			to_parent_file_id: readString(ctx, 'toParentFileId', itemIndex, 'To Folder'),
			check_name_mode: ctx.getNodeParameter('checkNameMode', itemIndex, 'ignore') as string,
		};
	},
});
