/**
 * Seeded Alibaba Cloud PDS data of the emulator. Every value here is a made-up test fixture (no
 * real domain, app, key or user); tests and demos import them to build credentials and
 * expectations. The RSA key of the JWT app is derived from a public seed and protects nothing.
 */
import { createHash, createPublicKey } from 'node:crypto';

import { deterministicRsaPrivateKey } from './keygen';

export const PDS_DOMAIN_ID = 'emu1029';

/** `ctx.baseUrl` plus this prefix is also accepted as a PDS endpoint (optional mount point). */
export const PDS_PATH_PREFIX = '/pds';

/** Lifetime of issued access tokens (PDS: "typically 2 h"). */
export const PDS_TOKEN_LIFETIME_SECONDS = 7200;

/** Allowed difference between the `Date` header of an AccessKey request and the server clock. */
export const PDS_DATE_SKEW_MS = 15 * 60_000;

/** How long folder copy / delete / trash async tasks run, on the emulator clock (ctx.now()). */
export const PDS_ASYNC_TASK_DURATION_MS = 2000;

/**
 * Test-only RSA key of the JWT app, derived from a public seed so every process (CLI emulator,
 * tests, demos) has the same key and none is committed. It protects nothing. Generated on first
 * use (about half a second), so importing the emulator stays cheap.
 */
let jwtAppKeys: { privateKeyPem: string; publicKeyPem: string } | undefined;

function jwtAppKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
	if (!jwtAppKeys) {
		const key = deterministicRsaPrivateKey('n8n-nodes-cloud-batch/pds-emulator/jwt-app/v1');
		jwtAppKeys = {
			privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
			publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString(),
		};
	}
	return jwtAppKeys;
}

/**
 * The JWT app (type "JWT" in the PDS console) whose public key the emulator trusts.
 * `privateKeyPem` (PKCS#8 PEM) goes into the credential's Private Key field.
 */
export const pdsJwtApp = {
	clientId: 'emuJwtApp7f3c21d9a4b6',
	get privateKeyPem(): string {
		return jwtAppKeyPair().privateKeyPem;
	},
	get publicKeyPem(): string {
		return jwtAppKeyPair().publicKeyPem;
	},
};

export interface PdsUserFixture {
	user_id: string;
	user_name: string;
	nick_name: string;
	email: string;
	phone: string;
	role: 'superadmin' | 'admin' | 'user';
	status: 'enabled' | 'disabled';
	description: string;
	default_drive_id: string;
	group_ids: string[];
}

function hexId(seed: string, length = 32): string {
	return createHash('sha1').update(seed).digest('hex').slice(0, length);
}

/** Regular user with the seeded file tree (drive PDS_USER_DRIVE_ID). */
export const PDS_USER_ID = hexId('pds-user-alice');
/** Second user with an (almost) empty drive; alice cannot see it with a user token. */
export const PDS_OTHER_USER_ID = hexId('pds-user-bob');
/** Domain administrator. */
export const PDS_ADMIN_USER_ID = hexId('pds-user-admin');

export const PDS_USER_DRIVE_ID = '1';
export const PDS_OTHER_DRIVE_ID = '2';
export const PDS_GROUP_DRIVE_ID = '100';
export const PDS_GROUP_ID = hexId('pds-group-engineering');

export const pdsUsers: PdsUserFixture[] = [
	{
		user_id: PDS_USER_ID,
		user_name: 'alice',
		nick_name: 'Alice',
		email: 'alice@emu.example',
		phone: '13900001111',
		role: 'user',
		status: 'enabled',
		description: 'Seeded user with the sample file tree',
		default_drive_id: PDS_USER_DRIVE_ID,
		group_ids: [PDS_GROUP_ID],
	},
	{
		user_id: PDS_OTHER_USER_ID,
		user_name: 'bob',
		nick_name: 'Bob',
		email: 'bob@emu.example',
		phone: '13900002222',
		role: 'user',
		status: 'enabled',
		description: 'Second user',
		default_drive_id: PDS_OTHER_DRIVE_ID,
		group_ids: [],
	},
	{
		user_id: PDS_ADMIN_USER_ID,
		user_name: 'admin',
		nick_name: 'Administrator',
		email: 'admin@emu.example',
		phone: '13900003333',
		role: 'admin',
		status: 'enabled',
		description: 'Domain administrator',
		default_drive_id: '',
		group_ids: [],
	},
];

export const pdsGroups = [
	{
		group_id: PDS_GROUP_ID,
		group_name: 'Engineering',
		description: 'Seeded group that owns the team drive',
		member_ids: [PDS_USER_ID],
	},
];

