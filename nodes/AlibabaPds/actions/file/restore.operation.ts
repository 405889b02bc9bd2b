import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'restore',
	url: '/recyclebin/restore',
	idField: 'file_id',
	properties: driveAndFileFields,
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => readDriveAndFile(ctx, itemIndex),
});
