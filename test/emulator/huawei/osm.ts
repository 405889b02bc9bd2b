/**
 * OSM (service tickets) `GET /v2/servicerequest/accessorys/access-urls`. Business errors are
 * HTTP 200 with `error_code`/`error_msg`, as the real service answers.
 */
import { downloadUrl, registerDownloadKind } from '../files';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { authenticate, checkDomain } from './auth';
import { OSM_FORBIDDEN_GROUP_ID, OSM_GROUP_ID, osmAttachments } from './fixtures';
import { json, Query } from './http';

export const OSM_ACCESS_URLS_PATH = '/v2/servicerequest/accessorys/access-urls';
export const OSM_MAX_IDS = 100;

const byId = new Map(osmAttachments.map((a) => [a.id, a]));

registerDownloadKind('osm', (id) => {
	const attachment = byId.get(id);
	return attachment ? { fileName: attachment.name } : undefined;
});

const PARAM_INVALID = json(200, { error_code: 'OSM.01010001', error_msg: 'Param validation fail.' });
const NO_PERMISSION = json(200, { error_code: 'OSM.01010002', error_msg: 'No operation permission.' });

function accessUrls(req: EmulatorRequest, ctx: EmulatorContext): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const domainError = checkDomain(req, auth.principal);
	if (domainError) return domainError;

	const query = new Query(req.rawQuery);
	const ids = query.getAll('accessory_ids');
	if (ids.length < 1 || ids.length > OSM_MAX_IDS) return PARAM_INVALID;
	if (ids.some((id) => id.length < 1 || id.length > 64)) return PARAM_INVALID;
	if (query.has('group_id')) {
		const groupId = query.get('group_id') ?? '';
		if (groupId.length < 1 || groupId.length > 32) return PARAM_INVALID;
		if (groupId === OSM_FORBIDDEN_GROUP_ID) return NO_PERMISSION;
	}

	// Unknown ids are left out of the list rather than failing the call.
	const accessoryUrls = [...new Set(ids)]
		.map((id) => byId.get(id))
		.filter((a) => a !== undefined)
		.map((a) => ({
			accessory_id: a.id,
			accessory_name: a.name,
			accessory_url: downloadUrl(ctx.baseUrl, 'osm', a.id),
		}));
	return json(200, { accessory_urls: accessoryUrls });
}

export const osmModule: RouteModule = {
	name: 'huawei-osm',
	handle(req, ctx) {
		if (req.rawPath.replace(/\/+$/, '') !== OSM_ACCESS_URLS_PATH || req.method !== 'GET') return undefined;
		return accessUrls(req, ctx);
	},
	describe() {
		return [
			`Huawei OSM  GET ${OSM_ACCESS_URLS_PATH}  attachments ${osmAttachments[0].id}..${osmAttachments[osmAttachments.length - 1].id}, group_id ${OSM_GROUP_ID} (forbidden: ${OSM_FORBIDDEN_GROUP_ID})`,
		];
	},
};
