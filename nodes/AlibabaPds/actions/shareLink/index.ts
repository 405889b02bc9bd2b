import type { INodeProperties } from 'n8n-workflow';

import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as get from './get.operation';
import * as getShareToken from './getShareToken.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export { cancel, create, get, getShareToken, list, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['shareLink'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a share link',
				action: 'Cancel a share link',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create a share link',
				action: 'Create a share link',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get a share link',
				action: 'Get a share link',
			},
			{
				name: 'Get Share Token',
				value: 'getShareToken',
				description: 'Get a share token for a share link',
				action: 'Get a share token',
			},
			{
				name: 'List',
				value: 'list',
				description: 'List share links',
				action: 'List share links',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Update a share link',
				action: 'Update a share link',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...update.description,
	...cancel.description,
	...list.description,
	...getShareToken.description,
];
