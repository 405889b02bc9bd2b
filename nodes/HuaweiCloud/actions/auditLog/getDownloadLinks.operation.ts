import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, OutputData, UnitOutcome } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { operationOptions, readBatchSettings, readWholeNumberOption } from '../../../shared/batchOptions';
import { downloadFilesIfRequested, downloadOptions } from '../../../shared/download';
import { requireValid } from '../../../shared/itemInput';
import { expectArray, expectObject, unexpectedResponse } from '../../../shared/transport';
import { formatHuaweiTime, parseDateValue } from '../../helpers/time';
import type { RequestContext, RetryPolicy } from '../../../shared/transport';
import type { HuaweiTarget } from '../../transport';
import { huaweiRequest, readHuaweiError, resolveHuaweiTarget } from '../../transport';
import { endpointOption, languageOption, projectOption, readLanguage, taurusInstanceLocator, taurusNodeLocator } from '../common.descriptions';
import { readLocatorValue } from '../../../shared/resourceLocator';
import { readResultLimit, returnAllLimitProperties } from '../../../shared/returnAllLimit';

/** `limit` is 1..50 files per page (huawei-cloud.md 3.2). */
export const TAURUSDB_MAX_PAGE = 50;
export const INSTANCE_ID = /^[A-Za-z0-9]{32}in07$/;
export const NODE_ID = /^[A-Za-z0-9]{32}no07$/;

const properties: INodeProperties[] = [
	taurusInstanceLocator('The TaurusDB instance whose audit log files to list'),
	taurusNodeLocator,
	{
		displayName: 'Start Time',
		name: 'startTime',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Files from this time on. Not earlier than the instance was created.',
	},
	{
		displayName: 'End Time',
		name: 'endTime',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Files up to this time. Not later than now.',
	},
	...returnAllLimitProperties,
	listingOptions(
		operationOptions(
			[
				...downloadOptions('audit log file'),
				projectOption,
				endpointOption('taurusdb'),
				languageOption,
				// no page size field: every request asks for up to 50 files (the API maximum), fewer
				// when Limit needs fewer; a pageSize saved by an older version is still honoured
			],
			1,
			'listings',
		),
	),
];

/**
 * The listing pages one request after another, so "Concurrent Requests" is not offered (items'
 * listings still run side by side at the default concurrency).
 */
function listingOptions(options: INodeProperties): INodeProperties {
	return { ...options, options: (options.options as INodeProperties[]).filter((o) => o.name !== 'concurrency') };
}

export const description = updateDisplayOptions(
	{ show: { resource: ['auditLog'], operation: ['getDownloadLinks'] } },
	properties,
);

export interface AuditLogListing {
	instanceId: string;
	nodeId: string;
	/** `yyyy-mm-ddThh:mm:ss+hhmm` (formatHuaweiTime). */
	startTime: string;
	endTime: string;
	/** Max files to return; Infinity for all. */
	maxFiles: number;
	pageSize: number;
	language?: string;
}

/** One file of the listing as the node outputs it: `{instance_id, name, size, updated_time, download_link, link_expired_time}`. */
export type AuditLogFile = IDataObject & { instance_id: string; name: string; updated_time: string };

/**
 * Lists the audit log files of one instance in a time window, following `last_file_name` page by
 * page until a short page or `maxFiles` (used by the Get Download Links operation and the trigger).
 */
export async function listAuditLogFiles(
	ctx: RequestContext,
	target: HuaweiTarget,
	u: AuditLogListing,
	retry: RetryPolicy,
	timeoutMs?: number,
): Promise<AuditLogFile[]> {
	const path = `/v3/${encodeURIComponent(target.projectId)}/instance/${encodeURIComponent(u.instanceId)}/auditlog/download-link`;
	const outputs: AuditLogFile[] = [];
	let lastFileName: string | undefined;
	const cursors = new Set<string>();
	while (outputs.length < u.maxFiles) {
		const limit = Math.min(u.pageSize, u.maxFiles - outputs.length);
		const qs: IDataObject = { start_time: u.startTime, end_time: u.endTime, limit };
		if (u.nodeId) qs.node_id = u.nodeId;
		if (lastFileName) qs.last_file_name = lastFileName;
		const response = await huaweiRequest<DownloadLinkResponse>(
			ctx,
			target,
			{ method: 'GET', path, qs, headers: { 'X-Language': u.language ?? 'en-us' }, timeoutMs, service: 'TaurusDB' },
			retry,
		);
		const files = checkedFiles(ctx, response.body, response.headers);
		if (files.length > limit) {
			throw unexpectedResponse(ctx, 'TaurusDB', `${files.length} files in a page of at most ${limit}`, response.headers);
		}
		// the API's `size` is in KB: the output says so in the field name
		for (const { size, ...file } of files) outputs.push({ instance_id: u.instanceId, ...file, size_kb: size });
		if (files.length < limit) break;
		const next = files[files.length - 1].name;
		if (cursors.has(next)) {
			// the service ignored last_file_name: asking again would give the same page forever
			throw unexpectedResponse(ctx, 'TaurusDB', `paging did not advance (the page after "${lastFileName}" ends with "${next}")`, response.headers);
		}
		cursors.add(next);
		lastFileName = next;
	}
	return outputs;
}

