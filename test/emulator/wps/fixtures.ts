/**
 * Seeded WPS 365 data of the emulator: one app per signature scheme and an in-memory file tree
 * of 3,000 files and folders with the fields of the batch_get_meta response (seed 004 /
 * wps365.md section 1.6). Every value is a made-up test fixture (no real tenant, app or key).
 *
 * Emulator assumptions where the docs are silent: ids are decimal strings (private deployments
 * use numeric ids; the docs only say "string"), top-level items have `parent_id` '0' (the drive
 * root), `hash.sum` is a 40-hex-digit value (the `s2s` algorithm is not documented), and
 * `link_url` is `https://365.wps.example/l/<link_id>`.
 */
import { createHash } from 'node:crypto';

import type { WpsSignatureScheme } from '../../../credentials/common/wpsSigner';

export interface WpsApp {
	/** AppId / access key / client_id. */
	appId: string;
	/** AppKey / secret key / client_secret. */
	appKey: string;
	/** The scheme the app is meant to be used with (every app may sign with any scheme). */
	scheme: WpsSignatureScheme;
	name: string;
}

/**
 * Deterministic made-up app key of a fixture app (derived, so no key-shaped literal sits in the
 * source).
 */
function emulatorAppKey(label: string): string {
	return `emu${createHash('sha256').update(`wps365-emulator-app-key:${label}`).digest('hex').slice(0, 29)}`;
}

export const WPS_APP_WPS4: WpsApp = {
	appId: 'AK20231221WPS4EMU',
	appKey: emulatorAppKey('WPS-4'),
	scheme: 'WPS-4',
	name: 'Emulator app (WPS-4)',
};

export const WPS_APP_WPS4_GM: WpsApp = {
	appId: 'AK20231221WPS4GMEMU',
	appKey: emulatorAppKey('WPS-4-GM'),
	scheme: 'WPS-4-GM',
	name: 'Emulator app (WPS-4-GM)',
};

export const WPS_APP_KSO1: WpsApp = {
	appId: 'AK20250724KSO1EMU',
	appKey: emulatorAppKey('KSO-1'),
	scheme: 'KSO-1',
	name: 'Emulator app (KSO-1)',
};

/** The apps the emulator knows, by scheme. */
export const WPS_APPS: Record<WpsSignatureScheme, WpsApp> = {
	'WPS-4': WPS_APP_WPS4,
	'WPS-4-GM': WPS_APP_WPS4_GM,
	'KSO-1': WPS_APP_KSO1,
};

export type WpsDeploymentStyle = 'private' | 'public';

/**
 * Field values of the package's `wps365Api` credential pointed at the emulator. `private` (the
 * default) leaves gateway prefix and token URL empty, so the credential derives `/graph` (WPS-4,
 * WPS-4-GM) or `/openapi` (KSO-1) and `{baseUrl}/openapi/oauth2/token`; `public` mimics the public
 * cloud on the emulator: no prefix and the token at `{baseUrl}/oauth2/token` (KSO-1).
 */
export function wps365Credentials(
	baseUrl: string,
	scheme: WpsSignatureScheme = 'KSO-1',
	style: WpsDeploymentStyle = 'private',
) {
	const app = WPS_APPS[scheme];
	return {
		baseUrl,
		signatureScheme: scheme,
		gatewayPrefix: style === 'public' ? '/' : '',
		appId: app.appId,
		appKey: app.appKey,
		tokenUrl: style === 'public' ? `${baseUrl}/oauth2/token` : '',
		accessToken: '',
	};
}

export interface WpsUser {
	avatar: string;
	company_id: string;
	id: string;
	name: string;
	type: 'user';
}

export interface WpsPermission {
	comment: boolean;
	copy: boolean;
	copy_content: boolean;
	delete: boolean;
	download: boolean;
	list: boolean;
	move: boolean;
	new_empty: boolean;
	perm_ctl: boolean;
	preview: boolean;
	print: boolean;
	rename: boolean;
	share: boolean;
	update: boolean;
	upload: boolean;
}

