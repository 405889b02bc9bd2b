/**
 * The benchmarked batch operations: how to run each one through its node, what one request may
 * carry (the API maximum), how the emulator counts its requests, and how the same work is done
 * one request per item without this package (the baseline).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';

import { benchTaurusWindows } from '../test/emulator/huawei/benchSeed';
import {
	HUAWEI_PROJECT,
	TAURUSDB_INSTANCE_ID,
	huaweiAkSkCredentials,
	huaweiIamCredentials,
} from '../test/emulator/huawei/fixtures';
import { wps365Credentials } from '../test/emulator/wps/fixtures';
import type { BaselineTemplate } from './baselineNode';
import { ID_EXPRESSIONS, benchMetaStudioAssetId, benchOsmAttachmentId, benchPdsFileId, benchWpsFileId } from './ids';

export type OperationKey = 'osm' | 'metastudio' | 'taurusdb' | 'pds' | 'wps';

export const ALL_OPERATIONS: OperationKey[] = ['osm', 'metastudio', 'taurusdb', 'pds', 'wps'];

/** `signature`: Huawei AK/SK, PDS AccessKey (every request signed); `token`: Huawei IAM token, PDS JWT app. */
export type BenchAuth = 'signature' | 'token';

export interface BenchSettings {
	emulatorUrl: string;
	/** Node option `concurrency`; undefined = the node's default (not set). */
	concurrency?: number;
	auth: BenchAuth;
	/** TaurusDB: how many listings (input items, disjoint time windows) share the N files. */
	taurusListings: number;
}

export interface OperationSpec {
	key: OperationKey;
	/** Name in the table. */
	label: string;
	/** What one request may carry (API maximum). */
	maxBatch: number;
	/** Substring of the emulator path of the node's requests (counted by the emulator). */
	requestPath: string;
	/** Seed option of bench/emulatorProcess.ts. */
	seedFlag: 'osm' | 'metastudio' | 'taurus' | 'wps' | 'pds';
	/** Node type name (description.name) and source module (relative to the repo). */
	nodeName: string;
	nodeModule: string;
	nodeClass: string;
	credentialType: string;
	credentialModules: Array<{ module: string; className: string }>;
	credentialData: (settings: BenchSettings) => ICredentialDataDecryptedObject;
	parameters: (settings: BenchSettings) => INodeParameters;
	/** Input items for N units of work. */
	items: (n: number, settings: BenchSettings) => IDataObject[];
	/** n8n Code node body (JavaScript) that returns the same items; `N` is defined. */
	codeNodeItems: (n: number, settings: BenchSettings) => string;
	/** The baseline's request per item (`{{field}}` = the item's field), signed by the same credential. */
	baseline: (settings: BenchSettings) => BaselineTemplate;
	/** Substring of the emulator path of the baseline's requests. */
	baselinePath: string;
	/** Whether the node exists in this tree (PDS is written in parallel). */
	available: () => boolean;
	/** Note shown with the results (what the workload is). */
	workload: string;
}

const ROOT = join(__dirname, '..');

function huaweiCredentialType(settings: BenchSettings): string {
	return settings.auth === 'signature' ? 'huaweiCloudAkSkApi' : 'huaweiCloudIamApi';
}

function huaweiCredentialData(settings: BenchSettings): ICredentialDataDecryptedObject {
	return settings.auth === 'signature'
		? huaweiAkSkCredentials(settings.emulatorUrl)
		: { ...huaweiIamCredentials(settings.emulatorUrl), token: '' };
}

function concurrencyOption(settings: BenchSettings): INodeParameters {
	return settings.concurrency === undefined ? {} : { concurrency: settings.concurrency };
}

const huaweiCredentialModules = [
	{ module: 'credentials/HuaweiCloudAkSkApi.credentials', className: 'HuaweiCloudAkSkApi' },
	{ module: 'credentials/HuaweiCloudIamApi.credentials', className: 'HuaweiCloudIamApi' },
];

function idItems(n: number, id: (i: number) => string): IDataObject[] {
	const items: IDataObject[] = new Array(n);
	for (let i = 0; i < n; i++) items[i] = { id: id(i + 1) };
	return items;
}

function idCode(expression: string): (n: number) => string {
	return (n) =>
		`const items = [];\nfor (let i = 1; i <= ${n}; i++) items.push({ json: { id: ${expression} } });\nreturn items;`;
}

