import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['drive'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a drive',
				action: 'Get a drive',
			},
		],
		default: 'get',
	},
	...get.description,
];
