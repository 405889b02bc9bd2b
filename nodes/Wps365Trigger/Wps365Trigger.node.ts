import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { fullFileMeta, simplifyFileMeta } from '../Wps365/actions/file/getMetadata.operation';
import type { MetadataOptionValues } from '../Wps365/actions/file/metadataOptions';
import { metadataOptions, readMetadataSettings } from '../Wps365/actions/file/metadataOptions';
import { resolveWpsTarget } from '../Wps365/transport';
import { readFileMetadata, WPS_MAX_ID_LENGTH, WPS_MAX_IDS } from '../Wps365/transport/fileMetadata';
import { batchSettingsFrom } from '../shared/batchOptions';
import { chunkByLimits, runWithConcurrency } from '../shared/batchEngine';
import { idsFromValue } from '../shared/itemInput';
import { isManualPoll, lookbackHoursOf, lookbackOption, nothingToShow } from '../shared/pollWindow';

const STATE_KEY = 'watched';
/** Fingerprint of a file that WPS did not return (deleted, or the app lost permission). */
const GONE = '-';

interface TriggerOptions extends MetadataOptionValues {
	lookbackHours?: number;
	includeRemoved?: boolean;
}

/** What tells a change apart: modification time and version. */
function fingerprintOf(item: IDataObject | undefined): string {
	return item ? `${String(item.mtime)}:${String(item.version)}` : GONE;
}

export class Wps365Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'WPS 365 Trigger',
		name: 'wps365Trigger',
		icon: { light: 'file:wps365.svg', dark: 'file:wps365.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Watched files changed',
		description: 'Starts the workflow when watched WPS 365 files change (modification time or version)',
		defaults: { name: 'WPS 365 Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'wps365Api', required: true }],
		properties: [
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Watched Files Changed',
						value: 'watchedFilesChanged',
						description: 'The mtime or version of a watched file changed',
					},
				],
				default: 'watchedFilesChanged',
			},
			{
				displayName: 'File IDs',
				name: 'fileIds',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. 100001, 100002',
				description:
					'IDs of the files to watch: a comma-separated list, or an expression that returns an array. Read 1024 per request from a private deployment, 100 from the public cloud (see Batch Size).',
			},
			{
				displayName: 'Simplify',
				name: 'simple',
				type: 'boolean',
				default: true,
				description: 'Whether to return a simplified version of the response instead of the raw data',
			},
			metadataOptions([
				lookbackOption,
				{
					displayName: 'Emit Removed Files',
					name: 'includeRemoved',
					type: 'boolean',
					default: false,
					description:
						'Whether a watched file that WPS no longer returns (deleted, or the app lost permission) also starts the workflow, once, as {ID, change_type: "removed"}',
				},
			]),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { ids: listed, notText } = idsFromValue(this.getNodeParameter('fileIds', ''));
		if (notText !== undefined) {
			throw new NodeOperationError(this.getNode(), 'File IDs must be text or a list of text', {
				description: `Got ${JSON.stringify(notText).slice(0, 100)}`,
			});
		}
		const ids = [...new Set(listed)];
		if (ids.length === 0) throw new NodeOperationError(this.getNode(), 'File IDs is empty');
		const tooLong = ids.find((id) => id.length > WPS_MAX_ID_LENGTH);
		if (tooLong !== undefined) {
			throw new NodeOperationError(this.getNode(), `File IDs: "${tooLong.slice(0, 40)}…" is longer than ${WPS_MAX_ID_LENGTH} characters`);
		}
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const simple = this.getNodeParameter('simple', true) as boolean;
		const settings = batchSettingsFrom(options, WPS_MAX_IDS, this);
		const target = await resolveWpsTarget(this);
		const read = readMetadataSettings(this, options, target, settings.batchSize);

		// every watched id, in as few calls as the endpoint allows, calls in parallel
		const found = new Map<string, IDataObject>();
		await runWithConcurrency(
			chunkByLimits(ids, read.chunking).map((chunk) => async () => {
				const { items } = await readFileMetadata(this, target, chunk, { ...read.request, retry: settings.retry, timeoutMs: settings.timeoutMs });
				for (const [id, item] of items) found.set(id, item);
			}),
			settings.concurrency,
			target.needsToken,
		);
		const view = (item: IDataObject): IDataObject => ({ ...(simple ? simplifyFileMeta(item) : fullFileMeta(item)), change_type: 'changed' });

		if (isManualPoll(this)) {
			const newest = [...found.values()].reduce<IDataObject | undefined>(
				(best, item) => (best === undefined || Number(item.mtime) > Number(best.mtime) ? item : best),
				undefined,
			);
			if (!newest) throw nothingToShow(this, `watched files WPS returns (${ids.length} watched: not found or no permission)`);
			return [[{ json: view(newest) }]];
		}

		const data = this.getWorkflowStaticData('node');
		const previous = (data[STATE_KEY] ?? undefined) as Record<string, string> | undefined;
		const lookbackHours = lookbackHoursOf(options);
		const lookbackFrom = Date.now() - lookbackHours * 3600_000;
		const changed: IDataObject[] = [];
		const removed: string[] = [];
		// only the watched ids are kept: the state is as large as the watch list, no larger
		const next: Record<string, string> = {};
		for (const id of ids) {
			const item = found.get(id);
			const fingerprint = fingerprintOf(item);
			next[id] = fingerprint;
			const before = previous?.[id];
			if (before === undefined) {
				// newly watched (or first activation): this is the baseline, unless the lookback asks for recent changes
				if (previous === undefined && item && Number(item.mtime) * 1000 >= lookbackFrom && lookbackHours > 0) changed.push(item);
				continue;
			}
			if (before === fingerprint) continue;
			if (item) changed.push(item);
			else if (options.includeRemoved) removed.push(id);
		}
		data[STATE_KEY] = next;
		changed.sort((a, b) => Number(a.mtime) - Number(b.mtime) || (String(a.id) < String(b.id) ? -1 : 1));
		const items: INodeExecutionData[] = [
			...changed.map((item) => ({ json: view(item) })),
			...removed.map((id) => ({ json: { id, change_type: 'removed' } })),
		];
		return items.length ? [items] : null;
	}
}
