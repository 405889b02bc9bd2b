import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asyncTask'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get the state of an async task',
				action: 'Get an async task',
			},
		],
		default: 'get',
	},
	...get.description,
];
