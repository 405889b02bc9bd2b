import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runOperation } from '../../shared/batchEngine';

import * as file from './file';

/** Dispatches to the operation, which handles all input items at once. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	if (resource === 'file' && operation === 'getMetadata') {
		return [await runOperation(this, async () => await file.getMetadata.execute.call(this))];
	}
	throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not known`);
}
