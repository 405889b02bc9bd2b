/**
 * Reliability defects of issue 9 (and 10.1), each reproduced against the emulator: login
 * storms, secrets echoed by token endpoints, missing credentials, paging that does not advance,
 * one failed download among several, fields of Continue error items, project-name-scoped IAM
 * credentials, connection refused, and bad input that must not send anything.
 */
import type { IDataObject } from 'n8n-workflow';

import { AlibabaPdsJwtAppApi } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { HuaweiCloudAkSkApi } from '../../credentials/HuaweiCloudAkSkApi.credentials';
import { HuaweiCloudIamApi } from '../../credentials/HuaweiCloudIamApi.credentials';
import { Wps365Api } from '../../credentials/Wps365Api.credentials';
import { AlibabaPds } from '../../nodes/AlibabaPds/AlibabaPds.node';
import { HuaweiCloud } from '../../nodes/HuaweiCloud/HuaweiCloud.node';
import { Wps365 } from '../../nodes/Wps365/Wps365.node';
import {
	huaweiIamCredentials,
	huaweiState,
	OSM_FORBIDDEN_GROUP_ID,
	osmAttachments,
	TAURUSDB_INSTANCE_ID,
} from '../emulator/huawei';
import { PDS_USER_DRIVE_ID, pdsJwtCredentials, pdsSeedFileId } from '../emulator/pds';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { wps365Credentials, WPS_FIXTURE_IDS } from '../emulator/wps/fixtures';
import type { OnError } from '../helpers/inProcess';
import { useFastRetries } from '../helpers/fastRetries';
import { runNode } from '../helpers/inProcess';

let emulator: Emulator;
useFastRetries();
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => {
	await emulator.close();
});
beforeEach(() => emulator.reset());

/** Wrong values for the credential fields (test data, not secrets). */
const WRONG_PASSWORD = ['wrong', 'password', '123'].join('-');
const WRONG_APP_KEY = ['wrong', 'app', 'key', '456'].join('-');

const huaweiTypes = [new HuaweiCloudIamApi(), new HuaweiCloudAkSkApi()];
const iam = (extra: IDataObject = {}) => ({ huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), token: '', ...extra } } });

function huawei(parameters: IDataObject, items: IDataObject[], extra: Partial<Parameters<typeof runNode>[0]> = {}) {
	const { options, ...rest } = parameters as { options?: IDataObject };
	return runNode({
		nodeType: new HuaweiCloud(),
		parameters: { authentication: 'iamToken', ...rest, options: { endpoint: emulator.url, ...options } } as never,
		items,
		credentialTypes: huaweiTypes,
		credentials: iam(),
		// Batch Action with an Action field is node version 1 (version 2 has one operation per action)
		...(parameters.operation === 'batchAction' ? { typeVersion: 1 } : {}),
		...extra,
	});
}
const osm = { resource: 'serviceTicketAttachment', operation: 'getDownloadLinks' };
const audit = {
	resource: 'auditLog',
	operation: 'getDownloadLinks',
	instanceId: TAURUSDB_INSTANCE_ID,
	startTime: '2023-07-24T00:00:00+08:00',
	endTime: '2023-07-27T00:00:00+08:00',
};

