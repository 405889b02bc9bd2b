import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customBatch'] } },
		options: [
			{
				name: 'Send Child Request',
				value: 'send',
				description: 'Send any child request /v2/batch accepts, with your own body',
				action: 'Send a custom child request',
			},
		],
		default: 'send',
	},
	...send.description,
];
