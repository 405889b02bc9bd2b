import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CHECK_NAME_MODES, defineChildOperation, driveAndFileFields, NAME_TAKEN_LABEL, readDriveAndFile } from '../childOperation';
import { requireValid } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'update',
	url: '/file/update',
	idField: 'file_id',
	properties: [
		...driveAndFileFields,
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{
					displayName: NAME_TAKEN_LABEL,
					name: 'check_name_mode',
					type: 'options',
					options: CHECK_NAME_MODES,
					default: 'ignore',
					description: 'What to do when the new name is taken',
				},
				{ displayName: 'Description', name: 'description', type: 'string', default: '', description: 'Up to 1024 characters' },
				{ displayName: 'Hidden', name: 'hidden', type: 'boolean', default: false, description: 'Whether the file is hidden' },
				{
					displayName: 'Labels',
					name: 'labels',
					type: 'string',
					default: '',
					description: 'Comma-separated labels (replaces the current ones)',
				},
				{ displayName: 'Name', name: 'name', type: 'string', default: '', description: 'New file name' },
				{ displayName: 'Starred', name: 'starred', type: 'boolean', default: false, description: 'Whether the file is starred' },
			],
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const fields = ctx.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
		const body: IDataObject = { ...readDriveAndFile(ctx, itemIndex), ...fields };
		if (typeof fields.labels === 'string') {
			body.labels = fields.labels.split(',').map((l) => l.trim()).filter(Boolean);
		}
		requireValid(ctx, Object.keys(fields).length > 0, itemIndex, 'Update Fields', 'add at least one field to update');
		requireValid(ctx, String(body.description ?? '').length <= 1024, itemIndex, 'Description', 'longer than 1024 characters');
		return body;
	},
});
