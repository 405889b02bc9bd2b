import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveLocator, readString } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'drive',
	operation: 'get',
	url: '/drive/get',
	idField: 'drive_id',
	properties: [
		driveLocator('objectId', 'Drive', 'The drive to get'),
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => ({
		drive_id: readString(ctx, 'objectId', itemIndex, 'Drive'),
	}),
});
