/**
 * Seeded Huawei Cloud data of the emulator. Every value here is a made-up test fixture (no real
 * account, key or resource); tests and demos import them to build credentials and expectations.
 */
import { createHash } from 'node:crypto';

export const HUAWEI_REGION = 'cn-north-4';

export interface HuaweiProject {
	id: string;
	/** For default projects the name is the region id. */
	name: string;
}

/** Primary project (cn-north-4) holds the MetaStudio assets and the TaurusDB instance. */
export const HUAWEI_PROJECT: HuaweiProject = { id: '3566d40215aaf45aac4e3aad37c2509b', name: HUAWEI_REGION };

/** A second project of the same account with no resources (for project-mismatch tests). */
export const HUAWEI_SECOND_PROJECT: HuaweiProject = {
	id: '2f04e2061aa1afdebd6a7910712a0139',
	name: 'ap-southeast-3',
};

export const huaweiAccount = {
	/** Account name (= `user.domain.name` in the IAM token request). */
	domainName: 'emulator-account',
	/** Account id (= domain id; OSM's `X-Domain-Id`). */
	domainId: '17c101b2dc7a4893c1ed75fc58150bad',
	userName: 'emulator-user',
	userId: '5734d8dbcbb924f01f95dd1cedfa2dd6',
	password: 'Emulator#Passw0rd',
	projectId: HUAWEI_PROJECT.id,
	projectName: HUAWEI_PROJECT.name,
	region: HUAWEI_REGION,
	projects: [HUAWEI_PROJECT, HUAWEI_SECOND_PROJECT] as HuaweiProject[],
} as const;

/** Permanent AK/SK of the IAM user (placeholder-style values: they are test fixtures). */
export const huaweiPermanentKey = {
	accessKeyId: 'EMUEXAMPLEPERMANENT1',
	secretAccessKey: 'emulatorExampleSecretPermanent0000000001',
} as const;

/** Temporary AK/SK (STS) that is only valid together with its security token. */
export const huaweiTemporaryKey = {
	accessKeyId: 'EMUEXAMPLETEMPORARY1',
	secretAccessKey: 'emulatorExampleSecretTemporary0000000001',
	securityToken:
		'gQ5jbi1ub3J0aC00' +
		createHash('sha512').update('emulator-security-token-1').digest('base64').replace(/[+/=]/g, '') +
		createHash('sha512').update('emulator-security-token-2').digest('base64').replace(/[+/=]/g, '') +
		createHash('sha512').update('emulator-security-token-3').digest('base64').replace(/[+/=]/g, ''),
} as const;

/** Field values of the package's `huaweiCloudIamApi` credential pointed at the emulator. */
export function huaweiIamCredentials(baseUrl: string) {
	return {
		iamEndpoint: baseUrl,
		domainName: huaweiAccount.domainName,
		userName: huaweiAccount.userName,
		password: huaweiAccount.password,
		projectId: huaweiAccount.projectId,
		projectName: huaweiAccount.projectName,
		region: HUAWEI_REGION,
	};
}

/** Field values of the package's `huaweiCloudAkSkApi` credential pointed at the emulator. */
export function huaweiAkSkCredentials(baseUrl: string, temporary = false) {
	const key = temporary ? huaweiTemporaryKey : huaweiPermanentKey;
	return {
		accessKeyId: key.accessKeyId,
		secretAccessKey: key.secretAccessKey,
		securityToken: temporary ? huaweiTemporaryKey.securityToken : '',
		projectId: huaweiAccount.projectId,
		domainId: huaweiAccount.domainId,
		region: HUAWEI_REGION,
		iamEndpoint: baseUrl,
	};
}

// ------------------------------------------------------------------------------------------------
// OSM service-ticket attachments

export interface OsmAttachment {
	id: string;
	name: string;
}

/** 20 attachments `osm-att-0001`..`osm-att-0020`; several with non-ASCII names. */
export const osmAttachments: OsmAttachment[] = [
	'screenshot-login-error.png',
	'server.log',
	'报告-2024年第一季度.pdf',
	'Überprüfung (final).docx',
	'résumé – draft.txt',
	'日本語ファイル.xlsx',
	'😀 emoji notes.txt',
	'network-capture.zip',
	'config.json',
	'invoice 2024-03.pdf',
	'диагностика.log',
	'trace.csv',
	'photo.jpg',
	'spec.xml',
	'backup.tar.gz',
	'agreement.pdf',
	'hello world.txt',
	'data&more=1+1.txt',
	'slides.pptx',
	'README',
].map((name, i) => ({ id: `osm-att-${String(i + 1).padStart(4, '0')}`, name }));

/** A group id the user may operate on. */
export const OSM_GROUP_ID = 'emulator-group';
/** A group id for which OSM answers `OSM.01010002 No operation permission.` (HTTP 200). */
export const OSM_FORBIDDEN_GROUP_ID = 'forbidden-group';

// ------------------------------------------------------------------------------------------------
// MetaStudio digital assets

export type MetaStudioAssetStatus = 'ACTIVE' | 'UNACTIVE';

