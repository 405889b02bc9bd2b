import type { INodeProperties } from 'n8n-workflow';

import * as getMetadata from './getMetadata.operation';

export { getMetadata };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Get Metadata',
				value: 'getMetadata',
				description: 'Get the metadata of many files and folders, 1024 per request',
				action: 'Get file metadata',
			},
		],
		default: 'getMetadata',
	},
	...getMetadata.description,
];
