/**
 * TaurusDB (GaussDB(for MySQL)) `GET /v3/{project_id}/instance/{instance_id}/auditlog/download-link`:
 * full-SQL audit files of one instance, filtered by node and time window, paged by file name.
 */
import { randomUUID } from 'node:crypto';

import { downloadUrl, registerDownloadKind } from '../files';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { authenticate, checkProject } from './auth';
import type { TaurusAuditFileSeed } from './fixtures';
import { HUAWEI_PROJECT, HUAWEI_REGION, TAURUSDB_INSTANCE_ID, TAURUSDB_NODE_IDS, taurusAuditFiles, taurusInstances } from './fixtures';
import { formatBeijing, json, parseOffsetTime, Query, serviceError } from './http';

const PATH_RE = /^\/v3\/([^/]+)\/instance\/([^/]+)\/auditlog\/download-link\/?$/;
const INSTANCES_RE = /^\/v3\/([^/]+)\/instances\/?$/;
const INSTANCE_RE = /^\/v3\/([^/]+)\/instances\/([^/]+)\/?$/;
/** `limit` of the instance listing: 1..100, default 100. */
const INSTANCE_LIST_MAX = 100;
const INSTANCE_ID_RE = /^[A-Za-z0-9]{32}in07$/;
const NODE_ID_RE = /^[A-Za-z0-9]{32}no07$/;
export const TAURUSDB_MAX_LIMIT = 50;
export const TAURUSDB_DEFAULT_LIMIT = 10;
/** Validity of a returned download link (emulator's choice; not documented). */
const LINK_LIFETIME_MS = 5 * 60_000;

/**
 * The live file list (sorted by name, like the seed): tests and the control API add, update and
 * delete files between polls (taurusDbData); reset() restores the seed.
 */
let liveFiles: TaurusAuditFileSeed[] = [];
const filesByName = new Map<string, TaurusAuditFileSeed>();

function restoreSeed(): void {
	liveFiles = taurusAuditFiles.map((f) => ({ ...f }));
	filesByName.clear();
	for (const f of liveFiles) filesByName.set(f.name, f);
}
restoreSeed();

let addedCount = 0;

/** Mutations of the audit files (used by the `/__emulator/data/taurusdb/...` control routes). */
export const taurusDbData = {
	/**
	 * Adds a file being written from `startedAt` to `updatedAt` (default: both now). The name follows
	 * the service's pattern `<yyyymmddhhmmss>_<instance>_<node>_SQLAudit_<uuid>` unless given.
	 */
	add(input: { name?: string; nodeId?: string; startedAt?: number; updatedAt?: number; sizeKb?: number }, now: number): TaurusAuditFileSeed {
		const nodeId = input.nodeId ?? TAURUSDB_NODE_IDS[addedCount % TAURUSDB_NODE_IDS.length];
		const updatedAt = input.updatedAt ?? now;
		const startedAt = Math.min(input.startedAt ?? updatedAt, updatedAt);
		addedCount++;
		const uuid = randomUUID();
		const name = input.name ?? `${compactBeijing(startedAt)}_${TAURUSDB_INSTANCE_ID}_${nodeId}_SQLAudit_${uuid}`;
		if (filesByName.has(name)) throw new Error(`audit file ${name} exists`);
		const file: TaurusAuditFileSeed = { name, nodeId, startedAt, updatedAt, sizeKb: input.sizeKb ?? 64 };
		const at = firstAfter(name);
		liveFiles.splice(at, 0, file);
		filesByName.set(name, file);
		return { ...file };
	},
	/** The file was written to again: its updated time moves (default: now). */
	update(name: string, now: number, updatedAt?: number): TaurusAuditFileSeed {
		const file = filesByName.get(name);
		if (!file) throw new Error(`no audit file ${name}`);
		file.updatedAt = updatedAt ?? now;
		return { ...file };
	},
	remove(name: string): void {
		if (!filesByName.delete(name)) throw new Error(`no audit file ${name}`);
		liveFiles = liveFiles.filter((f) => f.name !== name);
	},
	list(): TaurusAuditFileSeed[] {
		return liveFiles.map((f) => ({ ...f }));
	},
	reset(): void {
		restoreSeed();
		addedCount = 0;
	},
};

