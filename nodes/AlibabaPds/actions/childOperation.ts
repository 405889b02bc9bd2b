import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, UnitOutcome, WorkPlan } from '../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../shared/batchEngine';
import type { BatchSettings } from '../../shared/batchOptions';
import { operationOptions, readBatchSettings } from '../../shared/batchOptions';
import { itemParameter, readIdField, requireValid } from '../../shared/itemInput';
import { listOrIdLocator, readLocatorValue } from '../../shared/resourceLocator';
import type { BatchChildResponse, PdsTarget } from '../transport';
import { pdsBatch, resolvePdsTarget } from '../transport';
import { waitForAsyncTasks } from './asyncTasks';

/** `/v2/batch` carries 1..100 child requests (alibaba-pds.md 1.2). */
export const PDS_MAX_CHILDREN = 100;

/** One input item's child request. */
export interface ChildUnit {
	url: string;
	body: IDataObject;
	/** Body field naming what the child is about; becomes `id` in the output. */
	idField: string;
}

export interface ChildOperationDefinition {
	resource: string;
	operation: string;
	/** Child url, e.g. `/file/get` ('' when `childUrl` picks it per item). */
	url: string;
	/** Body field that identifies the object, e.g. `file_id`. */
	idField: string;
	properties: INodeProperties[];
	/** Child url per item, for operations where the user picks it (Custom Batch). */
	childUrl?: (ctx: IExecuteFunctions, itemIndex: number) => string;
	/** Reads the item's parameters into the child body; throws NodeOperationError when invalid. */
	buildBody: (ctx: IExecuteFunctions, itemIndex: number) => IDataObject;
	/** Extra fields for the operation's Options collection. */
	options?: INodeProperties[];
	/** The child may start an async task (folder copy/delete/trash): offer Wait for Completion. */
	asyncTask?: boolean;
	/**
	 * A second child sent with each unit in the same `/v2/batch` call (e.g. `/file/get` for the name
	 * a download URL lacks); `merge` adds what it answered to the unit's output. A failed companion
	 * leaves the output as it is.
	 */
	companion?: {
		url: string;
		body: (unitBody: IDataObject) => IDataObject;
		merge: (output: IDataObject, response: BatchChildResponse | undefined, unitBody: IDataObject) => IDataObject;
	};
	/** Runs after the batch calls (e.g. downloads) on the filled plan. */
	afterBatch?: (
		ctx: IExecuteFunctions,
		plan: WorkPlan<ChildUnit>,
		settings: BatchSettings,
	) => Promise<void>;
}

export const waitOptions: INodeProperties[] = [
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until folder operations that run as async tasks have finished, and report their final state',
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description: 'How long to wait for async tasks before reporting them as not finished',
		displayOptions: { show: { waitForCompletion: [true] } },
	},
];

/** PDS answers child errors as `{code, message}` (either casing). */
export function childFailure(response: { status: number; body?: IDataObject }, requestId: string | undefined, unit: ChildUnit) {
	const body = response.body ?? {};
	const code = String(body.code ?? body.Code ?? `HTTP ${response.status}`);
	const message = String(body.message ?? body.Message ?? 'request failed');
	return {
		failure: {
			message: `${code}: ${message}`,
			code,
			httpCode: String(response.status),
			requestId: String(body.RequestId ?? body.request_id ?? requestId ?? '') || undefined,
			context: { id: unit.body[unit.idField], url: unit.url, status: response.status },
		},
	};
}

/**
 * Sends every unit of the plan as a child of `/v2/batch`: grouped by resource family, at most
 * `batchSize` per call, child ids unique within a call, responses mapped back by id. A child
 * status >= 400 fails only that unit.
 */
export async function sendChildren(
	ctx: IExecuteFunctions,
	plan: WorkPlan<ChildUnit>,
	target: PdsTarget,
	settings: BatchSettings,
	companion?: ChildOperationDefinition['companion'],
): Promise<void> {
	const sendChunk = async (chunk: Array<BatchUnit<ChildUnit>>): Promise<UnitOutcome[]> => {
		const children = chunk.flatMap((unit, position) => [
			{ id: String(position), url: unit.payload.url, body: unit.payload.body },
			...(companion ? [{ id: `${position}c`, url: companion.url, body: companion.body(unit.payload.body) }] : []),
		]);
		const { responses, requestId } = await pdsBatch(ctx, target, children, settings.retry, settings.timeoutMs);
		const byId = new Map(responses.map((r) => [String(r.id), r]));
		return chunk.map(({ payload }, position): UnitOutcome => {
			const response = byId.get(String(position));
			if (!response) {
				return {
					failure: {
						message: `unexpected response from PDS: no response for this child request, request id ${requestId ?? 'unknown'}`,
						requestId,
						context: { id: payload.body[payload.idField], url: payload.url },
					},
				};
			}
			if (response.status >= 400) return childFailure(response, requestId, payload);
			let json: IDataObject = { id: response.body?.[payload.idField] ?? payload.body[payload.idField], ...response.body };
			if (companion) json = companion.merge(json, byId.get(`${position}c`), payload.body);
			return { outputs: [{ json }] };
		});
	};
	await executePlan(plan, {
		// a unit with a companion takes two of the call's 100 children
		batchSize: companion ? Math.max(1, Math.floor(settings.batchSize / 2)) : settings.batchSize,
		concurrency: settings.concurrency,
		groupKey: (unit) => unit.url.split('/')[1] ?? '',
		sendChunk,
		firstAlone: target.needsToken,
	});
}

const ID_FIELDS = ['file_id', 'share_id', 'async_task_id', 'drive_id', 'user_id', 'group_id'];

/** For free-form bodies: the first id field present names the object. */
function idFieldOf(body: IDataObject): string {
	return ID_FIELDS.find((field) => body[field] !== undefined) ?? 'file_id';
}

