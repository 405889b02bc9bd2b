import type { INodeProperties } from 'n8n-workflow';

import * as batchAction from './batchAction.operation';

export { batchAction };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['digitalAsset'] } },
		options: [
			{
				name: 'Batch Action',
				value: 'batchAction',
				description: 'Activate, deactivate, delete, restore, share or unshare digital assets, 100 per request',
				action: 'Run an action on digital assets',
			},
		],
		default: 'batchAction',
	},
	...batchAction.description,
];