export interface MetaStudioAssetSeed {
	id: string;
	status: MetaStudioAssetStatus;
	shared: boolean;
	/** In the recycle bin. */
	deleted: boolean;
}

export const METASTUDIO_ASSET_COUNT = 300;

/**
 * `asset-0001`..`asset-0300` in the primary project. Rules: every 4th asset is UNACTIVE, every
 * 10th is shared, every 25th (UNACTIVE) sits in the recycle bin.
 */
export const metaStudioAssets: MetaStudioAssetSeed[] = Array.from(
	{ length: METASTUDIO_ASSET_COUNT },
	(_, index) => {
		const n = index + 1;
		const deleted = n % 25 === 0;
		return {
			id: `asset-${String(n).padStart(4, '0')}`,
			status: n % 4 === 0 || deleted ? 'UNACTIVE' : 'ACTIVE',
			shared: n % 10 === 0 && !deleted,
			deleted,
		};
	},
);

// ------------------------------------------------------------------------------------------------
// TaurusDB full-SQL audit files

export const TAURUSDB_INSTANCE_ID = 'ca0771732820537df44cd7cd26e7f2b6in07';
export const TAURUSDB_NODE_IDS = [
	'e4c29272a7ef78e8c6c9801fb8a4c694no07',
	'2017d67fd32e61bafa206a0a95fd235eno07',
] as const;

/**
 * TaurusDB instances of the primary project, as the instance listing shows them. The first one
 * holds the audit files; the second (no audit files) makes the pickers' lists and search real.
 */
export interface TaurusInstanceSeed {
	id: string;
	name: string;
	nodes: Array<{ id: string; name: string; type: 'master' | 'slave' }>;
}

export const taurusInstances: TaurusInstanceSeed[] = [
	{
		id: TAURUSDB_INSTANCE_ID,
		name: 'taurus-orders',
		nodes: [
			{ id: TAURUSDB_NODE_IDS[0], name: 'taurus-orders_node01', type: 'master' },
			{ id: TAURUSDB_NODE_IDS[1], name: 'taurus-orders_node02', type: 'slave' },
		],
	},
	{
		id: '5b1c0d6b9e7f4c2a8d3e1f0a9b8c7d6ein07',
		name: 'taurus-reporting',
		nodes: [{ id: '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4ano07', name: 'taurus-reporting_node01', type: 'master' }],
	},
];

export interface TaurusAuditFileSeed {
	name: string;
	nodeId: string;
	sizeKb: number;
	/** Epoch ms of the first statement in the file (the name's timestamp, +0800 local time). */
	startedAt: number;
	/** Epoch ms of the last modification (`updated_time`). */
	updatedAt: number;
}

export const TAURUSDB_AUDIT_FILE_COUNT = 137;
const BEIJING_OFFSET_MS = 8 * 3600_000;
/** 2023-07-24T00:00:00+0800 */
export const TAURUSDB_AUDIT_FIRST_START = Date.UTC(2023, 6, 24, 0, 0, 0) - BEIJING_OFFSET_MS;

function compactBeijing(ms: number): string {
	return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:T]/g, '');
}

function fileUuid(i: number): string {
	const h = createHash('sha1').update(`audit-file-${i}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-11ee-${h.slice(12, 16)}-fa163e${h.slice(16, 22)}`;
}

/**
 * 137 files from 2023-07-24 to 2023-07-26 (+0800), alternating between the two nodes, one about
 * every 31.5 minutes, each written for 20..26 minutes. Names sort chronologically.
 */
export const taurusAuditFiles: TaurusAuditFileSeed[] = Array.from(
	{ length: TAURUSDB_AUDIT_FILE_COUNT },
	(_, i) => {
		const startedAt = TAURUSDB_AUDIT_FIRST_START + i * 1890_000 + ((i * 37) % 60) * 1000;
		const updatedAt = startedAt + (20 + (i % 7)) * 60_000 + ((i * 13) % 60) * 1000;
		const nodeId = TAURUSDB_NODE_IDS[i % 2];
		return {
			name: `${compactBeijing(startedAt)}_${TAURUSDB_INSTANCE_ID}_${nodeId}_SQLAudit_${fileUuid(i)}`,
			nodeId,
			sizeKb: 64 + ((i * 7919) % 1937),
			startedAt,
			updatedAt,
		};
	},
).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

export const huaweiFixtures = {
	region: HUAWEI_REGION,
	account: huaweiAccount,
	permanentKey: huaweiPermanentKey,
	temporaryKey: huaweiTemporaryKey,
	osm: { attachments: osmAttachments, groupId: OSM_GROUP_ID, forbiddenGroupId: OSM_FORBIDDEN_GROUP_ID },
	metaStudio: { projectId: HUAWEI_PROJECT.id, assets: metaStudioAssets },
	taurusDb: {
		projectId: HUAWEI_PROJECT.id,
		instanceId: TAURUSDB_INSTANCE_ID,
		nodeIds: TAURUSDB_NODE_IDS,
		auditFiles: taurusAuditFiles,
	},
} as const;