/** One item's listing; the language is the node's, read once. */
type ListingUnit = Omit<AuditLogListing, 'language'>;

interface DownloadLinkResponse {
	files?: Array<{
		name: string;
		size: number;
		updated_time: string;
		download_link: string;
		link_expired_time: string;
	}>;
}

/**
 * The `files` of a page, checked against the documented shape: an object with a `files` array
 * whose entries have a text `name` (the paging cursor) and `download_link`.
 */
function checkedFiles(ctx: { getNode(): INode }, body: unknown, headers: IDataObject): NonNullable<DownloadLinkResponse['files']> {
	const page = expectObject(ctx, 'TaurusDB', body, 'an object with a "files" array', headers);
	const files = expectArray(ctx, 'TaurusDB', page.files, '"files"', headers) as NonNullable<DownloadLinkResponse['files']>;
	files.forEach((file, index) => {
		if (!file || typeof file !== 'object' || typeof file.name !== 'string' || file.name === '' || typeof file.download_link !== 'string') {
			throw unexpectedResponse(ctx, 'TaurusDB', `file ${index} of the page has no text "name" and "download_link"`, headers);
		}
	});
	return files;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readBatchSettings(this, 1);
	const timeZone = this.getTimezone();
	const options = this.getNodeParameter('options', 0, {}) as {
		language?: string;
		pageSize?: unknown;
	};
	const language = readLanguage(this, options.language);
	const pageSize = readWholeNumberOption(this, options.pageSize, 'Page Size', 1, TAURUSDB_MAX_PAGE, TAURUSDB_MAX_PAGE);

	const plan = planUnits<ListingUnit>(this, items.length, (itemIndex) => {
		const instanceId = readLocatorValue(this, 'instanceId', itemIndex);
		requireValid(this, INSTANCE_ID.test(instanceId), itemIndex, 'Instance ID', `"${instanceId}" is not 36 letters and digits ending in "in07"`);
		const nodeId = readLocatorValue(this, 'nodeId', itemIndex);
		requireValid(this, nodeId === '' || NODE_ID.test(nodeId), itemIndex, 'Node ID', `"${nodeId}" is not 36 letters and digits ending in "no07"`);
		const start = parseDateValue(this.getNodeParameter('startTime', itemIndex, ''), timeZone);
		requireValid(this, start !== undefined, itemIndex, 'Start Time', 'is not a date');
		const end = parseDateValue(this.getNodeParameter('endTime', itemIndex, ''), timeZone);
		requireValid(this, end !== undefined, itemIndex, 'End Time', 'is not a date');
		requireValid(this, start!.getTime() <= end!.getTime(), itemIndex, 'End Time', 'is before Start Time');
		const limit = readResultLimit(this, itemIndex);
		return [
			{
				instanceId,
				nodeId,
				startTime: formatHuaweiTime(start!, timeZone),
				endTime: formatHuaweiTime(end!, timeZone),
				maxFiles: limit,
				pageSize,
			},
		];
	});
	const target = await resolveHuaweiTarget(this, 'taurusdb', settings);

	// one unit per item: its listing is paged with last_file_name until done or the limit is reached
	const listFiles = async ([unit]: Array<BatchUnit<ListingUnit>>): Promise<UnitOutcome[]> => {
		const files = await listAuditLogFiles(this, target, { ...unit.payload, language }, settings.retry, settings.timeoutMs);
		return [{ outputs: files.map((json): OutputData => ({ json })) }];
	};

	await executePlan(plan, { batchSize: 1, concurrency: settings.concurrency, sendChunk: listFiles, firstAlone: target.needsToken });
	await downloadFilesIfRequested(
		this,
		plan.outcomes,
		{ linkField: 'download_link', fileNameField: 'name' },
		settings,
		readHuaweiError,
	);
	return emitOutcomes(this, plan, {
		describeUnit: (u) => `listing of instance "${u.payload?.instanceId ?? '?'}"`,
		nouns: 'listings',
		unitFields: (u) => ({ instance_id: u.payload.instanceId, ...(u.payload.nodeId ? { node_id: u.payload.nodeId } : {}) }),
	});
}
