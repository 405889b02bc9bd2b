import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'delete',
	url: '/file/delete',
	idField: 'file_id',
	asyncTask: true,
	properties: driveAndFileFields,
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => readDriveAndFile(ctx, itemIndex),
});
