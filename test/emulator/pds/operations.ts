/**
 * The PDS operations the emulator answers, each usable as a Batch child (`/file/get`, ...) and
 * as a direct call (`POST /v2/file/get`). Every handler gets the parsed JSON body and answers
 * `{status, body}` or throws a PdsError.
 */
import { randomBytes } from 'node:crypto';

import { downloadUrl } from '../files';
import { evaluateQuery, parseQuery, QuerySyntaxError } from './query';
import {
	PdsError,
	invalid,
	missing,
	outOfRange,
	type PdsFile,
	type PdsIdentity,
	type PdsShareLink,
	type PdsStore,
} from './store';

export interface OperationContext {
	store: PdsStore;
	identity: PdsIdentity;
	body: Record<string, unknown>;
	/** Child headers (batch) or request headers (direct call), names lower-cased. */
	headers: Record<string, string>;
	now: number;
	baseUrl: string;
}

export interface OperationResult {
	status: number;
	body?: unknown;
}

export type Operation = (op: OperationContext) => OperationResult;

// ------------------------------------------------------------------ parameter helpers

function optString(body: Record<string, unknown>, name: string, maxLength = 1024): string | undefined {
	const v = body[name];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string') throw invalid(name, 'must be a string');
	if (v.length > maxLength) throw outOfRange(name, `[0, ${maxLength}] characters`);
	return v;
}

function reqString(body: Record<string, unknown>, name: string, maxLength = 1024): string {
	const v = optString(body, name, maxLength);
	if (v === undefined || v === '') throw missing(name);
	return v;
}

function optBool(body: Record<string, unknown>, name: string): boolean | undefined {
	const v = body[name];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'boolean') throw invalid(name, 'must be a boolean');
	return v;
}

function optInt(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
	const v = body[name];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(name, 'must be an integer');
	if (v < min || v > max) throw outOfRange(name, `[${min}, ${max}]`);
	return v;
}

function optStringArray(body: Record<string, unknown>, name: string, maxItems = 1000): string[] | undefined {
	const v = body[name];
	if (v === undefined || v === null) return undefined;
	if (!Array.isArray(v) || v.some((item) => typeof item !== 'string')) throw invalid(name, 'must be an array of strings');
	if (v.length > maxItems) throw outOfRange(name, `[0, ${maxItems}] items`);
	return v as string[];
}

function checkNameMode(body: Record<string, unknown>, fallback: string): string {
	const mode = optString(body, 'check_name_mode') ?? fallback;
	if (!['ignore', 'auto_rename', 'refuse', 'overwrite'].includes(mode)) throw invalid('check_name_mode');
	return mode === 'overwrite' ? 'ignore' : mode;
}

function validName(name: string, field = 'name'): string {
	if (name.includes('/') || name === '.' || name === '..' || name.trim() === '') throw invalid(field);
	return name;
}

function encodeMarker(offset: number): string {
	return Buffer.from(`o:${offset}`, 'utf8').toString('base64url');
}

function decodeMarker(marker: string | undefined): number {
	if (!marker) return 0;
	const match = /^o:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
	if (!match) throw invalid('marker');
	return Number(match[1]);
}

function page<T>(items: T[], body: Record<string, unknown>): { page: T[]; next_marker: string } {
	const limit = optInt(body, 'limit', 1, 100) ?? 100;
	const offset = decodeMarker(optString(body, 'marker'));
	const slice = items.slice(offset, offset + limit);
	return { page: slice, next_marker: offset + limit < items.length ? encodeMarker(offset + limit) : '' };
}

const iso = (ms: number) => new Date(ms).toISOString();

// ------------------------------------------------------------------ share access

function shareLinkOrThrow(store: PdsStore, shareId: string, now: number): PdsShareLink {
	const link = store.shareLinks.get(shareId);
	if (!link) throw new PdsError(404, 'NotFound.ShareLink', `The resource share_link cannot be found. share_id: ${shareId}`);
	if (link.status !== 'enabled') throw new PdsError(403, 'ShareLink.Disabled', `The share link ${shareId} is disabled.`);
	if (link.expiration && Date.parse(link.expiration) <= now) {
		throw new PdsError(403, 'ShareLink.Expired', `The share link ${shareId} has expired.`);
	}
	return link;
}

