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
			displayName: 'Child URL',
			name: 'childUrl',
			type: 'options',
			options: PDS_BATCH_CHILD_URLS.map((url) => ({ name: url, value: url })),
			default: '/file/get',
			description: 'API path of the child request (without /v2)',
		},
		{
			displayName: 'Body (JSON)',
			name: 'childBody',
			type: 'json',
			default: '{\n  "drive_id": "",\n  "file_id": ""\n}',
			description: 'Body of the child request, as documented for that API',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => readJsonObject(ctx, 'childBody', itemIndex, 'Body (JSON)'),
	childUrl: (ctx: IExecuteFunctions, itemIndex: number): string => {
		const url = String(ctx.getNodeParameter('childUrl', itemIndex, ''));
		requireValid(ctx, (PDS_BATCH_CHILD_URLS as readonly string[]).includes(url), itemIndex, 'Child URL', `"${url}" is not a child URL /v2/batch accepts`);
		return url;
	},
});