function compactBeijing(ms: number): string {
	return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace(/[-:T]/g, '');
}

registerDownloadKind('taurusdb', (name) => {
	const file = filesByName.get(name);
	if (!file) return undefined;
	const lines = [
		`# emulated full-SQL audit file ${name}`,
		`${formatBeijing(file.startedAt)}\t${file.nodeId}\troot@127.0.0.1\tSELECT 1;`,
		`${formatBeijing(file.updatedAt)}\t${file.nodeId}\troot@127.0.0.1\tCOMMIT;`,
	];
	return { fileName: name, contentType: 'application/octet-stream', body: lines.join('\n') + '\n' };
});

function invalid(name: string): EmulatorResponse {
	return serviceError(400, 'DBS.280001', `Invalid parameter: ${name}`);
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function downloadLinks(
	req: EmulatorRequest,
	ctx: EmulatorContext,
	projectId: string,
	instanceId: string,
): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const projectError = checkProject(req, auth.principal, projectId, 'taurusdb');
	if (projectError) return projectError;

	if (!INSTANCE_ID_RE.test(instanceId)) return invalid('instance_id');
	if (projectId !== HUAWEI_PROJECT.id || instanceId !== TAURUSDB_INSTANCE_ID) {
		return serviceError(400, 'DBS.200022', 'Instance does not exist.');
	}

	const query = new Query(req.rawQuery);
	// A raw '+' in the offset arrives as a space and fails here, as on the real service.
	const start = parseOffsetTime(query.get('start_time'));
	if (start === undefined) return invalid('start_time');
	const end = parseOffsetTime(query.get('end_time'));
	if (end === undefined || end < start) return invalid('end_time');
	const nodeId = query.get('node_id');
	if (nodeId !== undefined && !NODE_ID_RE.test(nodeId)) return invalid('node_id');
	let limit = TAURUSDB_DEFAULT_LIMIT;
	const rawLimit = query.get('limit');
	if (rawLimit !== undefined) {
		if (!/^\d{1,4}$/.test(rawLimit)) return invalid('limit');
		limit = Number(rawLimit);
		if (limit < 1 || limit > TAURUSDB_MAX_LIMIT) return invalid('limit');
	}
	const lastFileName = query.get('last_file_name') || undefined;

	// A file is in the window when it was written during it (first statement <= end and last
	// modification >= start). A node id of another instance simply matches no file.
	const linkExpires = formatBeijing(ctx.now().getTime() + LINK_LIFETIME_MS);
	// taurusAuditFiles is sorted by name: jump past last_file_name, then collect one page
	const page: TaurusAuditFileSeed[] = [];
	for (let i = firstAfter(lastFileName); i < liveFiles.length && page.length < limit; i++) {
		const f = liveFiles[i];
		if (nodeId !== undefined && f.nodeId !== nodeId) continue;
		if (f.startedAt <= end && f.updatedAt >= start) page.push(f);
	}
	const files = page.map((f) => ({
			name: f.name,
			size: f.sizeKb,
			updated_time: formatBeijing(f.updatedAt),
			download_link: downloadUrl(ctx.baseUrl, 'taurusdb', f.name),
			link_expired_time: linkExpires,
		}));
	return json(200, { files });
}

const CREATED = '2023-07-01T08:00:00+0800';

/** An instance as the listing shows it (TaurusDB "Querying DB Instances", historical v3 API). */
function instanceSummary(instance: (typeof taurusInstances)[number]) {
	return {
		id: instance.id,
		name: instance.name,
		status: 'normal',
		private_ips: ['192.168.0.10'],
		public_ips: [],
		port: '3306',
		type: 'Cluster',
		region: HUAWEI_REGION,
		datastore: { type: 'gaussdb-mysql', version: '8.0' },
		created: CREATED,
		updated: CREATED,
		node_count: instance.nodes.length,
		enterprise_project_id: '0',
		time_zone: 'UTC+08:00',
	};
}

/**
 * `GET /v3/{project_id}/instances?name=&id=&offset=&limit=`: `name`/`id` match exactly, or
 * fuzzily after a leading `*`; `limit` 1..100 (default 100). Answers `{instances, total_count}`.
 */
