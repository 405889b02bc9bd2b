import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, UnitOutcome } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { operationOptions, readBatchSettings } from '../../../shared/batchOptions';
import { readBoolean, readIdList, requireIdLengths, requireValid } from '../../../shared/itemInput';
import type { RequestContext, RetryPolicy } from '../../../shared/transport';
import { describeValue, unexpectedResponse } from '../../../shared/transport';
import { resolveWpsTarget, wpsPost } from '../../transport';

/** batch_get_meta takes at most 1024 ids of at most 1024 characters (wps365.md 1.6). */
export const WPS_MAX_IDS = 1024;
const MAX_ID_LENGTH = 1024;
const PATH = '/v7/files/batch_get_meta';

const properties: INodeProperties[] = [
	{
		displayName: 'File IDs',
		name: 'fileIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 100001, 100002',
		description:
			'IDs of files or folders: one ID, a comma-separated list, or an expression that returns an array. IDs of all items are de-duplicated and sent together, 1024 per request.',
	},
	{
		displayName: 'Simplify',
		name: 'simple',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
	operationOptions(
		[
			{
				displayName: 'ID Type (KSO-1 Private Deployments Only)',
				name: 'idType',
				type: 'options',
				options: [
					{ name: 'Default', value: '' },
					{ name: 'Internal', value: 'internal' },
					{ name: 'External', value: 'external' },
				],
				default: '',
				description:
					'Whether the IDs are internal or external IDs (sent as the X-KSO-ID-TYPE header, version 7.0.2507 and later). Only private deployments signed with KSO-1 know it: it is ignored with WPS-4, WPS-4-GM and the public cloud.',
			},
		],
		WPS_MAX_IDS,
		'file IDs',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getMetadata'] } },
	properties,
);

interface FileUnit {
	fileId: string;
}

interface BatchGetMetaResponse extends IDataObject {
	code?: number;
	data?: { items?: IDataObject[] };
}

/**
 * One `batch_get_meta` call (1..1024 ids): the returned items by id. Ids WPS leaves out (not found
 * or no permission) are absent from the map.
 */
export async function batchGetMeta(
	ctx: RequestContext,
	apiBase: string,
	fileIds: string[],
	headers: IDataObject,
	retry: RetryPolicy,
	timeoutMs?: number,
): Promise<Map<string, IDataObject>> {
	// a read: safe to send again after a lost answer
	const response = await wpsPost<BatchGetMetaResponse>(ctx, apiBase, PATH, { file_ids: fileIds }, headers, retry, {
		timeoutMs,
		resendSafe: true,
	});
	const data = response.body.data;
	if (data === null || typeof data !== 'object' || Array.isArray(data)) {
		throw unexpectedResponse(ctx, 'WPS', `expected "data" to be an object, got ${describeValue(data)}`, response.headers);
	}
	if (!Array.isArray(data.items)) {
		throw unexpectedResponse(ctx, 'WPS', `expected "data.items" to be an array, got ${describeValue(data.items)}`, response.headers);
	}
	for (const item of data.items as unknown[]) {
		const id = (item as IDataObject | null)?.id;
		if (!item || typeof item !== 'object' || Array.isArray(item) || (typeof id !== 'string' && typeof id !== 'number')) {
			throw unexpectedResponse(ctx, 'WPS', 'an entry of "data.items" without an "id"', response.headers);
		}
	}
	return new Map(data.items.map((item) => [String(item.id), item]));
}

function isoFromSeconds(value: unknown): string | undefined {
	const seconds = Number(value);
	return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

/** The documented fields, with ctime/mtime also as ISO dates. */
export function fullFileMeta(item: IDataObject): IDataObject {
	return {
		...item,
		ctime_iso: isoFromSeconds(item.ctime),
		mtime_iso: isoFromSeconds(item.mtime),
	};
}

/** The fields most workflows need. */
export function simplifyFileMeta(item: IDataObject): IDataObject {
	const person = (value: unknown) => (value as IDataObject | undefined)?.name;
	return {
		id: item.id,
		name: item.name,
		type: item.type,
		size: item.size,
		version: item.version,
		parent_id: item.parent_id,
		drive_id: item.drive_id,
		created_by: person(item.created_by),
		modified_by: person(item.modified_by),
		created_at: isoFromSeconds(item.ctime),
		modified_at: isoFromSeconds(item.mtime),
		link_url: item.link_url,
	};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readBatchSettings(this, WPS_MAX_IDS);
	const simple = readBoolean(this, this.getNodeParameter('simple', 0, true), 0, 'Simplify', true);
	const options = this.getNodeParameter('options', 0, {}) as { idType?: unknown };
	const idType = options.idType === undefined || options.idType === null ? '' : String(options.idType);

	const plan = planUnits<FileUnit>(this, items.length, (itemIndex) => {
		const ids = readIdList(this, 'fileIds', itemIndex, 'File IDs');
		requireIdLengths(this, ids, MAX_ID_LENGTH, itemIndex, 'File IDs');
		return ids.map((fileId) => ({ fileId }));
	});
	const target = await resolveWpsTarget(this);
	// checked only where it is sent (KSO-1 private deployments); elsewhere it is ignored
	if (target.idTypeApplies) {
		requireValid(this, ['', 'internal', 'external'].includes(idType), 0, 'ID Type', `"${idType.slice(0, 40)}" is not internal or external`);
	}
	const headers: IDataObject = idType && target.idTypeApplies ? { 'X-Kso-Id-Type': idType } : {};

	const sendChunk = async (chunk: Array<BatchUnit<FileUnit>>): Promise<UnitOutcome[]> => {
		const byId = await batchGetMeta(this, target.apiBase, chunk.map((u) => u.payload.fileId), headers, settings.retry, settings.timeoutMs);
		return chunk.map(({ payload }): UnitOutcome => {
			const item = byId.get(payload.fileId);
			if (!item) {
				return {
					failure: {
						message: "not returned by WPS: not found or no permission",
						context: { file_id: payload.fileId },
					},
				};
			}
			return { outputs: [{ json: simple ? simplifyFileMeta(item) : fullFileMeta(item) }] };
		});
	};

	await executePlan(plan, {
		batchSize: settings.batchSize,
		concurrency: settings.concurrency,
		dedupeKey: (u) => u.fileId,
		sendChunk,
		firstAlone: target.needsToken,
	});
	return emitOutcomes(this, plan, {
		describeUnit: (u) => `file "${u.payload?.fileId ?? '?'}"`,
		nouns: 'files',
		unitFields: (u) => ({ file_id: u.payload.fileId }),
	});
}