describe('login storm (defect 4)', () => {
	it('a wrong IAM password with 1,000 ids makes one login, and every item gets the credential error', async () => {
		const items = Array.from({ length: 1000 }, (_, i) => ({ id: `osm-x-${i}` }));
		const result = await huawei({ ...osm, attachmentIds: '={{ $json.id }}' }, items, {
			credentials: iam({ password: WRONG_PASSWORD }),
			onError: 'continueErrorOutput',
		});
		expect(emulator.countRequests('/v3/auth/tokens')).toBe(1);
		expect(emulator.countRequests('access-urls')).toBe(0);
		expect(result.main).toHaveLength(0);
		expect(result.errorOutput).toHaveLength(1000);
		result.errorOutput.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		expect(String(result.errorOutput[0].json.error)).toMatch(/IAM login failed: HTTP 401/);
		expect(String(result.errorOutput[0].json.error)).not.toContain(WRONG_PASSWORD);
	});

	it('a wrong IAM password fails the node with the credential error (one login)', async () => {
		const items = Array.from({ length: 300 }, (_, i) => ({ id: `osm-x-${i}` }));
		const result = await huawei({ ...osm, attachmentIds: '={{ $json.id }}' }, items, {
			credentials: iam({ password: WRONG_PASSWORD }),
		});
		expect(emulator.countRequests('/v3/auth/tokens')).toBe(1);
		expect(result.error?.message).toMatch(/IAM login failed/);
	});

	it('a wrong WPS App Key makes one token request for 3,000 ids', async () => {
		const ids = Array.from({ length: 3000 }, (_, i) => ({ id: `f-${i}` }));
		const result = await runNode({
			nodeType: new Wps365(),
			parameters: { resource: 'file', operation: 'getMetadata', fileIds: '={{ $json.id }}' } as never,
			items: ids,
			credentialTypes: [new Wps365Api()],
			credentials: { wps365Api: { data: { ...wps365Credentials(emulator.url, 'KSO-1'), appKey: WRONG_APP_KEY } } },
			onError: 'continueRegularOutput',
		});
		expect(emulator.countRequests('oauth2/token')).toBe(1);
		expect(result.main).toHaveLength(3000);
		expect(String(result.main[0].json.error)).toMatch(/token request/);
		expect(JSON.stringify(result.main.slice(0, 5))).not.toContain(WRONG_APP_KEY);
	});

	it('a token endpoint answering 429 with Retry-After is retried', async () => {
		emulator.addFault({ pathContains: '/v3/auth/tokens', kind: 'status', status: 429, retryAfterSeconds: 0, times: 2 });
		const result = await huawei({ ...osm, attachmentIds: osmAttachments[0].id }, [{}]);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('/v3/auth/tokens')).toBe(3);
		expect(result.main[0].json.accessory_id).toBe(osmAttachments[0].id);
	});

	it('a token endpoint answering 503 is retried for PDS and WPS too', async () => {
		emulator.addFault({ pathContains: '/v2/oauth/token', kind: 'status', status: 503 });
		const pds = await runNode({
			nodeType: new AlibabaPds(),
			parameters: { authentication: 'jwtApp', resource: 'drive', operation: 'get', objectId: PDS_USER_DRIVE_ID } as never,
			items: [{}],
			credentialTypes: [new AlibabaPdsJwtAppApi()],
			credentials: { alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } },
		});
		expect(pds.error).toBeUndefined();
		emulator.addFault({ pathContains: 'oauth2/token', kind: 'status', status: 503 });
		const wps = await runNode({
			nodeType: new Wps365(),
			parameters: { resource: 'file', operation: 'getMetadata', fileIds: WPS_FIXTURE_IDS.files[0] } as never,
			items: [{}],
			credentialTypes: [new Wps365Api()],
			credentials: { wps365Api: { data: wps365Credentials(emulator.url, 'KSO-1') } },
		});
		expect(wps.error).toBeUndefined();
	});
});

