import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, readJsonObject } from '../childOperation';
import { PDS_BATCH_CHILD_URLS } from '../../transport';
import { requireValid } from '../../../shared/itemInput';

/** Child urls advanced users may call, with the body they give. */
export const { description, execute } = defineChildOperation({
	resource: 'customBatch',
	operation: 'send',
	url: '',
	idField: 'file_id',
	properties: [
		{
			displayName: 'API',
			name: 'childUrl',
			type: 'options',
			options: PDS_BATCH_CHILD_URLS.map((url) => ({ name: url, value: url })),
			default: '/file/get',
			description: 'The PDS API to call (its path without /v2)',
		},
		{
			displayName: 'Body (JSON)',
			name: 'childBody',
			type: 'json',
			default: '{\n  "drive_id": "",\n  "file_id": ""\n}',
			description: 'Request body of that API, as the PDS API reference documents it',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => readJsonObject(ctx, 'childBody', itemIndex, 'Body (JSON)'),
	childUrl: (ctx: IExecuteFunctions, itemIndex: number): string => {
		const url = String(ctx.getNodeParameter('childUrl', itemIndex, ''));
		requireValid(ctx, (PDS_BATCH_CHILD_URLS as readonly string[]).includes(url), itemIndex, 'API', `"${url}" is not an API the batch endpoint accepts`);
		return url;
	},
});
