import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, OutputData, UnitOutcome, WorkPlan } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { operationOptions, readBatchSettings } from '../../../shared/batchOptions';
import { itemParameter, requireValid } from '../../../shared/itemInput';
import { pdsBatch, resolvePdsTarget } from '../../transport';
import { readResultLimit, returnAllLimitProperties } from '../../../shared/returnAllLimit';
import { childFailure, driveLocator, PDS_MAX_CHILDREN, readString } from '../childOperation';

/** `/file/search` returns at most 100 files per call (`limit` 1..100), then `next_marker`. */
export const PDS_SEARCH_MAX_PAGE = 100;
const MAX_QUERY_LENGTH = 4096;

/** Sortable fields of a search (`order_by` is "<field> ASC|DESC"). */
export const SEARCH_ORDER_FIELDS = [
	{ name: 'Created At', value: 'created_at' },
	{ name: 'File Extension', value: 'file_extension' },
	{ name: 'Name', value: 'name' },
	{ name: 'Size', value: 'size' },
	{ name: 'Updated At', value: 'updated_at' },
];

const properties: INodeProperties[] = [
	driveLocator('driveId', 'Drive', 'The drive to search in'),
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '',
		placeholder: 'e.g. name match "report" and type = "file"',
		description:
			'PDS query expression (up to 4096 characters), e.g. name match "report", type = "folder", parent_file_id = "root". Leave empty for every file of the drive.',
	},
	...returnAllLimitProperties,
	operationOptions(
		[
			{
				displayName: 'Order By',
				name: 'orderBy',
				type: 'options',
				options: SEARCH_ORDER_FIELDS,
				default: 'updated_at',
				description: 'Field to sort the files by',
			},
			{
				displayName: 'Order Direction',
				name: 'orderDirection',
				type: 'options',
				options: [
					{ name: 'Ascending', value: 'ASC' },
					{ name: 'Descending', value: 'DESC' },
				],
				default: 'DESC',
			},
		],
		PDS_MAX_CHILDREN,
		'searches (one page each)',
	),
];

export const description = updateDisplayOptions({ show: { resource: ['file'], operation: ['search'] } }, properties);

interface SearchListing {
	body: IDataObject;
	/** Max files for this item; Infinity for Return All. */
	maxFiles: number;
}

interface SearchPage {
	files?: IDataObject[];
	next_marker?: string;
}

/**
 * One item per file found. Every input item is one search; its pages are followed with
 * `next_marker` inside the node. Each round sends the next page of every unfinished search as
 * children of `/v2/batch` (100 per call), so 150 searches of 3 pages take 2 calls per round.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const settings = readBatchSettings(this, PDS_MAX_CHILDREN);
	const plan = planUnits<SearchListing>(this, this.getInputData().length, (itemIndex) => {
		const query = String(itemParameter(this, 'query', itemIndex, '') ?? '').trim();
		requireValid(this, query.length <= MAX_QUERY_LENGTH, itemIndex, 'Query', `longer than ${MAX_QUERY_LENGTH} characters`);
		const limit = readResultLimit(this, itemIndex);
		const options = itemParameter(this, 'options', itemIndex, {}) as { orderBy?: string; orderDirection?: string; marker?: string };
		const orderBy = String(options.orderBy ?? '').trim();
		// a saved workflow may hold a full "field DIRECTION" text from when this was a text field
		const order = orderBy === '' ? '' : orderBy.includes(' ') ? orderBy : `${orderBy} ${options.orderDirection ?? 'DESC'}`;
		return [
			{
				body: {
					drive_id: readString(this, 'driveId', itemIndex, 'Drive'),
					...(query ? { query } : {}),
					...(order ? { order_by: order } : {}),
				},
				maxFiles: limit,
			},
		];
	});
	const target = await resolvePdsTarget(this);

	const found: OutputData[][] = plan.units.map(() => []);
	const markers: Array<string | undefined> = plan.units.map(() => undefined);
	let pending = plan.units.map((_, index) => index).filter((index) => plan.outcomes[index] === undefined);
	let firstAlone = target.needsToken;
	while (pending.length > 0) {
		const round: WorkPlan<number> = {
			units: pending.map((index) => ({ itemIndex: plan.units[index].itemIndex, payload: index })),
			outcomes: pending.map(() => undefined),
		};
		const sendChunk = async (chunk: Array<BatchUnit<number>>): Promise<UnitOutcome[]> => {
			const children = chunk.map(({ payload: index }, position) => {
				const { body, maxFiles } = plan.units[index].payload;
				const limit = Math.min(PDS_SEARCH_MAX_PAGE, maxFiles - found[index].length);
				return {
					id: String(position),
					url: '/file/search',
					body: { ...body, limit, ...(markers[index] ? { marker: markers[index] } : {}) },
				};
			});
			const { responses, requestId } = await pdsBatch(this, target, children, settings.retry);
			const byId = new Map(responses.map((r) => [String(r.id), r]));
			return chunk.map(({ payload: index }, position): UnitOutcome => {
				const response = byId.get(String(position));
				if (!response) return { failure: { message: 'PDS returned no response for this search', requestId } };
				if (response.status >= 400) {
					return childFailure(response, requestId, { url: '/file/search', body: plan.units[index].payload.body, idField: 'drive_id' });
				}
				const page = response.body ?? {};
				const items = Array.isArray(page.items) ? (page.items as IDataObject[]) : [];
				return { outputs: [{ json: { files: items, next_marker: page.next_marker } as IDataObject }] };
			});
		};
		await executePlan(round, { batchSize: settings.batchSize, concurrency: settings.concurrency, sendChunk, firstAlone });
		firstAlone = false;

		const next: number[] = [];
		round.units.forEach(({ payload: index }, position) => {
			const outcome = round.outcomes[position]!;
			if ('failure' in outcome) {
				plan.outcomes[index] = outcome;
				return;
			}
			const page = outcome.outputs[0].json as SearchPage;
			const files = page.files ?? [];
			for (const file of files) found[index].push({ json: { id: file.file_id, ...file } });
			const marker = String(page.next_marker ?? '');
			if (marker && files.length > 0 && found[index].length < plan.units[index].payload.maxFiles) {
				markers[index] = marker;
				next.push(index);
			} else {
				plan.outcomes[index] = { outputs: found[index].slice(0, plan.units[index].payload.maxFiles) };
			}
		});
		pending = next;
	}

	return emitOutcomes(this, plan, {
		describeUnit: (u) => `search in drive "${String(u.payload?.body.drive_id ?? '?')}"`,
		nouns: 'searches',
	});
}