describe('secrets echoed by token endpoints (defect 5)', () => {
	const cases: Array<[string, string, () => Promise<{ texts: string[] }>, string[]]> = [
		[
			'Huawei IAM password',
			'/v3/auth/tokens',
			async () => {
				const r = await huawei({ ...osm, attachmentIds: osmAttachments[0].id }, [{}, {}]);
				const c = await huawei({ ...osm, attachmentIds: osmAttachments[0].id }, [{}, {}], { onError: 'continueRegularOutput' });
				return { texts: [r.error?.message ?? '', String(r.error?.description ?? ''), JSON.stringify(c.main)] };
			},
			[huaweiIamCredentials('').password],
		],
		[
			'WPS App Key',
			'oauth2/token',
			async () => {
				const creds = { wps365Api: { data: wps365Credentials(emulator.url, 'KSO-1') } };
				const base = {
					nodeType: new Wps365(),
					parameters: { resource: 'file', operation: 'getMetadata', fileIds: WPS_FIXTURE_IDS.files[0] } as never,
					items: [{}],
					credentialTypes: [new Wps365Api()],
					credentials: creds,
				};
				const r = await runNode(base);
				const c = await runNode({ ...base, onError: 'continueErrorOutput' as OnError });
				return { texts: [r.error?.message ?? '', String(r.error?.description ?? ''), JSON.stringify(c.errorOutput)] };
			},
			[wps365Credentials('', 'KSO-1').appKey],
		],
		[
			'PDS JWT private key',
			'/v2/oauth/token',
			async () => {
				const base = {
					nodeType: new AlibabaPds(),
					parameters: { authentication: 'jwtApp', resource: 'drive', operation: 'get', objectId: PDS_USER_DRIVE_ID } as never,
					items: [{}],
					credentialTypes: [new AlibabaPdsJwtAppApi()],
					credentials: { alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } },
				};
				const r = await runNode(base);
				const c = await runNode({ ...base, onError: 'continueRegularOutput' as OnError });
				return { texts: [r.error?.message ?? '', String(r.error?.description ?? ''), JSON.stringify(c.main)] };
			},
			[pdsJwtCredentials('').privateKey],
		],
	];
	it.each(cases)('%s never appears in an error, whatever the token endpoint sends back', async (_name, path, run, secrets) => {
		emulator.addFault({ pathContains: path, kind: 'status', status: 400, echo: true, times: 100 });
		const { texts } = await run();
		expect(texts.join(' ')).toMatch(/token|login/i);
		for (const text of texts) {
			for (const secret of secrets) {
				for (const part of secret.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) {
					expect(text).not.toContain(part);
					expect(text).not.toContain(encodeURIComponent(part));
				}
				if (!secret.includes('\n')) {
					expect(text).not.toContain(secret);
					expect(text).not.toContain(encodeURIComponent(secret));
				}
			}
		}
	});
});

describe('a missing credential concerns the whole run (10.1)', () => {
	it.each(['continueErrorOutput', 'continueRegularOutput'] as OnError[])('%s: one error item per input item, nothing on the success branch', async (onError) => {
		const result = await huawei({ ...osm, attachmentIds: '={{ $json.id }}' }, [{ id: 'a,b,c' }, { id: 'd' }], {
			credentials: {},
			onError,
		});
		const errors = onError === 'continueErrorOutput' ? result.errorOutput : result.main;
		if (onError === 'continueErrorOutput') expect(result.main).toHaveLength(0);
		expect(errors.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of errors) expect(String(item.json.error)).toMatch(/credential/i);
		expect(emulator.requestLog.total).toBe(0);
	});

	it('fails the node otherwise', async () => {
		const result = await huawei({ ...osm, attachmentIds: 'a' }, [{}], { credentials: {} });
		expect(result.error?.message).toMatch(/credential/i);
	});
});

describe('TaurusDB paging and shapes (defect 3)', () => {
	it('stops with an error when the service ignores last_file_name', async () => {
		const page = {
			files: Array.from({ length: 50 }, (_, i) => ({
				name: `f-${i}`,
				size: 1,
				updated_time: '2023-07-24T00:00:00+0800',
				download_link: `${emulator.url}/__files/x`,
				link_expired_time: '2023-07-24T01:00:00+0800',
			})),
		};
		emulator.addFault({ pathContains: 'auditlog/download-link', kind: 'rewrite', body: page, times: 1000 });
		const result = await huawei({ ...audit, returnAll: true }, [{}], { onError: 'continueRegularOutput' });
		expect(emulator.countRequests('auditlog/download-link')).toBe(2);
		expect(result.main).toHaveLength(1);
		expect(String(result.main[0].json.error)).toMatch(/unexpected response from TaurusDB: paging did not advance/);
	});

	it('reads the text "false" of Return All as false', async () => {
		const result = await huawei({ ...audit, returnAll: '={{ "false" }}', limit: 3 }, [{}]);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(3);
	});

	it('treats a null Node ID from an expression as empty', async () => {
		const result = await huawei({ ...audit, nodeId: '={{ $json.node }}', limit: 2 }, [{ node: null }]);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(2);
	});
});

