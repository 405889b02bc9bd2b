import type { INodeProperties } from 'n8n-workflow';

import * as getDownloadLinks from './getDownloadLinks.operation';

export { getDownloadLinks };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['auditLog'] } },
		options: [
			{
				name: 'Get Download Links',
				value: 'getDownloadLinks',
				description: 'List the full-SQL audit log files of a TaurusDB instance with temporary download links',
				action: 'Get audit log download links',
			},
		],
		default: 'getDownloadLinks',
	},
	...getDownloadLinks.description,
];
