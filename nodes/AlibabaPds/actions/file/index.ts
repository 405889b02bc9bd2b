import type { INodeProperties } from 'n8n-workflow';

import * as addTags from './addTags.operation';
import * as copy from './copy.operation';
import * as deleteFile from './deleteFile.operation';
import * as get from './get.operation';
import * as getDownloadUrl from './getDownloadUrl.operation';
import * as move from './move.operation';
import * as removeTags from './removeTags.operation';
import * as restore from './restore.operation';
import * as search from './search.operation';
import * as trash from './trash.operation';
import * as update from './update.operation';

export { addTags, copy, deleteFile as delete, get, getDownloadUrl, move, removeTags, restore, search, trash, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Add Tags',
				value: 'addTags',
				description: 'Add or overwrite user tags (key/value)',
				action: 'Add tags to a file',
			},
			{
				name: 'Copy',
				value: 'copy',
				description: 'Copy a file or folder (folders may copy asynchronously)',
				action: 'Copy a file',
			},
			{
				name: 'Delete Permanently',
				value: 'delete',
				description: 'Delete a file or folder permanently',
				action: 'Delete a file permanently',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a file or folder',
				action: 'Get a file',
			},
			{
				name: 'Get Download URL',
				value: 'getDownloadUrl',
				description: 'Get a temporary download URL (and optionally the file)',
				action: 'Get a file download URL',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move a file or folder',
				action: 'Move a file',
			},
			{
				name: 'Move to Recycle Bin',
				value: 'trash',
				description: 'Move a file or folder to the recycle bin',
				action: 'Move a file to the recycle bin',
			},
			{
				name: 'Remove Tags',
				value: 'removeTags',
				description: 'Remove user tags by key',
				action: 'Remove tags from a file',
			},
			{
				name: 'Restore',
				value: 'restore',
				description: 'Restore a file or folder from the recycle bin',
				action: 'Restore a file',
			},
			{
				name: 'Search',
				value: 'search',
				description: 'Search files in a drive with a PDS query',
				action: 'Search files',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Rename, describe, star, hide or label a file',
				action: 'Update a file',
			},
		],
		default: 'get',
	},
	...get.description,
	...update.description,
	...copy.description,
	...move.description,
	...deleteFile.description,
	...trash.description,
	...restore.description,
	...getDownloadUrl.description,
	...addTags.description,
	...removeTags.description,
	...search.description,
];
