import type { IDataObject } from 'n8n-workflow';

import { encodeRfc3986 } from '../../../credentials/common/wireRequest';
import type { RequestContext, RetryPolicy } from '../../shared/transport';
import { describeValue, expectArray, expectObject, unexpectedResponse } from '../../shared/transport';
import type { WpsTarget } from './index';
import { wpsRequest } from './index';

/**
 * The batch read of file metadata, in the two generations WPS documents (wps365.md 1.6):
 *
 * - Private deployments: `POST {prefix}/v7/files/batch_get_meta` with `{"file_ids": [...]}`,
 *   at most 1024 ids of at most 1024 characters. Ids WPS cannot return are simply absent from
 *   `data.items`, so all the node can say is "not found or no permission".
 * - Public cloud: `GET /v7/files/batch_get?file_ids=...&mode=detailed` (KSO-1, no prefix).
 *   `mode=detailed` answers `data.failures[]` (`object_id`, `err_code`, `err_msg`) for ids it
 *   cannot return, so each becomes a per-item error with the service's own reason. Not
 *   documented: the maximum number of ids per call and how the `file_ids` array is put in the
 *   query. Hence the conservative defaults below, the Batch Size option, a bound on the query's
 *   length, and the "File IDs in Query" option ("file_ids=a&file_ids=b", the usual encoding of a
 *   Go service such as WPS's own samples, or "file_ids=a,b"). The success list is read from
 *   `data.items` as in batch_get_meta: the page names only `failures`.
 */

/** batch_get_meta takes at most 1024 ids of at most 1024 characters (wps365.md 1.6). */
export const WPS_MAX_IDS = 1024;
export const WPS_MAX_ID_LENGTH = 1024;

/** Ids per public-cloud batch_get call unless the user sets Batch Size (no maximum is documented). */
export const WPS_PUBLIC_DEFAULT_BATCH_SIZE = 100;

/**
 * Bytes the ids of one public-cloud call may add to its URL. Gateways commonly refuse request
 * lines over 8 KB (nginx's default buffer); 6 KB leaves room for the path and the other fields.
 */
export const WPS_PUBLIC_MAX_QUERY_BYTES = 6144;

export type WpsIdsQueryFormat = 'repeat' | 'comma';

export interface FileMetadataRequest {
	headers: IDataObject;
	retry: RetryPolicy;
	timeoutMs?: number;
	/** Public cloud only. (No id holds a comma: File IDs are split at commas when read.) */
	idsFormat?: WpsIdsQueryFormat;
	withPermission?: boolean;
	withExtAttrs?: boolean;
	withDrive?: boolean;
}

export interface FileMetadataFailure {
	code: string;
	message: string;
}

export interface FileMetadataResult {
	/** Returned files by id. */
	items: Map<string, IDataObject>;
	/** Ids the service reported as failed, with its reason (public cloud, mode=detailed). */
	failures: Map<string, FileMetadataFailure>;
}

/** Bytes one id adds to a public-cloud batch_get query in the given format. */
export function publicQueryBytes(id: string, format: WpsIdsQueryFormat = 'repeat'): number {
	// "file_ids=<id>&" per id, or "<id>%2C" inside one file_ids value
	return encodeRfc3986(id).length + (format === 'repeat' ? 'file_ids=&'.length : '%2C'.length);
}

/** Chunk limits for the target: the API maximum for batch_get_meta; conservative for batch_get. */
export function fileMetadataChunking(
	target: WpsTarget,
	batchSizeOption: number | undefined,
	format: WpsIdsQueryFormat = 'repeat',
): { batchSize: number; weight?: (id: string) => number; maxWeight?: number } {
	if (!target.publicCloudApi) return { batchSize: batchSizeOption ?? WPS_MAX_IDS };
	return {
		batchSize: batchSizeOption ?? WPS_PUBLIC_DEFAULT_BATCH_SIZE,
		weight: (id) => publicQueryBytes(id, format),
		maxWeight: WPS_PUBLIC_MAX_QUERY_BYTES,
	};
}

/** Reads the metadata of 1..1024 ids with the endpoint of the target's generation. */
export async function readFileMetadata(
	ctx: RequestContext,
	target: WpsTarget,
	fileIds: string[],
	request: FileMetadataRequest,
): Promise<FileMetadataResult> {
	// a read: safe to send again after a lost answer
	const transport = { timeoutMs: request.timeoutMs, resendSafe: true };
	if (!target.publicCloudApi) {
		const response = await wpsRequest(
			ctx,
			target.apiBase,
			'/v7/files/batch_get_meta',
			{ method: 'POST', body: { file_ids: fileIds } },
			request.headers,
			request.retry,
			transport,
		);
		const data = expectObject(ctx, 'WPS', response.body.data, '"data" to be an object', response.headers);
		return { items: itemsById(ctx, data.items, response.headers), failures: new Map() };
	}
	const qs: IDataObject = {
		file_ids: request.idsFormat === 'comma' ? fileIds.join(',') : fileIds,
		mode: 'detailed',
	};
	if (request.withPermission) qs.with_permission = 'true';
	if (request.withExtAttrs) qs.with_ext_attrs = 'true';
	if (request.withDrive) qs.with_drive = 'true';
	const response = await wpsRequest(ctx, target.apiBase, '/v7/files/batch_get', { method: 'GET', qs }, request.headers, request.retry, transport);
	const data = expectObject(ctx, 'WPS', response.body.data, '"data" to be an object', response.headers);
	const hasItems = Array.isArray(data.items);
	const hasFailures = Array.isArray(data.failures);
	// with every id failed, "items" may be left out; an answer with neither list is not one
	if (!hasItems && !hasFailures) {
		throw unexpectedResponse(ctx, 'WPS', `expected "data.items" or "data.failures" to be an array, got ${describeValue(data.items)}`, response.headers);
	}
	const failures = new Map<string, FileMetadataFailure>();
	for (const entry of (hasFailures ? data.failures : []) as unknown[]) {
		const failure = entry as IDataObject | null;
		const id = failure?.object_id;
		if (!failure || typeof failure !== 'object' || (typeof id !== 'string' && typeof id !== 'number')) {
			throw unexpectedResponse(ctx, 'WPS', 'an entry of "data.failures" without an "object_id"', response.headers);
		}
		failures.set(String(id), {
			code: failure.err_code === undefined || failure.err_code === null ? '' : String(failure.err_code).slice(0, 40),
			message: typeof failure.err_msg === 'string' && failure.err_msg.trim() ? failure.err_msg.slice(0, 300) : 'no reason given',
		});
	}
	return { items: itemsById(ctx, hasItems ? data.items : [], response.headers), failures };
}

function itemsById(ctx: RequestContext, items: unknown, headers: IDataObject): Map<string, IDataObject> {
	const byId = new Map<string, IDataObject>();
	for (const entry of expectArray(ctx, 'WPS', items, '"data.items"', headers)) {
		const item = entry as IDataObject | null;
		const id = item?.id;
		if (!item || typeof item !== 'object' || Array.isArray(item) || (typeof id !== 'string' && typeof id !== 'number')) {
			throw unexpectedResponse(ctx, 'WPS', 'an entry of "data.items" without an "id"', headers);
		}
		byId.set(String(id), item);
	}
	return byId;
}