/** Turns a definition into an operation module's `description` and `execute`. */
export function defineChildOperation(definition: ChildOperationDefinition): {
	description: INodeProperties[];
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;
} {
	const properties: INodeProperties[] = [
		...definition.properties,
		operationOptions(
			[
				...(definition.options ?? []),
				...(definition.asyncTask ? waitOptions : []),
			],
			PDS_MAX_CHILDREN,
			'items',
		),
	];
	const description = updateDisplayOptions(
		{ show: { resource: [definition.resource], operation: [definition.operation] } },
		properties,
	);

	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		const settings = readBatchSettings(this, PDS_MAX_CHILDREN);
		const plan = planUnits<ChildUnit>(this, this.getInputData().length, (itemIndex) => {
			const url = definition.childUrl ? definition.childUrl(this, itemIndex) : definition.url;
			const body = definition.buildBody(this, itemIndex);
			return [{ url, body, idField: definition.childUrl ? idFieldOf(body) : definition.idField }];
		});
		const target = await resolvePdsTarget(this);
		await sendChildren(this, plan, target, settings, definition.companion);
		const options = this.getNodeParameter('options', 0, {}) as { waitForCompletion?: boolean; waitTimeout?: number };
		if (definition.asyncTask && options.waitForCompletion) {
			await waitForAsyncTasks(this, plan, target, settings, Number(options.waitTimeout ?? 300) * 1000);
		}
		if (definition.afterBatch) await definition.afterBatch(this, plan, settings);
		return emitOutcomes(this, plan, {
			describeUnit: (u) => `${u.payload?.url ?? definition.url} ${u.payload ? `"${String(u.payload.body[u.payload.idField] ?? '')}"` : ''}`.trim(),
			nouns: 'requests',
			unitFields: (u) => ({ id: u.payload.body[u.payload.idField], url: u.payload.url }),
		});
	}

	return { description, execute };
}

// ---------------------------------------------------------------------------------------------
// Parameter readers shared by the operations

/**
 * A string parameter, or the id of a resource locator (plain strings of saved workflows too):
 * text or a number, at most 1024 characters; objects, lists and booleans are refused.
 */
export function readString(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string, required = true): string {
	const raw = itemParameter<unknown>(ctx, name, itemIndex, '');
	const isLocator = !!raw && typeof raw === 'object' && !Array.isArray(raw) && '__rl' in raw;
	return readIdField(ctx, isLocator ? readLocatorValue(ctx, name, itemIndex) : raw, itemIndex, label, required);
}

/** Reads a JSON object parameter (string or object), for free-form bodies. */
export function readJsonObject(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): IDataObject {
	const raw = ctx.getNodeParameter(name, itemIndex, {}) as unknown;
	let value = raw;
	requireValid(ctx, !(typeof raw === 'string' && raw.trim() === ''), itemIndex, label, 'is empty: give the JSON body of the request');
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			requireValid(ctx, false, itemIndex, label, `is not valid JSON (${(error as Error).message})`);
		}
	}
	requireValid(ctx, !!value && typeof value === 'object' && !Array.isArray(value), itemIndex, label, 'must be a JSON object');
	requireValid(ctx, Object.keys(value as IDataObject).length > 0, itemIndex, label, 'is an empty object: give the fields the request needs');
	return value as IDataObject;
}

/**
 * A drive picker: "From List" (drive/list, searchable by name) or "By ID". Saved workflows that
 * hold a plain drive id string keep working (readString accepts both).
 */
export function driveLocator(name: string, displayName: string, description: string, required = true): INodeProperties {
	return listOrIdLocator({ name, displayName, description, required, searchListMethod: 'searchDrives', placeholder: 'e.g. 1' });
}

/** A file or folder picker within the drive chosen above: "From List" (search by name) or "By ID". */
export function fileLocator(
	name: string,
	displayName: string,
	description: string,
	searchListMethod = 'searchFiles',
	fallback: INodeProperties['default'] = { mode: 'list', value: '' },
): INodeProperties {
	return listOrIdLocator({ name, displayName, description, required: true, searchListMethod, placeholder: 'e.g. 9520943DC264', default: fallback });
}

/** The fields every file operation needs. */
export const driveAndFileFields: INodeProperties[] = [
	driveLocator('driveId', 'Drive', 'The drive that holds the file'),
	fileLocator('fileId', 'File or Folder', 'Pick from the drive, or enter the file ID'),
];

/** PDS `check_name_mode` values: what to do when a name is already taken. */
export const CHECK_NAME_MODES = [
	{ name: 'Keep Both (Same Name)', value: 'ignore', description: 'Allow two files with the same name' },
	{ name: 'Rename', value: 'auto_rename', description: 'Add a suffix to the new name' },
	{ name: 'Fail', value: 'refuse', description: 'Report an error for this item' },
];

/** Display name shared by Move, Update (check_name_mode) and Copy (auto_rename). */
export const NAME_TAKEN_LABEL = 'If the Name Is Taken';

/** Destination folder of Copy and Move. */
export const toParentFolderField: INodeProperties = fileLocator(
	'toParentFileId',
	'To Folder',
	'Destination folder (in To Drive when set, else in the same drive); "root" for the top of the drive',
	'searchDestinationFolders',
	{ mode: 'id', value: 'root' },
);

/** Destination drive of Copy (empty: the same drive). */
export const toDriveField: INodeProperties = driveLocator(
	'toDriveId',
	'To Drive',
	'Destination drive; leave empty for the same drive',
	false,
);

export function readDriveAndFile(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return {
		drive_id: readString(ctx, 'driveId', itemIndex, 'Drive'),
		file_id: readString(ctx, 'fileId', itemIndex, 'File or Folder'),
	};
}
