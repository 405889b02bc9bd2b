import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as file from './actions/file';
import { router } from './actions/router';

export class Wps365 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WPS 365',
		name: 'wps365',
		icon: { light: 'file:wps365.svg', dark: 'file:wps365.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "getMetadata" ? "Get file metadata" : $parameter["operation"] }}',
		description: 'Get the metadata of many WPS 365 (Kingsoft Office) cloud files at once',
		defaults: { name: 'WPS 365' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wps365Api', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'File', value: 'file' }],
				default: 'file',
			},
			...file.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
