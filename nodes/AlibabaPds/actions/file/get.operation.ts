import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/itemInput';
import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'get',
	url: '/file/get',
	idField: 'file_id',
	properties: driveAndFileFields,
	options: [
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'string',
			default: '',
			placeholder: '*',
			description: 'Extra fields to return: * or a comma-separated list such as thumbnail, exif, video_metadata',
		},
		{
			displayName: 'URL Expiry (Seconds)',
			name: 'urlExpireSec',
			type: 'number',
			typeOptions: { minValue: 10, maxValue: 14400 },
			default: 900,
			description: 'Validity of download and thumbnail URLs in the result (10 to 14400)',
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const options = itemParameter(ctx, 'options', itemIndex, {}) as { fields?: string; urlExpireSec?: number };
		return {
			...readDriveAndFile(ctx, itemIndex),
			...(options.fields ? { fields: options.fields } : {}),
			...(options.urlExpireSec ? { url_expire_sec: options.urlExpireSec } : {}),
		};
	},
});
