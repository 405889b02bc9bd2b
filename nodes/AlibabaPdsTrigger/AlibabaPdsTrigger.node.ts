import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { pdsAuthenticationProperty, pdsCredentials } from '../AlibabaPds/authentication';
import type { PdsAuthentication, PdsTarget } from '../AlibabaPds/transport';
import { pdsBatchChild, pdsTargetFor } from '../AlibabaPds/transport';
import type { BatchOptionValues } from '../shared/batchOptions';
import { batchSettingsFrom, operationOptions } from '../shared/batchOptions';
import { idsFromValue } from '../shared/itemInput';
import {
	isManualPoll,
	lookbackHoursOf,
	lookbackOption,
	nothingToShow,
	readPollWindow,
	savePollWindow,
	takeNew,
} from '../shared/pollWindow';
import type { RetryPolicy } from '../shared/transport';

/** `/file/search` returns at most 100 items per page (alibaba-pds.md). */
const SEARCH_PAGE = 100;

const CATEGORIES = [
	{ name: 'App', value: 'app' },
	{ name: 'Audio', value: 'audio' },
	{ name: 'Document', value: 'doc' },
	{ name: 'Image', value: 'image' },
	{ name: 'Others', value: 'others' },
	{ name: 'Video', value: 'video' },
	{ name: 'Zip', value: 'zip' },
];

interface TriggerOptions extends BatchOptionValues {
	lookbackHours?: number;
	parentFileId?: string;
	extensions?: string;
	categories?: string[];
	includeFolders?: boolean;
}

/** A PDS query string literal. */
function quote(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The filters of the node as a PDS query (without the time condition). */
function filterQuery(driveFilters: TriggerOptions): string[] {
	const parts: string[] = [];
	if (!driveFilters.includeFolders) parts.push('type = "file"');
	const parent = String(driveFilters.parentFileId ?? '').trim();
	if (parent) parts.push(`parent_file_id = ${quote(parent)}`);
	const extensions = idsFromValue(driveFilters.extensions ?? '').ids.map((e) => e.replace(/^\./, '').toLowerCase());
	if (extensions.length) parts.push(`file_extension in [${extensions.map(quote).join(', ')}]`);
	if (driveFilters.categories?.length) parts.push(`category in [${driveFilters.categories.map(quote).join(', ')}]`);
	return parts;
}

/** All pages of one `/file/search`, each page a `/v2/batch` child like every PDS call of the package. */
async function searchAll(
	ctx: IPollFunctions,
	target: PdsTarget,
	body: IDataObject,
	retry: RetryPolicy,
	maxItems = Infinity,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let marker = '';
	do {
		const page = await pdsBatchChild<{ items?: IDataObject[]; next_marker?: string }>(
			ctx,
			target,
			{ url: '/file/search', body: { ...body, limit: Math.min(SEARCH_PAGE, maxItems - items.length), ...(marker ? { marker } : {}) } },
			retry,
		);
		items.push(...(page.items ?? []));
		marker = String(page.next_marker ?? '');
	} while (marker && items.length < maxItems);
	return items;
}

export class AlibabaPdsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alibaba Cloud PDS Trigger',
		name: 'alibabaPdsTrigger',
		icon: { light: 'file:alibabaPds.svg', dark: 'file:alibabaPds.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"File created or updated: " + $parameter["driveId"]}}',
		description: 'Starts the workflow when a file in a PDS drive is created or updated',
		defaults: { name: 'Alibaba Cloud PDS Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: pdsCredentials,
		properties: [
			pdsAuthenticationProperty,
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'File Created or Updated',
						value: 'fileChanged',
						description: 'A file in the drive was created or changed (its updated_at moved)',
					},
				],
				default: 'fileChanged',
			},
			{
				displayName: 'Drive ID',
				name: 'driveId',
				type: 'string',
				default: '',
				required: true,
				description: 'Drive to watch',
			},
			operationOptions(
				[
					lookbackOption,
					{
						displayName: 'Only in Folder ID',
						name: 'parentFileId',
						type: 'string',
						default: '',
						description:
							'Only files directly in this folder (parent_file_id); PDS search has no "anywhere below" condition. Leave empty for the whole drive.',
					},
					{
						displayName: 'Only Extensions',
						name: 'extensions',
						type: 'string',
						default: '',
						placeholder: 'e.g. pdf, docx',
						description: 'Only files with these extensions (comma-separated). Leave empty for all.',
					},
					{
						displayName: 'Only Categories',
						name: 'categories',
						type: 'multiOptions',
						options: CATEGORIES,
						default: [],
						description: 'Only files of these PDS categories. Leave empty for all.',
					},
					{
						displayName: 'Include Folders',
						name: 'includeFolders',
						type: 'boolean',
						default: false,
						description: 'Whether folders that are created or renamed also start the workflow',
					},
				],
				1,
				'searches',
				// one search, its pages read one after another: nothing runs side by side
				{ concurrency: false },
			),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const driveId = String(this.getNodeParameter('driveId', '')).trim();
		if (!driveId) throw new NodeOperationError(this.getNode(), 'Drive ID: is required');
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const settings = batchSettingsFrom(options, 1, this);
		const authentication = this.getNodeParameter('authentication', 'jwtApp') as PdsAuthentication;
		const target = await pdsTargetFor(this, authentication);
		const filters = filterQuery(options);
		const lookbackHours = lookbackHoursOf(options);
		const now = Date.now();
		const output = (file: IDataObject, changeType: 'created' | 'updated'): INodeExecutionData => ({
			// the same shape as the PDS node's File operations: the object's id first
			json: { id: file.file_id, ...file, change_type: changeType },
		});

		if (isManualPoll(this)) {
			const [newest] = await searchAll(
				this,
				target,
				{ drive_id: driveId, query: filters.join(' and '), order_by: 'updated_at DESC' },
				settings.retry,
				1,
			);
			if (!newest) throw nothingToShow(this, `files matching the filters in drive ${driveId}`);
			return [[output(newest, newest.created_at === newest.updated_at ? 'created' : 'updated')]];
		}

		const fingerprint = JSON.stringify([driveId, filters]);
		const window = readPollWindow(this, now, lookbackHours, fingerprint);
		const since = new Date(window.start).toISOString();
		const listed = await searchAll(
			this,
			target,
			{
				drive_id: driveId,
				query: [`updated_at >= ${quote(since)}`, ...filters].join(' and '),
				order_by: 'updated_at ASC',
			},
			settings.retry,
		);
		const { fresh, next } = takeNew(
			window,
			listed.map((entry) => ({
				entry,
				key: `${String(entry.file_id)}@${String(entry.updated_at)}`,
				time: Date.parse(String(entry.updated_at)),
			})),
			now,
		);
		savePollWindow(this, next, fingerprint);
		if (fresh.length === 0) return null;
		// created: this is the file's first version, or it was created after everything handled before
		const handledUntil = window.state.cursor;
		return [
			fresh.map((file) =>
				output(
					file,
					file.created_at === file.updated_at || Date.parse(String(file.created_at)) > handledUntil ? 'created' : 'updated',
				),
			),
		];
	}
}