function listInstances(req: EmulatorRequest, ctx: EmulatorContext, projectId: string): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const projectError = checkProject(req, auth.principal, projectId, 'taurusdb');
	if (projectError) return projectError;
	const query = new Query(req.rawQuery);
	const matches = (value: string, wanted: string | undefined) => {
		if (wanted === undefined || wanted === '') return true;
		if (wanted === '*') return false;
		return wanted.startsWith('*') ? value.toLowerCase().includes(wanted.slice(1).toLowerCase()) : value === wanted;
	};
	const offsetText = query.get('offset') ?? '0';
	const limitText = query.get('limit') ?? String(INSTANCE_LIST_MAX);
	if (!/^\d{1,9}$/.test(offsetText)) return invalid('offset');
	if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > INSTANCE_LIST_MAX) return invalid('limit');
	const all = (projectId === HUAWEI_PROJECT.id ? taurusInstances : []).filter(
		(i) => matches(i.name, query.get('name')) && matches(i.id, query.get('id')),
	);
	const offset = Number(offsetText);
	const page = all.slice(offset, offset + Number(limitText));
	return json(200, { instances: page.map(instanceSummary), total_count: all.length });
}

/** `GET /v3/{project_id}/instances/{instance_id}`: `{instance: {..., nodes: [...]}}` ("Querying Details of a DB Instance"). */
function showInstance(req: EmulatorRequest, ctx: EmulatorContext, projectId: string, instanceId: string): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const projectError = checkProject(req, auth.principal, projectId, 'taurusdb');
	if (projectError) return projectError;
	const instance = projectId === HUAWEI_PROJECT.id ? taurusInstances.find((i) => i.id === instanceId) : undefined;
	if (!instance) return serviceError(404, 'DBS.200022', 'Instance does not exist.');
	return json(200, {
		instance: {
			...instanceSummary(instance),
			project_id: projectId,
			nodes: instance.nodes.map((n) => ({
				id: n.id,
				name: n.name,
				type: n.type,
				status: 'ACTIVE',
				port: 3306,
				private_read_ips: ['192.168.0.11'],
				az_code: `${HUAWEI_REGION}a`,
				region_code: HUAWEI_REGION,
				created: CREATED,
				updated: CREATED,
				priority: n.type === 'master' ? 0 : 1,
			})),
		},
	});
}

/** Index of the first file whose name sorts after `name` (binary search; 0 without a name). */
function firstAfter(name: string | undefined): number {
	if (name === undefined) return 0;
	let low = 0;
	let high = liveFiles.length;
	while (low < high) {
		const mid = (low + high) >>> 1;
		if (liveFiles[mid].name <= name) low = mid + 1;
		else high = mid;
	}
	return low;
}

export const taurusDbModule: RouteModule = {
	name: 'huawei-taurusdb',
	reset() {
		taurusDbData.reset();
	},
	handle(req, ctx) {
		if (req.method !== 'GET') return undefined;
		const match = PATH_RE.exec(req.rawPath);
		if (match) return downloadLinks(req, ctx, safeDecode(match[1]), safeDecode(match[2]));
		const list = INSTANCES_RE.exec(req.rawPath);
		if (list) return listInstances(req, ctx, safeDecode(list[1]));
		const one = INSTANCE_RE.exec(req.rawPath);
		if (one) return showInstance(req, ctx, safeDecode(one[1]), safeDecode(one[2]));
		return undefined;
	},
	describe() {
		return [
			`Huawei TaurusDB  GET /v3/${HUAWEI_PROJECT.id}/instance/${TAURUSDB_INSTANCE_ID}/auditlog/download-link`,
			`Huawei TaurusDB  GET /v3/${HUAWEI_PROJECT.id}/instances[/{instance_id}]: ${taurusInstances.map((i) => `${i.name}=${i.id}`).join(', ')}`,
			`            nodes ${TAURUSDB_NODE_IDS.join(', ')}; ${taurusAuditFiles.length} audit files ${formatBeijing(taurusAuditFiles[0].startedAt)} .. ${formatBeijing(taurusAuditFiles[taurusAuditFiles.length - 1].updatedAt)}`,
		];
	},
};
