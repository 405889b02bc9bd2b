import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runOperation } from '../../shared/batchEngine';

import * as auditLog from './auditLog';
import * as digitalAsset from './digitalAsset';
import type { HuaweiCloudType } from './node.type';
import * as serviceTicketAttachment from './serviceTicketAttachment';

/**
 * Dispatches to the operation. Every operation handles all input items at once (that is what
 * lets it batch them) and returns items paired with their inputs.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter<HuaweiCloudType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const huaweiCloud = { resource, operation } as HuaweiCloudType;

	let output: INodeExecutionData[];
	switch (huaweiCloud.resource) {
		case 'serviceTicketAttachment':
			output = await runOperation(this, async () => await serviceTicketAttachment[huaweiCloud.operation].execute.call(this));
			break;
		case 'digitalAsset': {
			const operationModule = digitalAsset.operations[huaweiCloud.operation];
			if (!operationModule) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not known`);
			}
			output = await runOperation(this, async () => await operationModule.execute.call(this));
			break;
		}
		case 'auditLog':
			output = await runOperation(this, async () => await auditLog[huaweiCloud.operation].execute.call(this));
			break;
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource as string}" is not known`);
	}
	return [output];
}