export const pdsDrives = [
	{ drive_id: PDS_USER_DRIVE_ID, drive_name: 'Alice', owner: PDS_USER_ID, owner_type: 'user' as const },
	{ drive_id: PDS_OTHER_DRIVE_ID, drive_name: 'Bob', owner: PDS_OTHER_USER_ID, owner_type: 'user' as const },
	{ drive_id: PDS_GROUP_DRIVE_ID, drive_name: 'Engineering', owner: PDS_GROUP_ID, owner_type: 'group' as const },
];

/** Permanent AccessKey pair of a RAM user with AliyunPDSFullAccess (domain-wide access). */
export const pdsAccessKey = {
	accessKeyId: 'EMUPDSEXAMPLEPERMANENT',
	accessKeySecret: 'emulatorPdsExampleSecretPermanent01',
} as const;

/** Temporary (STS) AccessKey that is only valid together with its security token. */
export const pdsStsAccessKey = {
	accessKeyId: 'STS.EMUPDSEXAMPLETEMPORARY',
	accessKeySecret: 'emulatorPdsExampleSecretTemporary01',
	securityToken: 'EMUSTS' + createHash('sha512').update('pds-emulator-sts-token').digest('base64').replace(/[+/=]/g, ''),
} as const;

/** Seeded file tree; paths are relative to the drive root, folders end with `/`. */
export interface PdsSeedFile {
	drive_id: string;
	path: string;
	description?: string;
	labels?: string[];
	starred?: boolean;
	hidden?: boolean;
	user_tags?: Array<{ key: string; value: string }>;
	/** Seed the file already in the recycle bin. */
	trashed?: boolean;
}

/** Number of files in the `bulk/` folder (more than one 100-item page). */
export const PDS_BULK_FILE_COUNT = 120;

export const pdsSeedFiles: PdsSeedFile[] = [
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Documents/' },
	{
		drive_id: PDS_USER_DRIVE_ID,
		path: 'Documents/report-2024.pdf',
		description: 'Annual report',
		labels: ['finance', 'report'],
		starred: true,
		user_tags: [{ key: 'project', value: 'apollo' }],
	},
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Documents/notes.txt', labels: ['draft'] },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Documents/Archive/' },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Documents/Archive/old-contract.docx' },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Photos/' },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Photos/cat.jpg', labels: ['animal'] },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'Photos/dog.png', labels: ['animal'], starred: true },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'readme.md', description: 'Start here' },
	{ drive_id: PDS_USER_DRIVE_ID, path: '.secret-config.json', hidden: true },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'old-draft.txt', trashed: true },
	{ drive_id: PDS_USER_DRIVE_ID, path: 'bulk/' },
	...Array.from({ length: PDS_BULK_FILE_COUNT }, (_, i) => ({
		drive_id: PDS_USER_DRIVE_ID,
		path: `bulk/item-${String(i + 1).padStart(3, '0')}.txt`,
	})),
	{ drive_id: PDS_OTHER_DRIVE_ID, path: 'bob-private.txt' },
	{ drive_id: PDS_GROUP_DRIVE_ID, path: 'Specs/' },
	{ drive_id: PDS_GROUP_DRIVE_ID, path: 'Specs/api-design.md', labels: ['spec'] },
];

/** Seed time of every fixture object (created_at / updated_at). */
export const PDS_SEED_TIME = '2024-05-01T08:00:00.000Z';

/** Deterministic file id: 40 hex characters like PDS file ids. */
export function pdsSeedFileId(driveId: string, path: string): string {
	return createHash('sha1').update(`pds-file:${driveId}:${path}`).digest('hex');
}

/** Field values of the package's `alibabaPdsJwtAppApi` credential pointed at the emulator. */
export function pdsJwtCredentials(baseUrl: string, subjectType: 'service' | 'user' = 'service') {
	return {
		domainId: PDS_DOMAIN_ID,
		clientId: pdsJwtApp.clientId,
		privateKey: pdsJwtApp.privateKeyPem,
		subjectType,
		userId: subjectType === 'user' ? PDS_USER_ID : '',
		autoCreateUser: false,
		endpoint: baseUrl,
		accessToken: '',
	};
}

/** Field values of the package's `alibabaPdsAccessKeyApi` credential pointed at the emulator. */
export function pdsAccessKeyCredentials(baseUrl: string, sts = false) {
	const key = sts ? pdsStsAccessKey : pdsAccessKey;
	return {
		domainId: PDS_DOMAIN_ID,
		accessKeyId: key.accessKeyId,
		accessKeySecret: key.accessKeySecret,
		securityToken: sts ? pdsStsAccessKey.securityToken : '',
		endpoint: baseUrl,
	};
}
