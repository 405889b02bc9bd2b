import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { huaweiCredentials } from './authentication';
import * as auditLog from './actions/auditLog';
import * as digitalAsset from './actions/digitalAsset';
import { router } from './actions/router';
import * as serviceTicketAttachment from './actions/serviceTicketAttachment';
import { operationSubtitle } from '../shared/subtitle';
import { searchProjects, searchTaurusInstances, searchTaurusNodes } from './methods/listSearch';

const operationProperties = [
	...serviceTicketAttachment.description,
	...digitalAsset.description,
	...auditLog.description,
];

export class HuaweiCloud implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Huawei Cloud',
		name: 'huaweiCloud',
		icon: { light: 'file:huaweiCloud.svg', dark: 'file:huaweiCloud.dark.svg' },
		group: ['transform'],
		// 2: the MetaStudio actions are operations of their own (1: "Batch Action" + Action field)
		version: [1, 2],
		defaultVersion: 2,
		subtitle: operationSubtitle(operationProperties),
		description:
			'Batch operations of Huawei Cloud: service ticket attachment links (OSM), digital asset actions (MetaStudio), audit log links (TaurusDB)',
		defaults: { name: 'Huawei Cloud' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: huaweiCredentials,
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'IAM Token (User Password)', value: 'iamToken' },
					{ name: 'AK/SK Signature', value: 'akSk' },
				],
				default: 'iamToken',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Audit Log (TaurusDB)',
						value: 'auditLog',
					},
					{
						name: 'Digital Asset (MetaStudio)',
						value: 'digitalAsset',
					},
					{
						name: 'Service Ticket Attachment (OSM)',
						value: 'serviceTicketAttachment',
					},
				],
				default: 'serviceTicketAttachment',
			},
			...operationProperties,
		],
	};

	methods = {
		listSearch: { searchProjects, searchTaurusInstances, searchTaurusNodes },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
