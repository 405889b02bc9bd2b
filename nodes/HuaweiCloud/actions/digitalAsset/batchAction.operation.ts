import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, UnitOutcome } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { operationOptions, readBatchSettings } from '../../../shared/batchOptions';
import { itemParameter, readIdList, requireIdLengths, requireValid } from '../../../shared/itemInput';
import { describeValue, unexpectedResponse } from '../../../shared/transport';
import { huaweiRequest, resolveHuaweiTarget } from '../../transport';
import { endpointOption, projectOption } from '../common.descriptions';

/** `asset_ids` holds 1..100 ids of 1..64 characters (huawei-cloud.md 2.1). */
export const METASTUDIO_MAX_IDS = 100;
const MAX_ID_LENGTH = 64;
const MAX_PARAMS_LENGTH = 4096;
const MAX_APP_USER_ID_LENGTH = 256;
const CHINESE_CHARACTERS = /[\u3400-\u9fff\uf900-\ufaff]/;
/** X-App-UserId goes into an HTTP header: printable ASCII only (no CR/LF, no emoji). */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * The actions of `batch-action`. Node version 2 offers each as an Operation (`operation`); version 1
 * had one "Batch Action" operation and this list as a separate Action field (kept for saved workflows).
 */
export const ASSET_ACTIONS = [
	{ name: 'Activate', value: 'ACTIVE', operation: 'activate', description: 'Activate the assets', action: 'Activate digital assets' },
	{ name: 'Deactivate', value: 'UNACTIVE', operation: 'deactivate', description: 'Deactivate the assets. Only deactivated assets can be edited or deleted.', action: 'Deactivate digital assets' },
	{ name: 'Delete', value: 'DELETE', operation: 'moveToRecycleBin', description: 'Move the assets to the recycle bin (permanently deleted after 7 days)', action: 'Move digital assets to the recycle bin' },
	{ name: 'Delete Permanently', value: 'DELETE_FORCE', operation: 'deletePermanently', description: 'Delete the assets immediately, without the recycle bin', action: 'Delete digital assets permanently' },
	{ name: 'Restore', value: 'RESTORE', operation: 'restore', description: 'Restore the assets from the recycle bin', action: 'Restore digital assets' },
	{ name: 'Share', value: 'SHARE', operation: 'share', description: 'Share the assets', action: 'Share digital assets' },
	{ name: 'Unshare', value: 'UNSHARE', operation: 'unshare', description: 'Cancel sharing of the assets', action: 'Unshare digital assets' },
] as const;

/** Version 2 operations, one per action. */
export const ASSET_OPERATIONS = ASSET_ACTIONS.map((a) => a.operation);

/** Version 1 only: the Action field of the "Batch Action" operation. */
export const actionField: INodeProperties = {
	displayName: 'Action',
	name: 'action',
	type: 'options',
	options: ASSET_ACTIONS.map(({ name, value, description }) => ({ name, value, description })),
	default: 'UNACTIVE',
	description: 'What to do with the assets',
	displayOptions: { show: { resource: ['digitalAsset'], operation: ['batchAction'], '@version': [1] } },
};

const properties: INodeProperties[] = [
	{
		displayName: 'Asset IDs',
		name: 'assetIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 2b7a..., 9f1c...',
		description:
			'Digital asset IDs: one ID, a comma-separated list, or an expression that returns an array. IDs of all items with the same action are sent together, 100 per request.',
	},
	operationOptions(
		[
			{
				displayName: 'Operation Parameters',
				name: 'params',
				type: 'string',
				default: '',
				description:
					'Extra text sent with the action in the request body field "params" (up to 4096 characters). Huawei does not document what it does: leave it empty unless Huawei support gives you a value.',
			},
			{
				displayName: 'Third-Party User ID',
				name: 'appUserId',
				type: 'string',
				default: '',
				description: 'Sent as the X-App-UserId header (up to 256 characters, no Chinese characters)',
			},
			projectOption,
			endpointOption('metastudio'),
		],
		METASTUDIO_MAX_IDS,
		'asset IDs',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['digitalAsset'], operation: ['batchAction', ...ASSET_OPERATIONS] } },
	properties,
);

interface AssetUnit {
	assetId: string;
	action: string;
	params: string;
	appUserId: string;
}

interface BatchActionResponse {
	results?: Array<{
		asset_ids?: string[];
		ret_status?: string;
		error_info?: { error_code?: string; error_msg?: string };
	}>;
}

/**
 * Runs one action on the assets of all items. `fixedAction` is the action of a version 2 operation;
 * without it (version 1 "Batch Action") each item's Action field is read.
 */
