/**
 * In-memory PDS domain behind the emulator: users, groups, drives, a file tree per drive (with
 * recycle bin), share links and async tasks. Time always comes from the caller (ctx.now()).
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';

import { contentTypeFor } from '../files';
import {
	PDS_ASYNC_TASK_DURATION_MS,
	PDS_DOMAIN_ID,
	PDS_SEED_TIME,
	pdsDrives,
	pdsGroups,
	pdsJwtApp,
	pdsSeedFileId,
	pdsSeedFiles,
	pdsUsers,
	type PdsUserFixture,
} from './fixtures';

/** A PDS error answer: HTTP status plus the `{code, message}` body. */
export class PdsError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(message);
	}

	toBody(): Record<string, unknown> {
		return { code: this.code, message: this.message, ...this.extra };
	}
}

export const invalid = (name: string, why = 'is not valid') =>
	new PdsError(400, 'InvalidParameter', `The input parameter ${name} ${why}.`);
export const missing = (name: string) =>
	new PdsError(400, 'InvalidParameterMissing', `The input parameter ${name} is missing.`);
export const outOfRange = (name: string, range: string) =>
	new PdsError(400, 'InvalidParameterOutOfRange', `The input parameter ${name} is out of range ${range}.`);

export type IdentityKind = 'user' | 'service' | 'accessKey';

export interface PdsIdentity {
	kind: IdentityKind;
	/** Set for user tokens. */
	userId?: string;
	/** 'superadmin' for service tokens and AccessKeys. */
	role: string;
}

export interface PdsFile {
	domain_id: string;
	drive_id: string;
	file_id: string;
	parent_file_id: string;
	name: string;
	type: 'file' | 'folder';
	created_at: string;
	updated_at: string;
	local_modified_at?: string;
	description: string;
	labels: string[];
	starred: boolean;
	hidden: boolean;
	user_tags: Map<string, string>;
	revision_id: string;
	creator_id: string;
	trashed: boolean;
	trashed_at?: string;
	/** Id of the folder whose trashing took this file along (restored together). */
	trashedWith?: string;
	content?: Buffer;
}

export interface PdsDrive {
	drive_id: string;
	drive_name: string;
	description: string;
	owner: string;
	owner_type: 'user' | 'group';
	created_at: string;
	creator: string;
}

export interface PdsUser extends PdsUserFixture {
	created_at: number;
	updated_at: number;
}

export interface PdsGroup {
	group_id: string;
	group_name: string;
	description: string;
	member_ids: string[];
	created_at: string;
	updated_at: string;
}

export interface PdsShareLink {
	share_id: string;
	share_name: string;
	share_pwd: string;
	drive_id: string;
	file_id_list: string[];
	expiration: string;
	status: 'enabled' | 'disabled';
	creator: string;
	description: string;
	disable_download: boolean;
	disable_preview: boolean;
	disable_save: boolean;
	download_limit: number;
	preview_limit: number;
	save_limit: number;
	download_count: number;
	preview_count: number;
	save_count: number;
	report_count: number;
	created_at: string;
	updated_at: string;
}

export type AsyncTaskState = 'Running' | 'Succeed' | 'Failed';

export interface PdsAsyncTask {
	async_task_id: string;
	kind: 'copy' | 'delete' | 'trash';
	state: AsyncTaskState;
	startedAt: number;
	finishAt: number;
	total_process: number;
	err_code?: string;
	message?: string;
	apply: () => void;
}

export interface IssuedPdsToken {
	accessToken: string;
	refreshToken: string;
	clientId: string;
	identity: PdsIdentity;
	issuedAt: number;
	expiresAt: number;
	/** EmulatorContext.tokenGeneration at issue time; a later generation means expired. */
	generation: number;
}

export interface PdsCounters {
	tokenRequests: number;
	tokensIssued: number;
	tokenFailures: number;
	authFailures: number;
	signatureFailures: number;
	batchRequests: number;
	batchChildren: number;
	asyncTasksCreated: number;
}

const MAX_TOKENS = 50_000;

let seededAppKey: KeyObject | undefined;
const DEFAULT_TOTAL_SIZE = 10 * 1024 ** 3;

