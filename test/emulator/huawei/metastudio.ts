/**
 * MetaStudio `POST /v1/{project_id}/digital-assets/batch-action`.
 *
 * The per-asset rules below are the emulator's choice (Huawei documents the actions, not their
 * preconditions): DELETE moves an UNACTIVE asset to the recycle bin (an ACTIVE one fails),
 * DELETE_FORCE purges an asset in any state, RESTORE only works from the recycle bin, assets in
 * the recycle bin cannot be (de)activated or (un)shared, only ACTIVE assets can be shared, and
 * ACTIVE/UNACTIVE/UNSHARE are idempotent. Only the MSS.10001001 text comes from Huawei's error
 * table; the other MSS.1000101x codes are made up for the emulator.
 */
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { authenticate, checkProject } from './auth';
import { HUAWEI_PROJECT, METASTUDIO_ASSET_COUNT } from './fixtures';
import { header, json, serviceError } from './http';
import { huaweiStore, type MetaStudioAssetState } from './state';

export const METASTUDIO_ACTIONS = [
	'DELETE',
	'DELETE_FORCE',
	'RESTORE',
	'UNACTIVE',
	'ACTIVE',
	'SHARE',
	'UNSHARE',
] as const;
export type MetaStudioAction = (typeof METASTUDIO_ACTIONS)[number];

const PATH_RE = /^\/v1\/([^/]+)\/digital-assets\/batch-action\/?$/;

interface ActionError {
	error_code: string;
	error_msg: string;
}

const NOT_FOUND: ActionError = { error_code: 'MSS.10001001', error_msg: 'Asset not found' };
const ACTIVE_NOT_DELETABLE: ActionError = {
	error_code: 'MSS.10001010',
	error_msg: 'Only deactivated (UNACTIVE) assets can be deleted',
};
const ALREADY_DELETED: ActionError = { error_code: 'MSS.10001011', error_msg: 'Asset is already in the recycle bin' };
const NOT_IN_RECYCLE_BIN: ActionError = { error_code: 'MSS.10001012', error_msg: 'Asset is not in the recycle bin' };
const IN_RECYCLE_BIN: ActionError = { error_code: 'MSS.10001013', error_msg: 'Asset is in the recycle bin' };
const SHARE_NEEDS_ACTIVE: ActionError = { error_code: 'MSS.10001014', error_msg: 'Only active assets can be shared' };

const INVALID_PARAMETER = serviceError(400, 'MSS.00000003', 'Invalid parameter');
const JSON_EXCEPTION = serviceError(400, 'MSS.10000002', 'Request JSON exception');

/** CJK ideographs (incl. extensions and compatibility forms) and CJK punctuation. */
const CHINESE_RE = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]|[\u{20000}-\u{2fa1f}]/u;

function applyAction(
	action: MetaStudioAction,
	id: string,
	assets: Map<string, MetaStudioAssetState>,
): ActionError | undefined {
	const asset = assets.get(id);
	if (!asset) return NOT_FOUND;
	switch (action) {
		case 'DELETE':
			if (asset.deleted) return ALREADY_DELETED;
			if (asset.status === 'ACTIVE') return ACTIVE_NOT_DELETABLE;
			asset.deleted = true;
			return undefined;
		case 'DELETE_FORCE':
			assets.delete(id);
			return undefined;
		case 'RESTORE':
			if (!asset.deleted) return NOT_IN_RECYCLE_BIN;
			asset.deleted = false;
			return undefined;
		default:
			break;
	}
	if (asset.deleted) return IN_RECYCLE_BIN;
	switch (action) {
		case 'ACTIVE':
			asset.status = 'ACTIVE';
			return undefined;
		case 'UNACTIVE':
			asset.status = 'UNACTIVE';
			return undefined;
		case 'SHARE':
			if (asset.status !== 'ACTIVE') return SHARE_NEEDS_ACTIVE;
			asset.shared = true;
			return undefined;
		case 'UNSHARE':
			asset.shared = false;
			return undefined;
	}
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function validAppUserId(raw: string): boolean {
	// Node hands header bytes over as latin1; read them back as UTF-8 to see the characters sent.
	const value = Buffer.from(raw, 'latin1').toString('utf8');
	return value.length >= 1 && value.length <= 256 && !CHINESE_RE.test(value);
}

function batchAction(req: EmulatorRequest, ctx: EmulatorContext, projectId: string): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const projectError = checkProject(req, auth.principal, projectId, 'metastudio');
	if (projectError) return projectError;

	const contentType = header(req, 'content-type') ?? '';
	if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) return JSON_EXCEPTION;
	let body: unknown;
	try {
		body = JSON.parse(req.bodyText);
	} catch {
		return JSON_EXCEPTION;
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return INVALID_PARAMETER;
	const { action, asset_ids: assetIds, params } = body as Record<string, unknown>;
	if (typeof action !== 'string' || !(METASTUDIO_ACTIONS as readonly string[]).includes(action)) {
		return INVALID_PARAMETER;
	}
	if (!Array.isArray(assetIds) || assetIds.length < 1 || assetIds.length > 100) return INVALID_PARAMETER;
	if (assetIds.some((id) => typeof id !== 'string' || id.length < 1 || id.length > 64)) {
		return INVALID_PARAMETER;
	}
	if (params !== undefined && params !== null && (typeof params !== 'string' || params.length > 4096)) {
		return INVALID_PARAMETER;
	}
	const appUserId = header(req, 'x-app-userid');
	if (appUserId !== undefined && !validAppUserId(appUserId)) return INVALID_PARAMETER;

	// Assets exist only in the primary project; other projects of the account are empty.
	const assets = projectId === HUAWEI_PROJECT.id ? huaweiStore.assets : new Map<string, MetaStudioAssetState>();
	const succeeded: string[] = [];
	const failed = new Map<string, { error: ActionError; ids: string[] }>();
	for (const id of new Set(assetIds as string[])) {
		const error = applyAction(action as MetaStudioAction, id, assets);
		if (!error) {
			succeeded.push(id);
			continue;
		}
		const group = failed.get(error.error_code) ?? { error, ids: [] };
		group.ids.push(id);
		failed.set(error.error_code, group);
	}
	const results: unknown[] = [];
	if (succeeded.length > 0) results.push({ asset_ids: succeeded, ret_status: 'SUCCESS' });
	for (const { error, ids } of failed.values()) {
		results.push({ asset_ids: ids, ret_status: 'FAILED', error_info: { ...error } });
	}
	return json(200, { results });
}

export const metaStudioModule: RouteModule = {
	name: 'huawei-metastudio',
	handle(req, ctx) {
		const match = PATH_RE.exec(req.rawPath);
		if (!match || req.method !== 'POST') return undefined;
		return batchAction(req, ctx, safeDecode(match[1]));
	},
	reset() {
		huaweiStore.resetMetaStudio();
	},
	stats() {
		const counts: Record<string, number> = { total: 0, active: 0, unactive: 0, shared: 0, recycleBin: 0 };
		for (const a of huaweiStore.assets.values()) {
			counts.total++;
			if (a.deleted) counts.recycleBin++;
			else if (a.status === 'ACTIVE') counts.active++;
			else counts.unactive++;
			if (a.shared) counts.shared++;
		}
		return counts;
	},
	describe() {
		return [
			`Huawei MetaStudio  POST /v1/${HUAWEI_PROJECT.id}/digital-assets/batch-action  assets asset-0001..asset-${String(METASTUDIO_ASSET_COUNT).padStart(4, '0')} (every 4th UNACTIVE, every 10th shared, every 25th in the recycle bin)`,
		];
	},
};