/** `2023-08-01T00:00:00+08:00` -> `2023-08-01T00:00:00+0800` (what TaurusDB takes). */
const huaweiTime = (iso: string) => iso.replace(/([+-]\d{2}):(\d{2})$/, '$1$2');

/** TaurusDB input items: one time window per listing; the baseline sends the `Hw` forms. */
function taurusItems(n: number, s: BenchSettings): IDataObject[] {
	return benchTaurusWindows(n, s.taurusListings).map(({ start, end }) => ({
		start,
		end,
		startHw: huaweiTime(start),
		endHw: huaweiTime(end),
	}));
}

/** What the three Huawei operations share: node, credentials, authentication choice. */
const HUAWEI_NODE = {
	nodeName: 'huaweiCloud',
	nodeModule: 'nodes/HuaweiCloud/HuaweiCloud.node',
	nodeClass: 'HuaweiCloud',
	credentialType: 'huaweiCloudAkSkApi',
	credentialModules: huaweiCredentialModules,
	credentialData: huaweiCredentialData,
} as const;

const huaweiAuthentication = (s: { auth: string }) => (s.auth === 'signature' ? 'akSk' : 'iamToken');

export const OPERATIONS: Record<OperationKey, OperationSpec> = {
	osm: {
		key: 'osm',
		label: 'OSM attachment links',
		maxBatch: 100,
		requestPath: 'access-urls',
		seedFlag: 'osm',
		...HUAWEI_NODE,
		parameters: (s) => ({
			authentication: huaweiAuthentication(s),
			resource: 'serviceTicketAttachment',
			operation: 'getDownloadLinks',
			attachmentIds: '={{ $json.id }}',
			options: { endpoint: s.emulatorUrl, ...concurrencyOption(s) },
		}),
		items: (n) => idItems(n, benchOsmAttachmentId),
		codeNodeItems: idCode(ID_EXPRESSIONS.osm),
		baseline: (s) => ({
			method: 'GET',
			url: `${s.emulatorUrl}/v2/servicerequest/accessorys/access-urls`,
			qs: { accessory_ids: ['{{id}}'] },
			headers: { 'X-Language': 'en-us' },
		}),
		baselinePath: 'access-urls',
		available: () => true,
		workload: 'one attachment id per input item, all ids exist',
	},
	metastudio: {
		key: 'metastudio',
		label: 'MetaStudio batch action',
		maxBatch: 100,
		requestPath: 'batch-action',
		seedFlag: 'metastudio',
		...HUAWEI_NODE,
		parameters: (s) => ({
			authentication: huaweiAuthentication(s),
			resource: 'digitalAsset',
			// the Unshare operation of node version 2 (the real-n8n mode runs the node as version 1,
			// where the operation value routes the same way)
			operation: 'unshare',
			assetIds: '={{ $json.id }}',
			options: { endpoint: s.emulatorUrl, ...concurrencyOption(s) },
		}),
		items: (n) => idItems(n, benchMetaStudioAssetId),
		codeNodeItems: idCode(ID_EXPRESSIONS.metastudio),
		baseline: (s) => ({
			method: 'POST',
			url: `${s.emulatorUrl}/v1/${HUAWEI_PROJECT.id}/digital-assets/batch-action`,
			body: { action: 'UNSHARE', asset_ids: ['{{id}}'] },
			headers: { 'Content-Type': 'application/json' },
		}),
		baselinePath: 'batch-action',
		available: () => true,
		workload: 'UNSHARE, one asset id per input item, all assets exist (idempotent: every run succeeds)',
	},
	taurusdb: {
		key: 'taurusdb',
		label: 'TaurusDB audit log links',
		maxBatch: 50,
		requestPath: 'auditlog/download-link',
		seedFlag: 'taurus',
		...HUAWEI_NODE,
		parameters: (s) => ({
			authentication: huaweiAuthentication(s),
			resource: 'auditLog',
			operation: 'getDownloadLinks',
			instanceId: TAURUSDB_INSTANCE_ID,
			startTime: '={{ $json.start }}',
			endTime: '={{ $json.end }}',
			returnAll: true,
			options: { endpoint: s.emulatorUrl, ...concurrencyOption(s) },
		}),
		items: (n, s) => taurusItems(n, s),
		codeNodeItems: (n, s) => `return ${JSON.stringify(taurusItems(n, s).map((json) => ({ json })))};`,
		baseline: (s) => ({
			method: 'GET',
			url: `${s.emulatorUrl}/v3/${HUAWEI_PROJECT.id}/instance/${TAURUSDB_INSTANCE_ID}/auditlog/download-link`,
			qs: { start_time: '{{startHw}}', end_time: '{{endHw}}' },
			headers: { 'X-Language': 'en-us' },
			pagination: { listField: 'files', pageSize: 50, cursorParam: 'last_file_name', cursorKey: 'name' },
		}),
		baselinePath: 'auditlog/download-link',
		available: () => true,
		workload: 'N files in `taurusListings` listings (input items with disjoint time windows), Return All, 50 per page',
	},
	pds: {
		key: 'pds',
		label: 'PDS batch file get',
		maxBatch: 100,
		requestPath: '/v2/batch',
		seedFlag: 'pds',
		nodeName: 'alibabaPds',
		nodeModule: 'nodes/AlibabaPds/AlibabaPds.node',
		nodeClass: 'AlibabaPds',
		credentialType: 'alibabaPdsAccessKeyApi',
		credentialModules: [
			{ module: 'credentials/AlibabaPdsAccessKeyApi.credentials', className: 'AlibabaPdsAccessKeyApi' },
			{ module: 'credentials/AlibabaPdsJwtAppApi.credentials', className: 'AlibabaPdsJwtAppApi' },
		],
		credentialData: (s) => require('./pds').pdsCredentialData(s),
		parameters: (s) => require('./pds').pdsParameters(s),
		items: (n) => idItems(n, benchPdsFileId),
		codeNodeItems: idCode(ID_EXPRESSIONS.pds),
		baseline: (s) => require('./pds').pdsBaseline(s),
		baselinePath: '/v2/file/get',
		available: () => existsSync(join(ROOT, 'nodes/AlibabaPds/AlibabaPds.node.ts')),
		workload: 'File > Get, one file id per input item, all files exist',
	},
	wps: {
		key: 'wps',
		label: 'WPS batch_get_meta',
		maxBatch: 1024,
		requestPath: 'batch_get_meta',
		seedFlag: 'wps',
		nodeName: 'wps365',
		nodeModule: 'nodes/Wps365/Wps365.node',
		nodeClass: 'Wps365',
		credentialType: 'wps365Api',
		credentialModules: [{ module: 'credentials/Wps365Api.credentials', className: 'Wps365Api' }],
		credentialData: (s) => wps365Credentials(s.emulatorUrl, 'KSO-1', 'private'),
		parameters: (s) => ({
			resource: 'file',
			operation: 'getMetadata',
			fileIds: '={{ $json.id }}',
			options: { ...concurrencyOption(s) },
		}),
		items: (n) => idItems(n, benchWpsFileId),
		codeNodeItems: idCode(ID_EXPRESSIONS.wps),
		baseline: (s) => ({
			method: 'POST',
			url: `${s.emulatorUrl}/openapi/v7/files/batch_get_meta`,
			body: { file_ids: ['{{id}}'] },
			headers: { 'Content-Type': 'application/json' },
		}),
		baselinePath: 'batch_get_meta',
		available: () => true,
		workload: 'KSO-1 (token + signature), Simplify on, one file id per input item, all files exist',
	},
};

/** Credential type the operation uses with these settings. */
export function credentialTypeOf(spec: OperationSpec, settings: BenchSettings): string {
	if (spec.nodeName === 'huaweiCloud') return huaweiCredentialType(settings);
	if (spec.key === 'pds') return require('./pds').pdsCredentialType(settings);
	return spec.credentialType;
}

export function loadNodeType(spec: OperationSpec): INodeType {
	const module = require(join(ROOT, `${spec.nodeModule}.ts`)) as Record<string, new () => INodeType>;
	return new module[spec.nodeClass]();
}

export function loadCredentialTypes(spec: OperationSpec): ICredentialType[] {
	return spec.credentialModules.map(({ module, className }) => {
		const loaded = require(join(ROOT, `${module}.ts`)) as Record<string, new () => ICredentialType>;
		return new loaded[className]();
	});
}

/** Output items a successful run has: one per unit (TaurusDB: one per file). */
export function expectedOutputs(_spec: OperationSpec, n: number): number {
	return n;
}

/** The latency bound: ceil(N / max_batch) / concurrency * L. */
export function latencyBoundMs(spec: OperationSpec, n: number, concurrency: number, latencyMs: number): number {
	return (Math.ceil(n / spec.maxBatch) / concurrency) * latencyMs;
}