function categoryFor(name: string): string {
	const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
	if (['jpg', 'jpeg', 'png', 'gif', 'bmp', 'heic', 'webp'].includes(ext)) return 'image';
	if (['mp4', 'mov', 'avi', 'mkv'].includes(ext)) return 'video';
	if (['mp3', 'wav', 'flac', 'aac'].includes(ext)) return 'audio';
	if (['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'md', 'csv'].includes(ext)) return 'doc';
	if (['zip', 'rar', '7z', 'gz', 'tar'].includes(ext)) return 'zip';
	return 'others';
}

export function extensionOf(name: string): string {
	return /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
}

function sha1Upper(data: Buffer): string {
	return createHash('sha1').update(data).digest('hex').toUpperCase();
}

function seedContent(driveId: string, path: string): Buffer {
	return Buffer.from(`PDS emulator file\ndrive: ${driveId}\npath: ${path}\n`, 'utf8');
}

export class PdsStore {
	domainId = PDS_DOMAIN_ID;
	users = new Map<string, PdsUser>();
	groups = new Map<string, PdsGroup>();
	drives = new Map<string, PdsDrive>();
	files = new Map<string, PdsFile>();
	shareLinks = new Map<string, PdsShareLink>();
	shareTokens = new Map<string, { shareId: string; expiresAt: number }>();
	tasks = new Map<string, PdsAsyncTask>();
	tokens = new Map<string, IssuedPdsToken>();
	refreshTokens = new Map<string, string>();
	/** jti -> exp (ms) of assertions already used. */
	usedJtis = new Map<string, number>();
	/** x-acs-signature-nonce -> time seen (ms). */
	usedNonces = new Map<string, number>();
	/** JWT apps added by tests (the seeded app is built in, see jwtAppKey()). */
	jwtApps = new Map<string, KeyObject>();
	asyncTaskDurationMs = PDS_ASYNC_TASK_DURATION_MS;
	counters: PdsCounters = PdsStore.zeroCounters();
	private sequence = 0;

	constructor() {
		this.reset();
	}

	static zeroCounters(): PdsCounters {
		return {
			tokenRequests: 0,
			tokensIssued: 0,
			tokenFailures: 0,
			authFailures: 0,
			signatureFailures: 0,
			batchRequests: 0,
			batchChildren: 0,
			asyncTasksCreated: 0,
		};
	}

	reset(): void {
		this.users.clear();
		this.groups.clear();
		this.drives.clear();
		this.files.clear();
		this.shareLinks.clear();
		this.shareTokens.clear();
		this.tasks.clear();
		this.tokens.clear();
		this.refreshTokens.clear();
		this.usedJtis.clear();
		this.usedNonces.clear();
		this.jwtApps.clear();
		this.asyncTaskDurationMs = PDS_ASYNC_TASK_DURATION_MS;
		this.counters = PdsStore.zeroCounters();
		this.sequence = 0;
		const seedMs = Date.parse(PDS_SEED_TIME);
		for (const u of pdsUsers) {
			this.users.set(u.user_id, { ...u, group_ids: [...u.group_ids], created_at: seedMs, updated_at: seedMs });
		}
		for (const g of pdsGroups) {
			this.groups.set(g.group_id, { ...g, member_ids: [...g.member_ids], created_at: PDS_SEED_TIME, updated_at: PDS_SEED_TIME });
		}
		for (const d of pdsDrives) {
			this.drives.set(d.drive_id, { ...d, description: '', created_at: PDS_SEED_TIME, creator: 'system' });
		}
		for (const seed of pdsSeedFiles) {
			const isFolder = seed.path.endsWith('/');
			const clean = seed.path.replace(/\/$/, '');
			const slash = clean.lastIndexOf('/');
			const parentPath = slash >= 0 ? `${clean.slice(0, slash)}/` : '';
			const drive = this.drives.get(seed.drive_id)!;
			const file: PdsFile = {
				domain_id: this.domainId,
				drive_id: seed.drive_id,
				file_id: pdsSeedFileId(seed.drive_id, seed.path),
				parent_file_id: parentPath ? pdsSeedFileId(seed.drive_id, parentPath) : 'root',
				name: slash >= 0 ? clean.slice(slash + 1) : clean,
				type: isFolder ? 'folder' : 'file',
				created_at: PDS_SEED_TIME,
				updated_at: PDS_SEED_TIME,
				description: seed.description ?? '',
				labels: [...(seed.labels ?? [])],
				starred: seed.starred ?? false,
				hidden: seed.hidden ?? false,
				user_tags: new Map((seed.user_tags ?? []).map((t) => [t.key, t.value])),
				revision_id: '1',
				creator_id: drive.owner_type === 'user' ? drive.owner : '',
				trashed: seed.trashed ?? false,
				trashed_at: seed.trashed ? PDS_SEED_TIME : undefined,
				content: isFolder ? undefined : seedContent(seed.drive_id, seed.path),
			};
			this.files.set(file.file_id, file);
		}
	}

	/** A fresh id: `prefix` + 40 hex characters (deterministic per store lifetime + random salt). */
	newId(prefix = ''): string {
		this.sequence++;
		return prefix + createHash('sha1').update(`${this.sequence}:${randomBytes(8).toString('hex')}`).digest('hex');
	}

	// ---------------------------------------------------------------- views

	fileView(file: PdsFile, extra: Record<string, unknown> = {}): Record<string, unknown> {
		const view: Record<string, unknown> = {
			domain_id: file.domain_id,
			drive_id: file.drive_id,
			file_id: file.file_id,
			parent_file_id: file.parent_file_id,
			name: file.name,
			type: file.type,
			created_at: file.created_at,
			updated_at: file.updated_at,
			description: file.description,
			labels: [...file.labels],
			starred: file.starred,
			hidden: file.hidden,
			trashed: file.trashed,
			status: 'available',
			user_tags: [...file.user_tags].map(([key, value]) => ({ key, value })),
			revision_id: file.revision_id,
			creator_id: file.creator_id,
		};
		if (file.local_modified_at) view.local_modified_at = file.local_modified_at;
		if (file.trashed_at) view.trashed_at = file.trashed_at;
		if (file.type === 'file') {
			const content = file.content ?? Buffer.alloc(0);
			const contentType = contentTypeFor(file.name);
			view.size = content.length;
			view.content_hash = sha1Upper(content);
			view.content_hash_name = 'sha1';
			view.content_type = contentType;
			view.mime_type = contentType.split(';')[0];
			view.file_extension = extensionOf(file.name);
			view.category = categoryFor(file.name);
		}
		return { ...view, ...extra };
	}

	driveView(drive: PdsDrive): Record<string, unknown> {
		let used = 0;
		for (const f of this.files.values()) if (f.drive_id === drive.drive_id && f.content) used += f.content.length;
		return {
			domain_id: this.domainId,
			drive_id: drive.drive_id,
			drive_name: drive.drive_name,
			description: drive.description,
			owner: drive.owner,
			owner_type: drive.owner_type,
			drive_type: 'normal',
			status: 'enabled',
			used_size: used,
			total_size: DEFAULT_TOTAL_SIZE,
			created_at: drive.created_at,
			creator: drive.creator,
		};
	}

	userView(user: PdsUser): Record<string, unknown> {
		return {
			domain_id: this.domainId,
			user_id: user.user_id,
			user_name: user.user_name,
			nick_name: user.nick_name,
			avatar: '',
			email: user.email,
			phone: user.phone,
			role: user.role,
			status: user.status,
			description: user.description,
			default_drive_id: user.default_drive_id,
			user_data: {},
			creator: 'system',
			created_at: user.created_at,
			updated_at: user.updated_at,
			is_sync: false,
		};
	}

	groupView(group: PdsGroup): Record<string, unknown> {
		return {
			domain_id: this.domainId,
			group_id: group.group_id,
			group_name: group.group_name,
			description: group.description,
			created_at: group.created_at,
			updated_at: group.updated_at,
		};
	}

	shareLinkView(link: PdsShareLink, baseUrl: string, now: number): Record<string, unknown> {
		const expired = link.expiration !== '' && Date.parse(link.expiration) <= now;
		return {
			domain_id: this.domainId,
			share_id: link.share_id,
			share_name: link.share_name,
			share_pwd: link.share_pwd,
			share_url: `${baseUrl}/s/${link.share_id}`,
			drive_id: link.drive_id,
			file_id_list: [...link.file_id_list],
			expiration: link.expiration,
			expired,
			status: link.status,
			creator: link.creator,
			description: link.description,
			disable_download: link.disable_download,
			disable_preview: link.disable_preview,
			disable_save: link.disable_save,
			download_limit: link.download_limit,
			preview_limit: link.preview_limit,
			save_limit: link.save_limit,
			download_count: link.download_count,
			preview_count: link.preview_count,
			save_count: link.save_count,
			report_count: link.report_count,
			created_at: link.created_at,
			updated_at: link.updated_at,
		};
	}

	taskView(task: PdsAsyncTask, now: number): Record<string, unknown> {
		const span = Math.max(1, task.finishAt - task.startedAt);
		const consumed =
			task.state === 'Running'
				? Math.min(task.total_process - 1, Math.floor(((now - task.startedAt) / span) * task.total_process))
				: task.total_process;
		const view: Record<string, unknown> = {
			async_task_id: task.async_task_id,
			state: task.state,
			total_process: task.total_process,
			consumed_process: Math.max(0, consumed),
			err_code: task.err_code ?? '',
			message: task.message ?? '',
			url: '',
		};
		return view;
	}

	// ---------------------------------------------------------------- access

	canAccessDrive(identity: PdsIdentity, driveId: string): boolean {
		if (identity.kind !== 'user') return true;
		const user = identity.userId ? this.users.get(identity.userId) : undefined;
		if (user && (user.role === 'admin' || user.role === 'superadmin')) return true;
		const drive = this.drives.get(driveId);
		if (!drive) return false;
		if (drive.owner_type === 'user') return drive.owner === identity.userId;
		return this.groups.get(drive.owner)?.member_ids.includes(identity.userId ?? '') ?? false;
	}

	requireDrive(identity: PdsIdentity, driveId: unknown): PdsDrive {
		if (driveId === undefined || driveId === null || driveId === '') throw missing('drive_id');
		if (typeof driveId !== 'string') throw invalid('drive_id');
		const drive = this.drives.get(driveId);
		if (!drive) throw new PdsError(404, 'NotFound.Drive', `The resource drive cannot be found. drive_id: ${driveId}`);
		if (!this.canAccessDrive(identity, driveId)) {
			throw new PdsError(403, 'Forbidden', `No permission to access drive ${driveId}.`);
		}
		return drive;
	}

	/** A file of the drive (trashed files too); 404 NotFound.File otherwise. */
	requireFile(driveId: string, fileId: unknown, name = 'file_id'): PdsFile {
		if (fileId === undefined || fileId === null || fileId === '') throw missing(name);
		if (typeof fileId !== 'string') throw invalid(name);
		const file = this.files.get(fileId);
		if (!file || file.drive_id !== driveId) {
			throw new PdsError(404, 'NotFound.File', `The resource file cannot be found. file_id: ${fileId}`);
		}
		return file;
	}

	/** Parent folder for new children: `root` or an untrashed folder of the drive. */
	requireParentFolder(driveId: string, parentId: unknown, name = 'parent_file_id'): string {
		if (parentId === undefined || parentId === null || parentId === '') throw missing(name);
		if (parentId === 'root') return 'root';
		const parent = this.requireFile(driveId, parentId, name);
		if (parent.type !== 'folder') throw invalid(name, 'is not a folder');
		if (parent.trashed) throw new PdsError(404, 'NotFound.File', `The parent folder is in the recycle bin. file_id: ${parent.file_id}`);
		return parent.file_id;
	}

	children(driveId: string, parentId: string, includeTrashed = false): PdsFile[] {
		const out: PdsFile[] = [];
		for (const f of this.files.values()) {
			if (f.drive_id === driveId && f.parent_file_id === parentId && (includeTrashed || !f.trashed)) out.push(f);
		}
		return out;
	}

	descendants(folder: PdsFile): PdsFile[] {
		const out: PdsFile[] = [];
		const stack = [folder.file_id];
		while (stack.length > 0) {
			const id = stack.pop()!;
			for (const child of this.children(folder.drive_id, id, true)) {
				out.push(child);
				if (child.type === 'folder') stack.push(child.file_id);
			}
		}
		return out;
	}

	isAncestor(candidateAncestorId: string, file: PdsFile): boolean {
		let current: PdsFile | undefined = file;
		while (current && current.parent_file_id !== 'root') {
			if (current.parent_file_id === candidateAncestorId) return true;
			current = this.files.get(current.parent_file_id);
		}
		return false;
	}

	/**
	 * Name to use in `parentId` for `name` under `mode`: `refuse` -> 409 AlreadyExist.File on a
	 * clash, `auto_rename` -> `name(1).ext`, `ignore` -> the name as it is.
	 */
	resolveName(driveId: string, parentId: string, name: string, mode: string, exceptId?: string): string {
		const taken = new Set(
			this.children(driveId, parentId)
				.filter((f) => f.file_id !== exceptId)
				.map((f) => f.name),
		);
		if (!taken.has(name) || mode === 'ignore') return name;
		if (mode === 'refuse') {
			throw new PdsError(409, 'AlreadyExist.File', `The resource file has already exists. name: ${name}`);
		}
		const dot = name.lastIndexOf('.');
		const stem = dot > 0 ? name.slice(0, dot) : name;
		const ext = dot > 0 ? name.slice(dot) : '';
		for (let i = 1; ; i++) {
			const candidate = `${stem}(${i})${ext}`;
			if (!taken.has(candidate)) return candidate;
		}
	}

	// ---------------------------------------------------------------- async tasks

	createTask(kind: PdsAsyncTask['kind'], now: number, totalProcess: number, apply: () => void): PdsAsyncTask {
		const task: PdsAsyncTask = {
			async_task_id: this.newId('task_').slice(0, 37),
			kind,
			state: 'Running',
			startedAt: now,
			finishAt: now + this.asyncTaskDurationMs,
			total_process: Math.max(1, totalProcess),
			apply,
		};
		this.tasks.set(task.async_task_id, task);
		this.counters.asyncTasksCreated++;
		return task;
	}

	/** Completes every running task whose finish time has come (in start order). */
	settleTasks(now: number): void {
		for (const task of this.tasks.values()) {
			if (task.state !== 'Running' || task.finishAt > now) continue;
			try {
				task.apply();
				task.state = 'Succeed';
			} catch (error) {
				task.state = 'Failed';
				task.err_code = error instanceof PdsError ? error.code : 'InternalError';
				task.message = (error as Error).message;
			}
		}
	}

	// ---------------------------------------------------------------- tokens

	/** Public key of a JWT app: the seeded app, or one added with registerJwtApp(). */
	jwtAppKey(clientId: string): KeyObject | undefined {
		const registered = this.jwtApps.get(clientId);
		if (registered) return registered;
		if (clientId !== pdsJwtApp.clientId) return undefined;
		seededAppKey ??= createPublicKey(pdsJwtApp.publicKeyPem);
		return seededAppKey;
	}

	/** Trusts another JWT app (tests that bring their own key pair). Cleared by reset(). */
	registerJwtApp(clientId: string, publicKeyPem: string): void {
		this.jwtApps.set(clientId, createPublicKey(publicKeyPem));
	}

	issueToken(clientId: string, identity: PdsIdentity, now: number, lifetimeSeconds: number, generation: number): IssuedPdsToken {
		const token: IssuedPdsToken = {
			accessToken: 'eyEmu' + randomBytes(48).toString('base64url'),
			refreshToken: randomBytes(24).toString('hex'),
			clientId,
			identity,
			issuedAt: now,
			expiresAt: now + lifetimeSeconds * 1000,
			generation,
		};
		this.tokens.set(token.accessToken, token);
		this.refreshTokens.set(token.refreshToken, token.accessToken);
		this.counters.tokensIssued++;
		if (this.tokens.size > MAX_TOKENS) {
			const oldest = this.tokens.keys().next().value as string;
			const old = this.tokens.get(oldest);
			this.tokens.delete(oldest);
			if (old) this.refreshTokens.delete(old.refreshToken);
		}
		return token;
	}

	/** Forgets used jti values and nonces whose window has passed. */
	prune(now: number, nonceWindowMs: number): void {
		for (const [jti, exp] of this.usedJtis) if (exp < now) this.usedJtis.delete(jti);
		for (const [nonce, at] of this.usedNonces) if (at < now - nonceWindowMs) this.usedNonces.delete(nonce);
	}

	/** Creates a user (with a personal drive) for JWT `auto_create`. */
	autoCreateUser(userId: string, now: number): PdsUser {
		const driveId = String(1000 + this.drives.size);
		const user: PdsUser = {
			user_id: userId,
			user_name: userId,
			nick_name: userId,
			email: '',
			phone: '',
			role: 'user',
			status: 'enabled',
			description: 'Created by JWT auto_create',
			default_drive_id: driveId,
			group_ids: [],
			created_at: now,
			updated_at: now,
		};
		this.users.set(userId, user);
		const at = new Date(now).toISOString();
		this.drives.set(driveId, {
			drive_id: driveId,
			drive_name: userId,
			description: '',
			owner: userId,
			owner_type: 'user',
			created_at: at,
			creator: 'system',
		});
		return user;
	}
}
