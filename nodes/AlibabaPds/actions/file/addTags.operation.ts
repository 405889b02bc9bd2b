import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { defineChildOperation, driveAndFileFields, readDriveAndFile } from '../childOperation';
import { requireValid } from '../../../shared/itemInput';

export const { description, execute } = defineChildOperation({
	resource: 'file',
	operation: 'addTags',
	url: '/file/put_usertags',
	idField: 'file_id',
	properties: [
		...driveAndFileFields,
		{
			displayName: 'Tags',
			name: 'tags',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			default: {},
			placeholder: 'Add Tag',
			options: [
				{
					displayName: 'Tag',
					name: 'tag',
					values: [
						{ displayName: 'Key', name: 'key', type: 'string', default: '' },
						{ displayName: 'Value', name: 'value', type: 'string', default: '' },
					],
				},
			],
		},
	],
	buildBody: (ctx: IExecuteFunctions, itemIndex: number): IDataObject => {
		const tags = (ctx.getNodeParameter('tags.tag', itemIndex, []) as Array<{ key: string; value: string }>)
			.filter((t) => String(t.key ?? '').trim() !== '')
			.map((t) => ({ key: String(t.key).trim(), value: String(t.value ?? '') }));
		requireValid(ctx, tags.length > 0, itemIndex, 'Tags', 'add at least one tag with a key');
		return { ...readDriveAndFile(ctx, itemIndex), user_tags: tags };
	},
});