export async function execute(this: IExecuteFunctions, fixedAction?: string): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readBatchSettings(this, METASTUDIO_MAX_IDS);

	const plan = planUnits<AssetUnit>(this, items.length, (itemIndex) => {
		const action = fixedAction ?? String(itemParameter(this, 'action', itemIndex, ''));
		requireValid(this, ASSET_ACTIONS.some((a) => a.value === action), itemIndex, 'Action', `"${action}" is not one of ${ASSET_ACTIONS.map((a) => a.value).join(', ')}`);
		const ids = readIdList(this, 'assetIds', itemIndex, 'Asset IDs');
		requireIdLengths(this, ids, MAX_ID_LENGTH, itemIndex, 'Asset IDs');
		const options = itemParameter(this, 'options', itemIndex, {}) as { params?: string; appUserId?: string };
		const params = String(options.params ?? '');
		const appUserId = String(options.appUserId ?? '').trim();
		requireValid(this, params.length <= MAX_PARAMS_LENGTH, itemIndex, 'Operation Parameters', `longer than ${MAX_PARAMS_LENGTH} characters`);
		requireValid(this, appUserId.length <= MAX_APP_USER_ID_LENGTH, itemIndex, 'Third-Party User ID', `longer than ${MAX_APP_USER_ID_LENGTH} characters`);
		requireValid(this, !CHINESE_CHARACTERS.test(appUserId), itemIndex, 'Third-Party User ID', 'must not contain Chinese characters');
		requireValid(this, HEADER_SAFE.test(appUserId), itemIndex, 'Third-Party User ID', 'may only contain printable ASCII characters (no line breaks or emoji)');
		return ids.map((assetId) => ({ assetId, action, params, appUserId }));
	});
	const target = await resolveHuaweiTarget(this, 'metastudio', settings);
	const path = `/v1/${encodeURIComponent(target.projectId)}/digital-assets/batch-action`;

	const sendChunk = async (chunk: Array<BatchUnit<AssetUnit>>): Promise<UnitOutcome[]> => {
		const { action, params, appUserId } = chunk[0].payload;
		const body: IDataObject = { action, asset_ids: chunk.map((u) => u.payload.assetId) };
		if (params) body.params = params;
		const response = await huaweiRequest<BatchActionResponse>(
			this,
			target,
			{
				method: 'POST',
				path,
				body,
				headers: { 'Content-Type': 'application/json', ...(appUserId ? { 'X-App-UserId': appUserId } : {}) },
				// every action is idempotent: a resend after a lost answer at worst finds it done
				resendSafe: true,
				timeoutMs: settings.timeoutMs,
				service: 'MetaStudio',
			},
			settings.retry,
		);
		const requestId = response.headers['x-request-id'] as string | undefined;
		const results = (response.body as BatchActionResponse | null)?.results;
		if (response.body === null || typeof response.body !== 'object' || !Array.isArray(results)) {
			throw unexpectedResponse(this, 'MetaStudio', `expected an object with a "results" array, got ${describeValue(results ?? response.body)}`, response.headers);
		}
		const resultById = new Map<string, NonNullable<BatchActionResponse['results']>[number]>();
		for (const group of results) {
			if (!group || typeof group !== 'object' || !Array.isArray(group.asset_ids)) {
				throw unexpectedResponse(this, 'MetaStudio', 'a result without an "asset_ids" array', response.headers);
			}
			for (const id of group.asset_ids) resultById.set(String(id), group);
		}
		return chunk.map(({ payload }): UnitOutcome => {
			const group = resultById.get(payload.assetId);
			if (group?.ret_status === 'SUCCESS') {
				return { outputs: [{ json: { asset_id: payload.assetId, action, status: 'SUCCESS' } }] };
			}
			const errorCode = group?.error_info?.error_code;
			const errorMsg = group ? (group.error_info?.error_msg ?? 'failed') : 'The service did not report a result for this asset';
			if (group && response.afterAmbiguousAttempt && alreadyDone(action, errorCode, errorMsg)) {
				// an earlier attempt got no answer but did the work: this one finds it done
				return { outputs: [{ json: { asset_id: payload.assetId, action, status: 'SUCCESS', already_done: true } }] };
			}
			return {
				failure: {
					message: errorCode ? `${errorCode}: ${errorMsg}` : errorMsg,
					code: errorCode,
					requestId,
					context: {
						asset_id: payload.assetId,
						action,
						status: 'FAILED',
						...(errorCode ? { error_code: errorCode } : {}),
						error_msg: errorMsg,
					},
				},
			};
		});
	};

	await executePlan(plan, {
		batchSize: settings.batchSize,
		concurrency: settings.concurrency,
		// one request carries one action (and one params / user id): group by them
		groupKey: (u) => `${u.action}\n${u.params}\n${u.appUserId}`,
		dedupeKey: (u) => `${u.action}\n${u.params}\n${u.appUserId}\n${u.assetId}`,
		sendChunk,
		firstAlone: target.needsToken,
	});
	return emitOutcomes(this, plan, {
		describeUnit: (u) => `asset "${u.payload?.assetId ?? '?'}"`,
		nouns: 'assets',
		unitFields: (u) => ({ asset_id: u.payload.assetId, action: u.payload.action }),
	});
}

// ---------------------------------------------------------------------------------------------
// "Already done" after an ambiguous attempt (kept separate from the description on purpose)

/**
 * Whether a FAILED result only says that the action's effect is already there. It counts as
 * success only when an earlier attempt of the same request may have been applied without an
 * answer (ApiResponse.afterAmbiguousAttempt): then that attempt did the work. Codes are the
 * emulator's (MetaStudio documents only MSS.10001001 "Asset not found"); the message patterns
 * cover the service's wording for "already in that state".
 */
export function alreadyDone(action: string, errorCode: string | undefined, errorMsg: string): boolean {
	switch (action) {
		case 'DELETE':
			return errorCode === 'MSS.10001011' || /already in the recycle bin/i.test(errorMsg);
		case 'DELETE_FORCE':
			return errorCode === 'MSS.10001001' || /not found|does not exist/i.test(errorMsg);
		case 'RESTORE':
			return errorCode === 'MSS.10001012' || /not in the recycle bin/i.test(errorMsg);
		case 'ACTIVE':
		case 'UNACTIVE':
		case 'SHARE':
		case 'UNSHARE':
			return /already/i.test(errorMsg);
		default:
			return false;
	}
}