describe('one expired download link (defect 10)', () => {
	it('keeps the other files and reports the failed one, naming it', async () => {
		emulator.addFault({ pathContains: '/__files/', kind: 'status', status: 403, body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>0000018A</RequestId></Error>', afterRequests: 2 });
		const result = await huawei({ ...audit, limit: 5, options: { download: true } }, [{}], { onError: 'continueRegularOutput' });
		expect(result.error).toBeUndefined();
		const files = result.main.filter((i) => !i.json.error);
		const errors = result.main.filter((i) => i.json.error);
		expect(files).toHaveLength(4);
		for (const file of files) expect(file.binary?.data).toBeDefined();
		expect(errors).toHaveLength(1);
		expect(String(errors[0].json.error)).toMatch(/download of file ".+" failed: AccessDenied: Request has expired/);
		expect(errors[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('Continue keeps the unit fields on a batch-level failure (defect 11)', () => {
	it('OSM HTTP 200 with error_code: each item carries accessory_id, code and requestId', async () => {
		const result = await huawei(
			{ ...osm, attachmentIds: '={{ $json.id }}', groupId: OSM_FORBIDDEN_GROUP_ID },
			[{ id: osmAttachments[0].id }, { id: osmAttachments[1].id }],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.main).toHaveLength(2);
		expect(result.main[0].json).toMatchObject({ accessory_id: osmAttachments[0].id, code: 'OSM.01010002' });
		expect(result.main[0].json.requestId).toEqual(expect.any(String));
		expect(String(result.main[0].json.error)).not.toMatch(/(.{8,}) \| \1/);
	});
});

describe('IAM credential scoped by project name (defect 9)', () => {
	it('MetaStudio and TaurusDB get the project id from IAM', async () => {
		const credentials = iam({ projectId: '' });
		const ms = await huawei({ resource: 'digitalAsset', operation: 'batchAction', action: 'UNACTIVE', assetIds: 'asset-0001' }, [{}], { credentials });
		expect(ms.error).toBeUndefined();
		expect(huaweiState.asset('asset-0001')?.status).toBe('UNACTIVE');
		const logs = await huawei({ ...audit, limit: 1 }, [{}], { credentials: iam({ projectId: '' }) });
		expect(logs.error).toBeUndefined();
		expect(emulator.requestLog.entries.some((e) => e.path.includes('//'))).toBe(false);
	});
});

describe('connection refused before sending (defect 1)', () => {
	it('is retried even for a copy, and then reported without "may have been applied"', async () => {
		const closed = await startEmulator();
		const url = closed.url;
		await closed.close();
		const result = await runNode({
			nodeType: new AlibabaPds(),
			parameters: {
				authentication: 'jwtApp',
				resource: 'file',
				operation: 'copy',
				driveId: PDS_USER_DRIVE_ID,
				fileId: pdsSeedFileId(PDS_USER_DRIVE_ID, 'readme.md'),
				toParentFileId: 'root',
				options: { maxRetries: 1 },
			} as never,
			items: [{}],
			credentialTypes: [new AlibabaPdsJwtAppApi()],
			credentials: { alibabaPdsJwtAppApi: { data: { ...pdsJwtCredentials(url), accessToken: 'stored-token' } } },
			onError: 'continueRegularOutput',
		});
		expect(String(result.main[0].json.error)).toMatch(/refused|ECONNREFUSED/i);
		expect(String(result.main[0].json.error)).not.toMatch(/may have been applied/);
		expect(String(result.main[0].json.error)).toMatch(/after 2 attempts|ECONNREFUSED|refused/);
	});
});

describe('bad input is refused before anything is sent (defect 8)', () => {
	const pdsRun = (parameters: IDataObject, items: IDataObject[]) =>
		runNode({
			nodeType: new AlibabaPds(),
			parameters: { authentication: 'jwtApp', ...parameters } as never,
			items,
			credentialTypes: [new AlibabaPdsJwtAppApi()],
			credentials: { alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } },
		});
	const fileGet = { resource: 'file', operation: 'get', driveId: PDS_USER_DRIVE_ID, fileId: '={{ $json.id }}' };
	it.each([
		['an object', { id: { a: 1 } }],
		['an array', { id: ['a', 'b'] }],
		['a boolean', { id: true }],
		['10,000 characters', { id: 'x'.repeat(10_000) }],
	])('PDS File ID given %s', async (_what, item) => {
		const result = await pdsRun(fileGet, [item]);
		expect(result.error?.message).toMatch(/File/);
		expect(result.error?.message).not.toContain('[object Object]');
		expect(emulator.requestLog.total).toBe(0);
	});

	it.each([
		['Batch Size 0', { batchSize: 0 }, /Batch Size/],
		['Batch Size -1', { batchSize: -1 }, /Batch Size/],
		['Batch Size 1.5', { batchSize: 1.5 }, /Batch Size/],
		['Batch Size 101', { batchSize: 101 }, /Batch Size/],
		['Concurrent Requests "abc"', { concurrency: 'abc' }, /Concurrent Requests/],
		['Request Timeout 0', { timeout: 0 }, /Request Timeout/],
	])('%s is an error, not a silent clamp', async (_name, options, pattern) => {
		const result = await pdsRun({ ...fileGet, options }, [{ id: 'x' }]);
		expect(result.error?.message).toMatch(pattern);
		expect(emulator.requestLog.total).toBe(0);
	});

	it.each([
		['Start Time 2023-02-30', { ...audit, startTime: '2023-02-30T00:00:00+0800' }, /Start Time/],
		['Language xx', { ...osm, attachmentIds: 'a', options: { language: 'xx' } }, /Language/],
		['Third-Party User ID with CR/LF', { resource: 'digitalAsset', operation: 'batchAction', action: 'ACTIVE', assetIds: 'a', options: { appUserId: 'a\r\nX-Evil: 1' } }, /Third-Party User ID/],
		['Third-Party User ID with emoji', { resource: 'digitalAsset', operation: 'batchAction', action: 'ACTIVE', assetIds: 'a', options: { appUserId: 'user-😀' } }, /Third-Party User ID/],
	])('Huawei: %s', async (_name, parameters, pattern) => {
		const result = await huawei(parameters as IDataObject, [{}]);
		expect(result.error?.message).toMatch(pattern);
		expect(emulator.requestLog.total).toBe(0);
	});

	it('WPS: Simplify "false" is false; ID Type "bogus" is refused', async () => {
		const base = {
			nodeType: new Wps365(),
			items: [{}],
			credentialTypes: [new Wps365Api()],
			credentials: { wps365Api: { data: wps365Credentials(emulator.url, 'KSO-1') } },
		};
		const full = await runNode({ ...base, parameters: { resource: 'file', operation: 'getMetadata', fileIds: WPS_FIXTURE_IDS.files[0], simple: '={{ "false" }}' } as never });
		expect(full.error).toBeUndefined();
		expect(full.main[0].json.ctime_iso).toBeDefined();
		emulator.reset();
		// KSO-1 private deployment: the only one the ID Type header goes to
		const bad = await runNode({ ...base, parameters: { resource: 'file', operation: 'getMetadata', fileIds: 'x', options: { idType: 'bogus' } } as never });
		expect(bad.error?.message).toMatch(/ID Type/);
		expect(emulator.requestLog.total).toBe(0);
	});

	it('PDS Custom Batch with an empty body is refused', async () => {
		for (const childBody of ['', '{}']) {
			const result = await pdsRun({ resource: 'customBatch', operation: 'send', childUrl: '/file/get', childBody }, [{}]);
			expect(result.error?.message).toMatch(/Body \(JSON\)/);
		}
		expect(emulator.requestLog.total).toBe(0);
	});

	it('PDS Auto Rename "false" is false', async () => {
		const result = await pdsRun(
			{ resource: 'file', operation: 'copy', driveId: PDS_USER_DRIVE_ID, fileId: pdsSeedFileId(PDS_USER_DRIVE_ID, 'readme.md'), toParentFileId: 'root', autoRename: '={{ "false" }}' },
			[{}],
		);
		// copying into its own folder without auto rename: the name is taken (or copied as is); never renamed
		expect(JSON.stringify(result.main)).not.toMatch(/readme\(1\)|readme \(1\)/);
	});
});