/** Validates `x-share-token` for the share and returns the link. */
function shareAccess(op: OperationContext, shareId: string): PdsShareLink {
	const link = shareLinkOrThrow(op.store, shareId, op.now);
	const token = op.headers['x-share-token'];
	if (!token) throw new PdsError(401, 'ShareLinkTokenInvalid', 'The x-share-token header is required with share_id.');
	const entry = op.store.shareTokens.get(token);
	if (!entry || entry.shareId !== shareId || entry.expiresAt <= op.now) {
		throw new PdsError(401, 'ShareLinkTokenInvalid', 'The share token is invalid or has expired.');
	}
	return link;
}

function fileInShare(store: PdsStore, link: PdsShareLink, file: PdsFile): boolean {
	return link.file_id_list.some((id) => id === file.file_id || store.isAncestor(id, file));
}

/** The drive a file operation works on: `drive_id`, or `share_id` plus a valid share token. */
function fileDrive(op: OperationContext, allowShare: boolean): { driveId: string; link?: PdsShareLink } {
	const shareId = allowShare ? optString(op.body, 'share_id') : undefined;
	if (op.body.drive_id === undefined && shareId) {
		const link = shareAccess(op, shareId);
		return { driveId: link.drive_id, link };
	}
	return { driveId: op.store.requireDrive(op.identity, op.body.drive_id).drive_id };
}

function liveFile(op: OperationContext, driveId: string, link?: PdsShareLink, name = 'file_id'): PdsFile {
	const file = op.store.requireFile(driveId, op.body[name], name);
	if (file.trashed) throw new PdsError(404, 'NotFound.File', `The file is in the recycle bin. file_id: ${file.file_id}`);
	if (link && !fileInShare(op.store, link, file)) {
		throw new PdsError(403, 'Forbidden', `The file ${file.file_id} is not part of share ${link.share_id}.`);
	}
	return file;
}

function fileUrl(op: OperationContext, file: PdsFile): string {
	return downloadUrl(op.baseUrl, 'pds', file.file_id);
}

// ------------------------------------------------------------------ file operations

const getFile: Operation = (op) => {
	const { driveId, link } = fileDrive(op, true);
	const file = op.store.requireFile(driveId, op.body.file_id);
	if (link && !fileInShare(op.store, link, file)) {
		throw new PdsError(403, 'Forbidden', `The file ${file.file_id} is not part of share ${link.share_id}.`);
	}
	const urlExpire = optInt(op.body, 'url_expire_sec', 10, 14400) ?? 900;
	const fields = optString(op.body, 'fields') ?? '';
	const extra: Record<string, unknown> = {};
	if (file.type === 'file' && (fields === '*' || fields.split(',').map((f) => f.trim()).includes('url'))) {
		extra.url = fileUrl(op, file);
		extra.download_url = extra.url;
		extra.url_expiration = iso(op.now + urlExpire * 1000);
	}
	return { status: 200, body: op.store.fileView(file, extra) };
};

const updateFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = liveFile(op, drive.drive_id);
	const name = optString(op.body, 'name');
	const description = optString(op.body, 'description', 1024);
	const hidden = optBool(op.body, 'hidden');
	const starred = optBool(op.body, 'starred');
	const labels = optStringArray(op.body, 'labels', 100);
	const localModifiedAt = optString(op.body, 'local_modified_at');
	if (localModifiedAt !== undefined && Number.isNaN(Date.parse(localModifiedAt))) throw invalid('local_modified_at');
	if (name !== undefined) {
		validName(name);
		file.name = op.store.resolveName(drive.drive_id, file.parent_file_id, name, checkNameMode(op.body, 'refuse'), file.file_id);
	}
	if (description !== undefined) file.description = description;
	if (hidden !== undefined) file.hidden = hidden;
	if (starred !== undefined) file.starred = starred;
	if (labels !== undefined) file.labels = [...new Set(labels)];
	if (localModifiedAt !== undefined) file.local_modified_at = localModifiedAt;
	file.updated_at = iso(op.now);
	return { status: 200, body: op.store.fileView(file) };
};

