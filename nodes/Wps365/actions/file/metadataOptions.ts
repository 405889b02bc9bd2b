import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { BatchOptionValues } from '../../../shared/batchOptions';
import { operationOptions } from '../../../shared/batchOptions';
import type { NodeOwner } from '../../../shared/itemInput';
import { readBoolean, requireValid } from '../../../shared/itemInput';
import type { WpsTarget } from '../../transport';
import type { FileMetadataRequest, WpsIdsQueryFormat } from '../../transport/fileMetadata';
import {
	fileMetadataChunking,
	WPS_MAX_IDS,
	WPS_PUBLIC_DEFAULT_BATCH_SIZE,
	WPS_PUBLIC_MAX_QUERY_BYTES,
} from '../../transport/fileMetadata';

/**
 * The options of a metadata read, shared by File > Get Metadata and the WPS 365 Trigger: each
 * option names the deployments that know it, because one credential type serves all three
 * generations.
 */
const metadataOptionFields: INodeProperties[] = [
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
	{
		displayName: 'Include Permissions (Public Cloud Only)',
		name: 'withPermission',
		type: 'boolean',
		default: false,
		description:
			'Whether the public cloud also returns what the app may do with each file (with_permission). Seen with Simplify off. Ignored by private deployments.',
	},
	{
		displayName: 'Include Extended Attributes (Public Cloud Only)',
		name: 'withExtAttrs',
		type: 'boolean',
		default: false,
		description:
			'Whether the public cloud also returns the extended attributes of each file (with_ext_attrs). Seen with Simplify off. Ignored by private deployments.',
	},
	{
		displayName: 'Include Drive (Public Cloud Only)',
		name: 'withDrive',
		type: 'boolean',
		default: false,
		description:
			'Whether the public cloud also returns the drive each file is on (with_drive). Seen with Simplify off. Ignored by private deployments.',
	},
	{
		displayName: 'File IDs in Query (Public Cloud Only)',
		name: 'idsQueryFormat',
		type: 'options',
		options: [
			{ name: 'Repeated Key', value: 'repeat', description: 'Sent as file_ids=a&file_ids=b' },
			{ name: 'Comma-Separated', value: 'comma', description: 'Sent as file_ids=a,b' },
		],
		default: 'repeat',
		description:
			'How the public cloud\'s GET batch_get receives the list of IDs. WPS does not document it: change it only if every ID comes back as not found.',
	},
];

/** The "Options" collection of a metadata read, with the batching fields. */
export function metadataOptions(extraFields: INodeProperties[] = []): INodeProperties {
	return operationOptions(
		[...extraFields, ...metadataOptionFields],
		WPS_MAX_IDS,
		'file IDs',
		{
			batchSizeNote: `On the public cloud, which documents no maximum, ${WPS_PUBLIC_DEFAULT_BATCH_SIZE} are sent unless this is set, and the IDs of one request stay under ${WPS_PUBLIC_MAX_QUERY_BYTES / 1024} KB of URL.`,
		},
	);
}

export interface MetadataOptionValues extends BatchOptionValues {
	idType?: unknown;
	withPermission?: unknown;
	withExtAttrs?: unknown;
	withDrive?: unknown;
	idsQueryFormat?: unknown;
}

export interface MetadataReadSettings {
	request: Omit<FileMetadataRequest, 'retry' | 'timeoutMs'>;
	chunking: ReturnType<typeof fileMetadataChunking>;
}

/**
 * Reads the metadata options for the target (node-wide, item 0): the headers and query fields
 * to send and how to chunk the ids. Only the options the target's generation knows are checked.
 */
export function readMetadataSettings(
	ctx: NodeOwner,
	options: MetadataOptionValues,
	target: WpsTarget,
	validatedBatchSize: number,
): MetadataReadSettings {
	const idType = options.idType === undefined || options.idType === null ? '' : String(options.idType);
	if (target.idTypeApplies) {
		requireValid(ctx, ['', 'internal', 'external'].includes(idType), 0, 'ID Type', `"${idType.slice(0, 40)}" is not internal or external`);
	}
	const format = options.idsQueryFormat === undefined || options.idsQueryFormat === null || options.idsQueryFormat === '' ? 'repeat' : String(options.idsQueryFormat);
	if (target.publicCloudApi) {
		requireValid(ctx, format === 'repeat' || format === 'comma', 0, 'File IDs in Query', `"${format.slice(0, 40)}" is not repeat or comma`);
	}
	const batchSizeSet = options.batchSize !== undefined && options.batchSize !== null && options.batchSize !== '';
	return {
		request: {
			headers: idType && target.idTypeApplies ? { 'X-Kso-Id-Type': idType } : ({} as IDataObject),
			idsFormat: format as WpsIdsQueryFormat,
			withPermission: readBoolean(ctx, options.withPermission, 0, 'Include Permissions', false),
			withExtAttrs: readBoolean(ctx, options.withExtAttrs, 0, 'Include Extended Attributes', false),
			withDrive: readBoolean(ctx, options.withDrive, 0, 'Include Drive', false),
		},
		chunking: fileMetadataChunking(target, batchSizeSet ? validatedBatchSize : undefined, format as WpsIdsQueryFormat),
	};
}
