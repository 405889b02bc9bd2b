import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runOperation } from '../../shared/batchEngine';

import * as asyncTask from './asyncTask';
import * as customBatch from './customBatch';
import * as drive from './drive';
import * as file from './file';
import * as group from './group';
import * as shareLink from './shareLink';
import * as user from './user';

type OperationModule = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]> };

const resources: Record<string, Record<string, unknown>> = {
	asyncTask,
	customBatch,
	drive,
	file,
	group,
	shareLink,
	user,
};

/**
 * Dispatches to the operation. Every input item becomes one child request of `/v2/batch`;
 * the operation sends all items' children together, 100 per call.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation] as OperationModule | undefined;
	if (!module || typeof module.execute !== 'function') {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not known`);
	}
	return [await runOperation(this, async () => await module.execute.call(this))];
}