function fieldOf(file: PdsFile, view: Record<string, unknown>, field: string): unknown {
	if (field === 'label' || field === 'labels') return file.labels;
	if (field.startsWith('user_tags.')) return file.user_tags.get(field.slice('user_tags.'.length));
	return view[field];
}

function sortFiles(items: Array<{ file: PdsFile; view: Record<string, unknown> }>, orderBy: string): void {
	const keys = orderBy
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => {
			const [field, dir = 'ASC'] = part.split(/\s+/);
			if (!/^(asc|desc)$/i.test(dir)) throw invalid('order_by');
			return { field, desc: dir.toUpperCase() === 'DESC' };
		});
	items.sort((a, b) => {
		for (const { field, desc } of keys) {
			const x = a.view[field] as string | number | undefined;
			const y = b.view[field] as string | number | undefined;
			if (x === y) continue;
			const cmp = x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
			return desc ? -cmp : cmp;
		}
		return a.file.file_id < b.file.file_id ? -1 : 1;
	});
}

const searchFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const queryText = optString(op.body, 'query', 4096) ?? '';
	let tree;
	try {
		tree = parseQuery(queryText);
	} catch (error) {
		if (error instanceof QuerySyntaxError) throw invalid('query', `is not valid: ${error.message}`);
		throw error;
	}
	const returnTotal = optBool(op.body, 'return_total_count') ?? false;
	const matches: Array<{ file: PdsFile; view: Record<string, unknown> }> = [];
	for (const file of op.store.files.values()) {
		if (file.drive_id !== drive.drive_id || file.trashed) continue;
		const view = op.store.fileView(file);
		if (evaluateQuery(tree, (field) => fieldOf(file, view, field))) matches.push({ file, view });
	}
	sortFiles(matches, optString(op.body, 'order_by') ?? 'updated_at DESC');
	const { page: items, next_marker } = page(matches, op.body);
	const body: Record<string, unknown> = { items: items.map((m) => m.view), next_marker };
	if (returnTotal) body.total_count = matches.length;
	return { status: 200, body };
};

const listFile: Operation = (op) => {
	const { driveId, link } = fileDrive(op, true);
	const parentId = optString(op.body, 'parent_file_id') ?? 'root';
	if (parentId !== 'root') {
		const parent = op.store.requireFile(driveId, parentId, 'parent_file_id');
		if (parent.type !== 'folder') throw invalid('parent_file_id', 'is not a folder');
		if (link && !fileInShare(op.store, link, parent)) throw new PdsError(403, 'Forbidden', 'Folder not in the share.');
	} else if (link) {
		throw invalid('parent_file_id', 'must be a shared folder when share_id is used');
	}
	const type = optString(op.body, 'type');
	const category = optString(op.body, 'category');
	const starred = optBool(op.body, 'starred');
	const orderBy = optString(op.body, 'order_by') ?? 'name';
	const direction = (optString(op.body, 'order_direction') ?? 'ASC').toUpperCase();
	if (!['ASC', 'DESC'].includes(direction)) throw invalid('order_direction');
	const items = op.store
		.children(driveId, parentId)
		.map((file) => ({ file, view: op.store.fileView(file) }))
		.filter(
			({ view }) =>
				(type === undefined || view.type === type) &&
				(category === undefined || view.category === category) &&
				(starred === undefined || view.starred === starred),
		);
	sortFiles(items, `${orderBy} ${direction}`);
	const { page: slice, next_marker } = page(items, op.body);
	return { status: 200, body: { items: slice.map((m) => m.view), next_marker } };
};

function contentOfSize(size: number, seed: string): Buffer {
	const pattern = Buffer.from(`${seed}\n`, 'utf8');
	const out = Buffer.alloc(size);
	for (let i = 0; i < size; i++) out[i] = pattern[i % pattern.length];
	return out;
}

const createFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const parentId = op.store.requireParentFolder(drive.drive_id, op.body.parent_file_id ?? 'root');
	const type = reqString(op.body, 'type');
	if (type !== 'file' && type !== 'folder') throw invalid('type');
	const name = op.store.resolveName(
		drive.drive_id,
		parentId,
		validName(reqString(op.body, 'name')),
		checkNameMode(op.body, 'ignore'),
	);
	const size = optInt(op.body, 'size', 0, 10 * 1024 * 1024) ?? 0;
	const at = iso(op.now);
	const file: PdsFile = {
		domain_id: op.store.domainId,
		drive_id: drive.drive_id,
		file_id: op.store.newId(),
		parent_file_id: parentId,
		name,
		type,
		created_at: at,
		updated_at: at,
		description: optString(op.body, 'description') ?? '',
		labels: [],
		starred: false,
		hidden: optBool(op.body, 'hidden') ?? false,
		user_tags: new Map(),
		revision_id: '1',
		creator_id: op.identity.userId ?? '',
		trashed: false,
		content: type === 'file' ? contentOfSize(size, name) : undefined,
	};
	op.store.files.set(file.file_id, file);
	return {
		status: 201,
		body: {
			domain_id: op.store.domainId,
			drive_id: drive.drive_id,
			file_id: file.file_id,
			parent_file_id: parentId,
			file_name: name,
			type,
			status: 'available',
			upload_id: type === 'file' ? op.store.newId('upload_').slice(0, 39) : '',
			rapid_upload: false,
			part_info_list: [],
		},
	};
};

function cloneFile(store: PdsStore, source: PdsFile, driveId: string, parentId: string, name: string, at: string): PdsFile {
	const copy: PdsFile = {
		...source,
		drive_id: driveId,
		file_id: store.newId(),
		parent_file_id: parentId,
		name,
		created_at: at,
		updated_at: at,
		labels: [...source.labels],
		user_tags: new Map(source.user_tags),
		revision_id: '1',
		trashed: false,
		trashed_at: undefined,
		trashedWith: undefined,
		content: source.content ? Buffer.from(source.content) : undefined,
	};
	store.files.set(copy.file_id, copy);
	return copy;
}

const copyFile: Operation = (op) => {
	const { driveId, link } = fileDrive(op, true);
	const source = liveFile(op, driveId, link);
	const toDriveId = optString(op.body, 'to_drive_id') ?? (link ? undefined : driveId);
	const toDrive = op.store.requireDrive(op.identity, toDriveId);
	const toParentId = op.store.requireParentFolder(toDrive.drive_id, op.body.to_parent_file_id, 'to_parent_file_id');
	if (
		source.type === 'folder' &&
		toDrive.drive_id === source.drive_id &&
		toParentId !== 'root' &&
		(toParentId === source.file_id || op.store.isAncestor(source.file_id, op.store.files.get(toParentId)!))
	) {
		throw invalid('to_parent_file_id', 'is the folder itself or one of its subfolders');
	}
	const autoRename = optBool(op.body, 'auto_rename') ?? false;
	const newName = optString(op.body, 'new_name');
	const name = op.store.resolveName(
		toDrive.drive_id,
		toParentId,
		newName !== undefined ? validName(newName, 'new_name') : source.name,
		autoRename ? 'auto_rename' : 'refuse',
	);
	const at = iso(op.now);
	const top = cloneFile(op.store, source, toDrive.drive_id, toParentId, name, at);
	const result: Record<string, unknown> = { domain_id: op.store.domainId, drive_id: toDrive.drive_id, file_id: top.file_id };
	if (source.type === 'file') return { status: 201, body: result };
	const store = op.store;
	const task = store.createTask('copy', op.now, store.descendants(source).length + 1, () => {
		const original = store.files.get(source.file_id);
		if (!original) throw new PdsError(404, 'NotFound.File', `The source folder was deleted. file_id: ${source.file_id}`);
		const copyChildren = (fromId: string, toId: string) => {
			for (const child of store.children(source.drive_id, fromId)) {
				const c = cloneFile(store, child, toDrive.drive_id, toId, child.name, at);
				if (child.type === 'folder') copyChildren(child.file_id, c.file_id);
			}
		};
		if (store.files.has(top.file_id)) copyChildren(source.file_id, top.file_id);
	});
	result.async_task_id = task.async_task_id;
	return { status: 202, body: result };
};

const moveFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = liveFile(op, drive.drive_id);
	const toParentId = op.store.requireParentFolder(drive.drive_id, op.body.to_parent_file_id, 'to_parent_file_id');
	if (
		file.type === 'folder' &&
		toParentId !== 'root' &&
		(toParentId === file.file_id || op.store.isAncestor(file.file_id, op.store.files.get(toParentId)!))
	) {
		throw invalid('to_parent_file_id', 'is the folder itself or one of its subfolders');
	}
	const newName = optString(op.body, 'new_name');
	const name = op.store.resolveName(
		drive.drive_id,
		toParentId,
		newName !== undefined ? validName(newName, 'new_name') : file.name,
		checkNameMode(op.body, 'ignore'),
		file.file_id,
	);
	file.parent_file_id = toParentId;
	file.name = name;
	file.updated_at = iso(op.now);
	return {
		status: 200,
		body: { domain_id: op.store.domainId, drive_id: drive.drive_id, file_id: file.file_id, exist: false },
	};
};

const deleteFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = op.store.requireFile(drive.drive_id, op.body.file_id);
	const result: Record<string, unknown> = { domain_id: op.store.domainId, drive_id: drive.drive_id, file_id: file.file_id };
	const store = op.store;
	const remove = () => {
		if (!store.files.has(file.file_id)) return;
		for (const d of store.descendants(file)) store.files.delete(d.file_id);
		store.files.delete(file.file_id);
	};
	if (file.type === 'file') {
		remove();
		return { status: 200, body: result };
	}
	const task = store.createTask('delete', op.now, store.descendants(file).length + 1, remove);
	result.async_task_id = task.async_task_id;
	return { status: 202, body: result };
};

const trashFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = op.store.requireFile(drive.drive_id, op.body.file_id);
	const result: Record<string, unknown> = {
		async_task_id: '',
		domain_id: op.store.domainId,
		drive_id: drive.drive_id,
		file_id: file.file_id,
	};
	if (file.trashed) return { status: 200, body: result };
	const store = op.store;
	const at = iso(op.now);
	const trash = () => {
		const current = store.files.get(file.file_id);
		if (!current) throw new PdsError(404, 'NotFound.File', `The file was deleted. file_id: ${file.file_id}`);
		if (current.trashed) return;
		for (const d of store.descendants(current)) {
			if (d.trashed) continue;
			d.trashed = true;
			d.trashed_at = at;
			d.trashedWith = current.file_id;
		}
		current.trashed = true;
		current.trashed_at = at;
		current.trashedWith = undefined;
	};
	if (file.type === 'file') {
		trash();
		return { status: 200, body: result };
	}
	const task = store.createTask('trash', op.now, store.descendants(file).length + 1, trash);
	result.async_task_id = task.async_task_id;
	return { status: 202, body: result };
};

const restoreFile: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = op.store.requireFile(drive.drive_id, op.body.file_id);
	const result = { async_task_id: '', domain_id: op.store.domainId, drive_id: drive.drive_id, file_id: file.file_id };
	if (!file.trashed) return { status: 200, body: result };
	const parent = file.parent_file_id === 'root' ? undefined : op.store.files.get(file.parent_file_id);
	if (file.parent_file_id !== 'root' && (!parent || parent.trashed)) file.parent_file_id = 'root';
	file.name = op.store.resolveName(drive.drive_id, file.parent_file_id, file.name, 'auto_rename', file.file_id);
	file.trashed = false;
	file.trashed_at = undefined;
	file.trashedWith = undefined;
	file.updated_at = iso(op.now);
	for (const d of op.store.descendants(file)) {
		if (d.trashedWith === file.file_id) {
			d.trashed = false;
			d.trashed_at = undefined;
			d.trashedWith = undefined;
		}
	}
	return { status: 200, body: result };
};

const getDownloadUrl: Operation = (op) => {
	const { driveId, link } = fileDrive(op, true);
	const file = liveFile(op, driveId, link);
	if (file.type !== 'file') throw invalid('file_id', 'is a folder, which has no download url');
	const expireSec = optInt(op.body, 'expire_sec', 1, 115200) ?? 900;
	optString(op.body, 'file_name', 1024);
	optString(op.body, 'response_content_type', 1024);
	const url = fileUrl(op, file);
	const view = op.store.fileView(file);
	return {
		status: 200,
		body: {
			url,
			internal_url: url,
			cdn_url: '',
			expiration: iso(op.now + expireSec * 1000),
			method: 'GET',
			size: view.size,
			content_hash: view.content_hash,
			content_hash_name: view.content_hash_name,
		},
	};
};

