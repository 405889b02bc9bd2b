import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { pdsCredentials } from './authentication';
import * as asyncTask from './actions/asyncTask';
import * as customBatch from './actions/customBatch';
import * as drive from './actions/drive';
import * as file from './actions/file';
import * as group from './actions/group';
import { router } from './actions/router';
import { searchDestinationFolders, searchDrives, searchFiles } from './methods/listSearch';
import * as shareLink from './actions/shareLink';
import * as user from './actions/user';
import { operationSubtitle } from '../shared/subtitle';

const operationProperties = [
	...file.description,
	...shareLink.description,
	...drive.description,
	...user.description,
	...group.description,
	...asyncTask.description,
	...customBatch.description,
];

export class AlibabaPds implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud PDS',
		name: 'alibabaPds',
		icon: { light: 'file:alibabaPds.svg', dark: 'file:alibabaPds.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(operationProperties),
		description:
			'Files, share links, drives, users and groups of Alibaba Cloud Drive and Photo Service, sent 100 at a time through the Batch API',
		defaults: { name: 'Alibaba Cloud PDS' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: pdsCredentials,
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'JWT App (Access Token)', value: 'jwtApp' },
					{ name: 'AccessKey Signature', value: 'accessKey' },
				],
				default: 'jwtApp',
			},
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					// alphabetical (n8n's rule); the advanced ones are named so that they sort after File
					{ name: 'Drive', value: 'drive' },
					{ name: 'File', value: 'file' },
					{ name: 'Group', value: 'group' },
					{ name: 'Other Request (Advanced)', value: 'customBatch' },
					{ name: 'Share Link', value: 'shareLink' },
					{ name: 'Task (Folder Copy/Delete Progress)', value: 'asyncTask' },
					{ name: 'User', value: 'user' },
				],
				default: 'file',
			},
			...operationProperties,
		],
	};

	methods = {
		listSearch: { searchDestinationFolders, searchDrives, searchFiles },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
