import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import * as batchAction from './batchAction.operation';
import { actionField, ASSET_ACTIONS } from './batchAction.operation';

type OperationModule = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

/** Version 1: "Batch Action" with a separate Action field (each item's Action is read). */
const batchActionV1: OperationModule = {
	execute: async function (this: IExecuteFunctions) {
		return await batchAction.execute.call(this);
	},
};

/** Version 2: one operation per action. */
const operationFor = (action: string): OperationModule => ({
	execute: async function (this: IExecuteFunctions) {
		return await batchAction.execute.call(this, action);
	},
});

export const operations: Record<string, OperationModule> = {
	batchAction: batchActionV1,
	...Object.fromEntries(ASSET_ACTIONS.map((a) => [a.operation, operationFor(a.value)])),
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['digitalAsset'], '@version': [1] } },
		options: [
			{
				name: 'Batch Action',
				value: 'batchAction',
				description: 'Activate, deactivate, delete, restore, share or unshare digital assets, 100 per request',
				action: 'Run an action on digital assets',
			},
		],
		default: 'batchAction',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['digitalAsset'], '@version': [{ _cnd: { gte: 2 } }] } },
		options: ASSET_ACTIONS.map((a) => ({
			name: a.operation === 'moveToRecycleBin' ? 'Move to Recycle Bin' : a.name,
			value: a.operation,
			description: `${a.description}, 100 per request`,
			action: a.action,
		})),
		default: 'activate',
	},
	actionField,
	...batchAction.description,
];