const getShareLinkDownloadUrl: Operation = (op) => {
	const shareId = reqString(op.body, 'share_id');
	const link = shareAccess(op, shareId);
	const file = liveFile(op, link.drive_id, link);
	if (file.type !== 'file') throw invalid('file_id', 'is a folder, which has no download url');
	if (link.disable_download) throw new PdsError(403, 'ShareLink.DownloadDisabled', 'Download is disabled for this share.');
	if (link.download_limit > 0 && link.download_count >= link.download_limit) {
		throw new PdsError(403, 'ShareLink.DownloadLimitExceeded', 'The download limit of this share is reached.');
	}
	const expireSec = optInt(op.body, 'expire_sec', 1, 115200) ?? 900;
	link.download_count++;
	const url = fileUrl(op, file);
	return { status: 200, body: { url, download_url: url, expiration: iso(op.now + expireSec * 1000) } };
};

const putUserTags: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = liveFile(op, drive.drive_id);
	const tags = op.body.user_tags;
	if (tags === undefined || tags === null) throw missing('user_tags');
	if (!Array.isArray(tags) || tags.length === 0) throw invalid('user_tags', 'must be a non-empty array');
	if (tags.length > 100) throw outOfRange('user_tags', '[1, 100] items');
	const parsed: Array<[string, string]> = [];
	for (const tag of tags as unknown[]) {
		const t = tag as { key?: unknown; value?: unknown };
		if (!t || typeof t !== 'object' || typeof t.key !== 'string' || t.key === '' || t.key.length > 128) {
			throw invalid('user_tags.key');
		}
		if (t.value !== undefined && (typeof t.value !== 'string' || t.value.length > 1024)) throw invalid('user_tags.value');
		parsed.push([t.key, (t.value as string | undefined) ?? '']);
	}
	for (const [k, v] of parsed) file.user_tags.set(k, v);
	file.updated_at = iso(op.now);
	return { status: 200, body: { file_id: file.file_id } };
};

const deleteUserTags: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const file = liveFile(op, drive.drive_id);
	const keys = optStringArray(op.body, 'key_list', 100);
	if (!keys || keys.length === 0) throw missing('key_list');
	for (const k of keys) file.user_tags.delete(k);
	file.updated_at = iso(op.now);
	return { status: 204 };
};

// ------------------------------------------------------------------ drives, users, groups

const getDrive: Operation = (op) => ({
	status: 200,
	body: op.store.driveView(op.store.requireDrive(op.identity, op.body.drive_id)),
});

const listDrive: Operation = (op) => {
	const owner = optString(op.body, 'owner');
	const ownerType = optString(op.body, 'owner_type');
	if (ownerType !== undefined && ownerType !== 'user' && ownerType !== 'group') throw invalid('owner_type');
	const drives = [...op.store.drives.values()].filter(
		(d) =>
			op.store.canAccessDrive(op.identity, d.drive_id) &&
			(owner === undefined || d.owner === owner) &&
			(ownerType === undefined || d.owner_type === ownerType),
	);
	const { page: slice, next_marker } = page(drives, op.body);
	return { status: 200, body: { items: slice.map((d) => op.store.driveView(d)), next_marker } };
};

const listMyDrives: Operation = (op) => {
	const userId = op.identity.userId;
	const user = userId ? op.store.users.get(userId) : undefined;
	const drives = [...op.store.drives.values()].filter((d) =>
		d.owner_type === 'user' ? d.owner === userId : (user?.group_ids ?? []).includes(d.owner),
	);
	const { page: slice, next_marker } = page(drives, op.body);
	return { status: 200, body: { items: slice.map((d) => op.store.driveView(d)), next_marker } };
};

const getUser: Operation = (op) => {
	const userId = optString(op.body, 'user_id') || op.identity.userId;
	if (!userId) throw missing('user_id');
	const user = op.store.users.get(userId);
	if (!user) throw new PdsError(404, 'NotFound.User', `The resource user cannot be found. user_id: ${userId}`);
	return { status: 200, body: op.store.userView(user) };
};

