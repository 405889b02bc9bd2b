import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { BatchUnit, UnitOutcome } from '../../../shared/batchEngine';
import { emitOutcomes, executePlan, planUnits } from '../../../shared/batchEngine';
import { operationOptions, readBatchSettings } from '../../../shared/batchOptions';
import { downloadFilesIfRequested, downloadOptions } from '../../../shared/download';
import { itemParameter, readIdList, requireIdLengths, requireValid } from '../../../shared/itemInput';
import { expectArray, expectObject, responseRequestId, ServiceCallError, unexpectedResponse } from '../../../shared/transport';
import { huaweiRequest, readHuaweiError, resolveHuaweiTarget } from '../../transport';
import { endpointOption, languageOption, readLanguage } from '../common.descriptions';

/** OSM takes at most 100 `accessory_ids` per call (huawei-cloud.md 1.1). */
export const OSM_MAX_IDS = 100;
const MAX_ID_LENGTH = 64;
const MAX_GROUP_ID_LENGTH = 32;
const PATH = '/v2/servicerequest/accessorys/access-urls';

const properties: INodeProperties[] = [
	{
		displayName: 'Attachment IDs',
		name: 'attachmentIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 1a2b3c, 4d5e6f',
		description:
			'IDs of service ticket attachments: one ID, a comma-separated list, or an expression that returns an array. IDs of all items are sent together, 100 per request.',
	},
	{
		displayName: 'Group ID',
		name: 'groupId',
		type: 'string',
		default: '',
		description:
			"IAM user group ID. Only needed for attachments of other users' tickets in the same group.",
	},
	operationOptions(
		[
			...downloadOptions('attachment'),
			endpointOption('osm'),
			languageOption,
		],
		OSM_MAX_IDS,
		'attachment IDs',
	),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['serviceTicketAttachment'], operation: ['getDownloadLinks'] } },
	properties,
);

interface AttachmentUnit {
	accessoryId: string;
	groupId: string;
}

interface AccessoryUrlsResponse {
	accessory_urls?: Array<{ accessory_id: string; accessory_name?: string; accessory_url: string }>;
	error_code?: string;
	error_msg?: string;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readBatchSettings(this, OSM_MAX_IDS);
	const options = this.getNodeParameter('options', 0, {}) as {
		language?: string;
	};
	const language = readLanguage(this, options.language);

	const plan = planUnits<AttachmentUnit>(this, items.length, (itemIndex) => {
		const ids = readIdList(this, 'attachmentIds', itemIndex, 'Attachment IDs');
		requireIdLengths(this, ids, MAX_ID_LENGTH, itemIndex, 'Attachment IDs');
		const groupId = String(itemParameter(this, 'groupId', itemIndex, '')).trim();
		requireValid(this, groupId.length <= MAX_GROUP_ID_LENGTH, itemIndex, 'Group ID', `longer than ${MAX_GROUP_ID_LENGTH} characters`);
		return ids.map((accessoryId) => ({ accessoryId, groupId }));
	});
	const target = await resolveHuaweiTarget(this, 'osm', settings);

	const sendChunk = async (chunk: Array<BatchUnit<AttachmentUnit>>): Promise<UnitOutcome[]> => {
		const qs: IDataObject = { accessory_ids: chunk.map((u) => u.payload.accessoryId) };
		if (chunk[0].payload.groupId) qs.group_id = chunk[0].payload.groupId;
		const response = await huaweiRequest<AccessoryUrlsResponse>(
			this,
			target,
			{ method: 'GET', path: PATH, qs, headers: { 'X-Language': language }, timeoutMs: settings.timeoutMs, service: 'OSM' },
			settings.retry,
		);
		const body = expectObject(this, 'OSM', response.body, 'an object', response.headers) as AccessoryUrlsResponse;
		// OSM reports business errors with HTTP 200 and an error_code in the body
		if (body.error_code) {
			const requestId = responseRequestId(response.headers);
			const message = `${String(body.error_code)}: ${String(body.error_msg ?? 'request failed')}`;
			throw new ServiceCallError(this.getNode(), { message, code: String(body.error_code), ...(requestId ? { requestId } : {}) }, {
				message,
				description: `OSM answered HTTP 200 with a business error, request id ${requestId ?? 'unknown'}`,
			});
		}
		const urls = expectArray(this, 'OSM', body.accessory_urls, '"accessory_urls"', response.headers) as NonNullable<AccessoryUrlsResponse['accessory_urls']>;
		for (const url of urls) {
			if (!url || typeof url !== 'object' || typeof url.accessory_id !== 'string' || typeof url.accessory_url !== 'string') {
				throw unexpectedResponse(this, 'OSM', 'an entry of "accessory_urls" without a text "accessory_id" and "accessory_url"', response.headers);
			}
		}
		const byId = new Map(urls.map((u) => [u.accessory_id, u]));
		return chunk.map(({ payload }) => {
			const found = byId.get(payload.accessoryId);
			if (!found) {
				return {
					failure: {
						message: "not returned by OSM: it does not exist or is not accessible",
						context: { accessory_id: payload.accessoryId },
					},
				};
			}
			const json: IDataObject = { accessory_id: found.accessory_id };
			if (found.accessory_name !== undefined) json.accessory_name = found.accessory_name;
			json.accessory_url = found.accessory_url;
			return { outputs: [{ json }] };
		});
	};

	await executePlan(plan, {
		batchSize: settings.batchSize,
		concurrency: settings.concurrency,
		groupKey: (u) => u.groupId,
		dedupeKey: (u) => `${u.groupId}\n${u.accessoryId}`,
		sendChunk,
		firstAlone: target.needsToken,
	});
	await downloadFilesIfRequested(
		this,
		plan.outcomes,
		{ linkField: 'accessory_url', fileNameField: 'accessory_name' },
		settings,
		readHuaweiError,
	);
	return emitOutcomes(this, plan, {
		describeUnit: (u) => `attachment "${u.payload?.accessoryId ?? '?'}"`,
		nouns: 'attachments',
		unitFields: (u) => ({ accessory_id: u.payload.accessoryId }),
	});
}