/** One `data.items[]` entry of batch_get_meta, fields as in the documented sample. */
export interface WpsFileItem {
	created_by: WpsUser;
	ctime: number;
	drive_id: string;
	ext_attrs: Array<{ name: string; value: string }>;
	hash: { sum: string; type: 's2s' };
	id: string;
	link_id: string;
	link_url: string;
	modified_by: WpsUser;
	mtime: number;
	name: string;
	parent_id: string;
	permission: WpsPermission;
	size: number;
	type: 'folder' | 'file';
	version: number;
}

export interface WpsFileTree {
	/** Every item by id, including the ones the apps may not see. */
	items: Map<string, WpsFileItem>;
	/** Ids no app has permission to: batch_get_meta leaves them out of data.items. */
	restricted: Set<string>;
}

const COMPANY_ID = '41000207';

function user(id: string, name: string, companyId = COMPANY_ID): WpsUser {
	return { avatar: `https://365.wps.example/avatar/${id}.png`, company_id: companyId, id, name, type: 'user' };
}

export const WPS_USERS: WpsUser[] = [
	user('1000001', '张伟'),
	user('1000002', '李娜'),
	user('1000003', 'Wang Fang'),
	user('1000004', 'Liu Yang'),
	user('1000005', '陈静'),
	user('1000006', 'Zhao Lei'),
];

/** Owner of the restricted folders (another department). */
export const WPS_RESTRICTED_OWNER: WpsUser = user('1000099', 'HR Admin');

const FULL_PERMISSION: WpsPermission = {
	comment: true,
	copy: true,
	copy_content: true,
	delete: true,
	download: true,
	list: true,
	move: true,
	new_empty: true,
	perm_ctl: true,
	preview: true,
	print: true,
	rename: true,
	share: true,
	update: true,
	upload: true,
};

const READ_ONLY_PERMISSION: WpsPermission = {
	...FULL_PERMISSION,
	delete: false,
	move: false,
	new_empty: false,
	perm_ctl: false,
	rename: false,
	share: false,
	update: false,
	upload: false,
};

export const WPS_DRIVE_IDS = ['3000001', '3000002'] as const;

const TOP_FOLDERS = [
	'Finance',
	'Marketing',
	'Engineering',
	'Sales',
	'Legal',
	'Design',
	'Operations',
	'Archive',
	'项目资料',
	'HR Confidential',
];
/** The top folder (per drive) whose whole subtree the apps cannot see. */
const RESTRICTED_TOP_FOLDER = 'HR Confidential';
/** Top folder whose content is read-only for the apps. */
const READ_ONLY_TOP_FOLDER = 'Archive';

const SUBFOLDERS_PER_TOP = 5;
const FILES_PER_SUBFOLDER = 28;
const FILES_PER_TOP = 4;
const FILE_KINDS: Array<[string, string]> = [
	['Report', 'docx'],
	['Budget', 'xlsx'],
	['Slides', 'pptx'],
	['Contract', 'pdf'],
	['Notes', 'txt'],
	['Diagram', 'png'],
	['季度报告', 'docx'],
	['会议纪要', 'docx'],
];

/** 2024-01-01T00:00:00Z */
const EPOCH = 1704067200;

/** Deterministic pseudo-random integer in [0, max) from a seed string. */
function rand(seed: string, max: number): number {
	return createHash('sha256').update(seed).digest().readUInt32BE(0) % max;
}