const getGroup: Operation = (op) => {
	const groupId = reqString(op.body, 'group_id');
	const group = op.store.groups.get(groupId);
	if (!group) throw new PdsError(404, 'NotFound.Group', `The resource group cannot be found. group_id: ${groupId}`);
	return { status: 200, body: op.store.groupView(group) };
};

// ------------------------------------------------------------------ share links

function expirationOf(body: Record<string, unknown>): string | undefined {
	const v = optString(body, 'expiration');
	if (v === undefined || v === '') return v;
	if (Number.isNaN(Date.parse(v))) throw invalid('expiration', 'must be an ISO 8601 time');
	return new Date(Date.parse(v)).toISOString();
}

function applyShareFields(link: PdsShareLink, body: Record<string, unknown>): void {
	const name = optString(body, 'share_name', 128);
	const pwd = optString(body, 'share_pwd', 64);
	const description = optString(body, 'description', 1024);
	const expiration = expirationOf(body);
	if (name !== undefined) link.share_name = name;
	if (pwd !== undefined) link.share_pwd = pwd;
	if (description !== undefined) link.description = description;
	if (expiration !== undefined) link.expiration = expiration;
	for (const flag of ['disable_download', 'disable_preview', 'disable_save'] as const) {
		const v = optBool(body, flag);
		if (v !== undefined) link[flag] = v;
	}
	for (const limit of ['download_limit', 'preview_limit', 'save_limit'] as const) {
		const v = optInt(body, limit, 0, 1_000_000_000);
		if (v !== undefined) link[limit] = v;
	}
}

const createShareLink: Operation = (op) => {
	const drive = op.store.requireDrive(op.identity, op.body.drive_id);
	const ids = optStringArray(op.body, 'file_id_list', 100);
	if (!ids || ids.length === 0) throw missing('file_id_list');
	for (const id of ids) {
		const file = op.store.requireFile(drive.drive_id, id, 'file_id_list');
		if (file.trashed) throw new PdsError(404, 'NotFound.File', `The file is in the recycle bin. file_id: ${id}`);
	}
	const at = iso(op.now);
	const link: PdsShareLink = {
		share_id: op.store.newId().slice(0, 11),
		share_name: op.store.files.get(ids[0])!.name,
		share_pwd: '',
		drive_id: drive.drive_id,
		file_id_list: [...ids],
		expiration: '',
		status: 'enabled',
		creator: op.identity.userId ?? op.identity.kind,
		description: '',
		disable_download: false,
		disable_preview: false,
		disable_save: false,
		download_limit: 0,
		preview_limit: 0,
		save_limit: 0,
		download_count: 0,
		preview_count: 0,
		save_count: 0,
		report_count: 0,
		created_at: at,
		updated_at: at,
	};
	applyShareFields(link, op.body);
	op.store.shareLinks.set(link.share_id, link);
	return { status: 201, body: op.store.shareLinkView(link, op.baseUrl, op.now) };
};

function shareLinkForOwner(op: OperationContext): PdsShareLink {
	const shareId = reqString(op.body, 'share_id');
	const link = op.store.shareLinks.get(shareId);
	if (!link) throw new PdsError(404, 'NotFound.ShareLink', `The resource share_link cannot be found. share_id: ${shareId}`);
	if (op.identity.kind === 'user' && link.creator !== op.identity.userId && !op.store.canAccessDrive(op.identity, link.drive_id)) {
		throw new PdsError(403, 'Forbidden', `No permission to manage share ${shareId}.`);
	}
	return link;
}

const updateShareLink: Operation = (op) => {
	const link = shareLinkForOwner(op);
	applyShareFields(link, op.body);
	const status = optString(op.body, 'status');
	if (status !== undefined) {
		if (status !== 'enabled' && status !== 'disabled') throw invalid('status');
		link.status = status;
	}
	link.updated_at = iso(op.now);
	return { status: 200, body: op.store.shareLinkView(link, op.baseUrl, op.now) };
};

const cancelShareLink: Operation = (op) => {
	const link = shareLinkForOwner(op);
	op.store.shareLinks.delete(link.share_id);
	for (const [token, entry] of op.store.shareTokens) if (entry.shareId === link.share_id) op.store.shareTokens.delete(token);
	return { status: 204 };
};

