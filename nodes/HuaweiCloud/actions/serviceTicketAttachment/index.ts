import type { INodeProperties } from 'n8n-workflow';

import * as getDownloadLinks from './getDownloadLinks.operation';

export { getDownloadLinks };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['serviceTicketAttachment'] } },
		options: [
			{
				name: 'Get Download Links',
				value: 'getDownloadLinks',
				description: 'Get temporary download links of service ticket attachments, 100 per request',
				action: 'Get attachment download links',
			},
		],
		default: 'getDownloadLinks',
	},
	...getDownloadLinks.description,
];
