import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemParameter } from '../../../shared/itemInput';
import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';

/** `fields` of /file/get (alibaba-pds.md 1.3): `*` or a list; investigation_info only when named. */
const FILE_EXTRA_FIELDS = [
	{ name: 'All (Except Investigation Info)', value: '*' },
	{ name: 'Characteristic Hash', value: 'characteristic_hash' },
	{ name: 'Cropping Suggestion', value: 'cropping_suggestion' },
	{ name: 'EXIF', value: 'exif' },
	{ name: 'Investigation Info', value: 'investigation_info' },
	{ name: 'Thumbnail', value: 'thumbnail' },
	{ name: 'URL', value: 'url' },
	{ name: 'Video Metadata', value: 'video_metadata' },
	{ name: 'Video Preview Metadata', value: 'video_preview_metadata' },
];

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'get',
	url: '/file/get',
	idField: 'file_id',
	properties: driveAndFileFields,
	options: [
		{
			displayName: 'Extra Fields',
			name: 'fields',
			type: 'multiOptions',
			options: FILE_EXTRA_FIELDS,
			default: [],
			description: 'Extra information to return with the file (the PDS "fields" parameter)',
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
		const options = itemParameter(ctx, 'options', itemIndex, {}) as { fields?: string | string[]; urlExpireSec?: number };
		// saved workflows hold a comma-separated string, the picker an array
		const fields = Array.isArray(options.fields) ? (options.fields.includes('*') ? '*' : options.fields.join(',')) : String(options.fields ?? '').trim();
		return {
			...readDriveAndFile(ctx, itemIndex),
			...(fields ? { fields } : {}),
			...(options.urlExpireSec ? { url_expire_sec: options.urlExpireSec } : {}),
		};
	},
});