const getShareLink: Operation = (op) => ({
	status: 200,
	body: op.store.shareLinkView(shareLinkForOwner(op), op.baseUrl, op.now),
});

const listShareLink: Operation = (op) => {
	const creator = optString(op.body, 'creator') ?? (op.identity.kind === 'user' ? op.identity.userId : undefined);
	const orderBy = optString(op.body, 'order_by') ?? 'created_at';
	if (!['share_name', 'description', 'created_at', 'updated_at'].includes(orderBy)) throw invalid('order_by');
	const desc = (optString(op.body, 'order_direction') ?? 'DESC').toUpperCase() === 'DESC';
	const links = [...op.store.shareLinks.values()]
		.filter((l) => creator === undefined || l.creator === creator)
		.sort((a, b) => {
			const x = a[orderBy as keyof PdsShareLink] as string;
			const y = b[orderBy as keyof PdsShareLink] as string;
			const cmp = x === y ? (a.share_id < b.share_id ? -1 : 1) : x < y ? -1 : 1;
			return desc ? -cmp : cmp;
		});
	const { page: slice, next_marker } = page(links, op.body);
	return { status: 200, body: { items: slice.map((l) => op.store.shareLinkView(l, op.baseUrl, op.now)), next_marker } };
};

const getShareToken: Operation = (op) => {
	const shareId = reqString(op.body, 'share_id');
	const link = shareLinkOrThrow(op.store, shareId, op.now);
	const pwd = optString(op.body, 'share_pwd', 64) ?? '';
	if (link.share_pwd !== '' && pwd !== link.share_pwd) {
		throw new PdsError(400, 'InvalidParameterNotMatch', 'The input parameter share_pwd does not match.');
	}
	const expireSec = optInt(op.body, 'expire_sec', 1, 7200) ?? 7200;
	const token = 'shr' + randomBytes(24).toString('base64url');
	op.store.shareTokens.set(token, { shareId, expiresAt: op.now + expireSec * 1000 });
	return {
		status: 200,
		body: { share_token: token, expire_time: iso(op.now + expireSec * 1000), expires_in: expireSec },
	};
};

// ------------------------------------------------------------------ async tasks

const getAsyncTask: Operation = (op) => {
	const id = reqString(op.body, 'async_task_id');
	const task = op.store.tasks.get(id);
	if (!task) throw new PdsError(404, 'NotFound.AsyncTask', `The resource async_task cannot be found. async_task_id: ${id}`);
	return { status: 200, body: op.store.taskView(task, op.now) };
};

/** Child urls accepted by `/v2/batch` (the official list, alibaba-pds.md section 1.2). */
export const BATCH_CHILD_OPERATIONS: Record<string, Operation> = {
	'/file/get': getFile,
	'/file/update': updateFile,
	'/file/search': searchFile,
	'/file/copy': copyFile,
	'/file/move': moveFile,
	'/file/delete': deleteFile,
	'/file/get_download_url': getDownloadUrl,
	'/file/get_share_link_download_url': getShareLinkDownloadUrl,
	'/recyclebin/trash': trashFile,
	'/recyclebin/restore': restoreFile,
	'/file/put_usertags': putUserTags,
	'/file/delete_usertags': deleteUserTags,
	'/drive/get': getDrive,
	'/user/get': getUser,
	'/group/get': getGroup,
	'/share_link/create': createShareLink,
	'/share_link/update': updateShareLink,
	'/share_link/cancel': cancelShareLink,
	'/share_link/list': listShareLink,
	'/share_link/get': getShareLink,
	'/share_link/get_share_token': getShareToken,
	'/async_task/get': getAsyncTask,
};

/** Operations that are only served as direct calls (`POST /v2<url>`), not as batch children. */
export const DIRECT_ONLY_OPERATIONS: Record<string, Operation> = {
	'/file/list': listFile,
	'/file/create': createFile,
	'/drive/list': listDrive,
	'/drive/list_my_drives': listMyDrives,
};

/** `resource` value a child url belongs to. */
export function resourceOfUrl(url: string): string {
	const family = url.split('/')[1] ?? '';
	return family === 'recyclebin' ? 'file' : family;
}
