import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, UnitOutcome } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { readBatchSettings } from '../../../shared/batchOptions';
import { readBoolean, readIdList, requireIdLengths } from '../../../shared/itemInput';
import { resolveWpsTarget } from '../../transport';
import { readFileMetadata, WPS_MAX_ID_LENGTH, WPS_MAX_IDS } from '../../transport/fileMetadata';
import type { MetadataOptionValues } from './metadataOptions';
import { metadataOptions, readMetadataSettings } from './metadataOptions';

const properties: INodeProperties[] = [
	{
		displayName: 'File IDs',
		name: 'fileIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 100001, 100002',
		description:
			'IDs of files or folders: one ID, a comma-separated list, or an expression that returns an array. IDs of all items are de-duplicated and sent together: 1024 per request to a private deployment, 100 to the public cloud (see Batch Size).',
	},
	{
		displayName: 'Simplify',
		name: 'simple',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
	},
	metadataOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['getMetadata'] } },
	properties,
);

interface FileUnit {
	fileId: string;
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
	const target = await resolveWpsTarget(this);
	const options = this.getNodeParameter('options', 0, {}) as MetadataOptionValues;
	const read = readMetadataSettings(this, options, target, settings.batchSize);

	const plan = planUnits<FileUnit>(this, items.length, (itemIndex) => {
		const ids = readIdList(this, 'fileIds', itemIndex, 'File IDs');
		requireIdLengths(this, ids, WPS_MAX_ID_LENGTH, itemIndex, 'File IDs');
		return ids.map((fileId) => ({ fileId }));
	});

	const sendChunk = async (chunk: Array<BatchUnit<FileUnit>>): Promise<UnitOutcome[]> => {
		const { items: byId, failures } = await readFileMetadata(
			this,
			target,
			chunk.map((u) => u.payload.fileId),
			{ ...read.request, retry: settings.retry, timeoutMs: settings.timeoutMs },
		);
		return chunk.map(({ payload }): UnitOutcome => {
			const item = byId.get(payload.fileId);
			if (item) return { outputs: [{ json: simple ? simplifyFileMeta(item) : fullFileMeta(item) }] };
			const failure = failures.get(payload.fileId);
			if (failure) {
				return {
					failure: {
						message: `WPS error ${failure.code || '(no code)'}: ${failure.message}`,
						...(failure.code ? { code: failure.code } : {}),
						context: { file_id: payload.fileId },
					},
				};
			}
			return {
				failure: {
					// batch_get_meta leaves such ids out; batch_get (mode=detailed) should have listed it as
					// a failure, unless it read the ids differently (the query format is not documented)
					message: target.publicCloudApi
						? 'not returned by WPS, and not listed among its failures either. If every ID ends like this, try the other "File IDs in Query" option.'
						: 'not returned by WPS: not found or no permission',
					context: { file_id: payload.fileId },
				},
			};
		});
	};

	const weight = read.chunking.weight;
	await executePlan(plan, {
		batchSize: read.chunking.batchSize,
		unitWeight: weight ? (u) => weight(u.fileId) : undefined,
		maxChunkWeight: read.chunking.maxWeight,
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
