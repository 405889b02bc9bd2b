import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';
import { downloadFilesIfRequested, downloadOptions } from '../../../shared/download';
import { readPdsError } from '../../transport';
import { requireValid } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'getDownloadUrl',
	url: '/file/get_download_url',
	idField: 'file_id',
	properties: driveAndFileFields,
	options: [
		{
			displayName: 'Expiry (Seconds)',
			name: 'expireSec',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 115200 },
			default: 900,
			description: 'How long the URL stays valid (at most 115200)',
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description:
				"Name the browser saves the file as (up to 1024 characters). Leave empty for the file's own name.",
		},
		...downloadOptions('file'),
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as { expireSec?: number; fileName?: string };
		const fileName = String(options.fileName ?? '');
		requireValid(ctx, fileName.length <= 1024, itemIndex, 'File Name', 'longer than 1024 characters');
		return {
			...readDriveAndFile(ctx, itemIndex),
			expire_sec: options.expireSec ?? 900,
			...(fileName ? { file_name: fileName } : {}),
		};
	},
	// The download URL answer has no file name: a /file/get child in the same /v2/batch call
	// supplies it, so `file_name` (and the downloaded binary) carry the file's real name.
	companion: {
		url: '/file/get',
		body: (unitBody: IDataObject) => ({ drive_id: unitBody.drive_id, file_id: unitBody.file_id }),
		merge: (output, response, unitBody) => {
			const name = unitBody.file_name ?? (response && response.status < 400 ? response.body?.name : undefined);
			return name === undefined ? output : { ...output, file_name: name };
		},
	},
	afterBatch: async (ctx, plan, settings) =>
		await downloadFilesIfRequested(
			ctx,
			plan.outcomes,
			{ linkField: 'url', fileNameField: 'file_name' },
			settings,
			readPdsError,
		),
});