/** Builds the seeded tree (3,000 items: per drive 10 top folders, 50 subfolders, 1,440 files). */
export function buildWpsFileTree(): WpsFileTree {
	const items = new Map<string, WpsFileItem>();
	const restricted = new Set<string>();
	let next = 100000001;

	const add = (
		driveId: string,
		parentId: string,
		type: 'folder' | 'file',
		name: string,
		opts: { restricted: boolean; readOnly: boolean },
	): WpsFileItem => {
		const id = String(next++);
		const creator = opts.restricted ? WPS_RESTRICTED_OWNER : WPS_USERS[rand(`c${id}`, WPS_USERS.length)];
		const modifier = opts.restricted ? WPS_RESTRICTED_OWNER : WPS_USERS[rand(`m${id}`, WPS_USERS.length)];
		const ctime = EPOCH + rand(`t${id}`, 300 * 86400);
		const version = type === 'file' ? 1 + rand(`v${id}`, 12) : 1;
		const linkId = `lk${createHash('sha1').update(`link:${id}`).digest('hex').slice(0, 14)}`;
		const item: WpsFileItem = {
			created_by: { ...creator },
			ctime,
			drive_id: driveId,
			ext_attrs:
				type === 'file' && rand(`e${id}`, 3) === 0
					? [
							{ name: 'classification', value: opts.restricted ? 'confidential' : 'internal' },
							{ name: 'source', value: 'emulator' },
						]
					: [],
			hash: {
				sum: type === 'file' ? createHash('sha1').update(`${id}:${version}`).digest('hex') : '',
				type: 's2s',
			},
			id,
			link_id: linkId,
			link_url: `https://365.wps.example/l/${linkId}`,
			modified_by: { ...modifier },
			mtime: ctime + rand(`u${id}`, 60 * 86400),
			name,
			parent_id: parentId,
			permission: { ...(opts.readOnly ? READ_ONLY_PERMISSION : FULL_PERMISSION) },
			size: type === 'file' ? 1024 + rand(`s${id}`, 50 * 1024 * 1024) : 0,
			type,
			version,
		};
		items.set(id, item);
		if (opts.restricted) restricted.add(id);
		return item;
	};

	for (const driveId of WPS_DRIVE_IDS) {
		for (const top of TOP_FOLDERS) {
			const opts = { restricted: top === RESTRICTED_TOP_FOLDER, readOnly: top === READ_ONLY_TOP_FOLDER };
			const topFolder = add(driveId, '0', 'folder', top, opts);
			for (let f = 1; f <= FILES_PER_TOP; f++) {
				const [kind, ext] = FILE_KINDS[(f + topFolder.name.length) % FILE_KINDS.length];
				add(driveId, topFolder.id, 'file', `${top} ${kind} ${f}.${ext}`, opts);
			}
			for (let s = 1; s <= SUBFOLDERS_PER_TOP; s++) {
				const sub = add(driveId, topFolder.id, 'folder', `${top} 2024 Q${((s - 1) % 4) + 1}-${s}`, opts);
				for (let f = 1; f <= FILES_PER_SUBFOLDER; f++) {
					const [kind, ext] = FILE_KINDS[(f + s) % FILE_KINDS.length];
					add(driveId, sub.id, 'file', `${kind}-${String(f).padStart(3, '0')}.${ext}`, opts);
				}
			}
		}
	}
	return { items, restricted };
}

/** Handy ids of the seeded tree (the tree is deterministic). */
export const WPS_FIXTURE_IDS = (() => {
	const tree = buildWpsFileTree();
	const visible = [...tree.items.values()].filter((i) => !tree.restricted.has(i.id));
	const hidden = [...tree.items.values()].filter((i) => tree.restricted.has(i.id));
	return {
		/** Ten files every app can see. */
		files: visible.filter((i) => i.type === 'file').slice(0, 10).map((i) => i.id),
		/** A top-level folder every app can see. */
		folder: visible.find((i) => i.type === 'folder' && i.parent_id === '0')!.id,
		/** A read-only file (Archive). */
		readOnlyFile: visible.find((i) => i.type === 'file' && !i.permission.update)!.id,
		/** A file and a folder no app has permission to (absent from responses). */
		restrictedFile: hidden.find((i) => i.type === 'file')!.id,
		restrictedFolder: hidden.find((i) => i.type === 'folder')!.id,
		/** Ids that do not exist. */
		missing: ['999999999', 'no-such-file'],
		/** Every id, visible or not (3,000). */
		all: [...tree.items.keys()],
		/** Every visible id (2,700). */
		visible: visible.map((i) => i.id),
	};
})();
