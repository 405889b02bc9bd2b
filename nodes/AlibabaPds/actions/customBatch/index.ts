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
				name: 'Send Request',
				value: 'send',
				description: 'Call any PDS API the batch endpoint accepts, with a JSON body you write (for advanced users)',
				action: 'Send a custom PDS request',
			},
		],
		default: 'send',
	},
	...send.description,
];
