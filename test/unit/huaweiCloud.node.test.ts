/**
 * The Huawei Cloud node end to end: n8n-core's WorkflowExecute runs it against the emulator, with
 * the real credential classes (token pre-authentication, AK/SK signing) in the loop.
 */
import type { IDataObject } from 'n8n-workflow';

import { HuaweiCloudAkSkApi } from '../../credentials/HuaweiCloudAkSkApi.credentials';
import { HuaweiCloudIamApi } from '../../credentials/HuaweiCloudIamApi.credentials';
import { HuaweiCloud } from '../../nodes/HuaweiCloud/HuaweiCloud.node';
import {
	huaweiAkSkCredentials,
	huaweiIamCredentials,
	metaStudioAssets,
	osmAttachments,
	OSM_FORBIDDEN_GROUP_ID,
	TAURUSDB_INSTANCE_ID,
	TAURUSDB_NODE_IDS,
	taurusAuditFiles,
} from '../emulator/huawei/fixtures';
import { huaweiState } from '../emulator/huawei';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { describeNodeType, readBinary, runNode } from '../helpers/inProcess';

let emulator: Emulator;

beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

const credentialTypes = [new HuaweiCloudIamApi(), new HuaweiCloudAkSkApi()];

function iam() {
	return { huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), token: '' } } };
}
function aksk(temporary = false) {
	return { huaweiCloudAkSkApi: { data: huaweiAkSkCredentials(emulator.url, temporary) } };
}

function run(
	parameters: Record<string, unknown>,
	items: IDataObject[],
	extra: Partial<Parameters<typeof runNode>[0]> = {},
) {
	const { options, ...rest } = parameters as { options?: Record<string, unknown> };
	return runNode({
		nodeType: new HuaweiCloud(),
		parameters: { authentication: 'iamToken', ...rest, options: { endpoint: emulator.url, ...options } } as never,
		items,
		credentialTypes,
		credentials: iam(),
		// "Batch Action" with its Action field is node version 1 (saved workflows); version 2 has one operation per action
		...((parameters as { operation?: string }).operation === 'batchAction' ? { typeVersion: 1 } : {}),
		...extra,
	});
}

const ids = (from: number, count: number) =>
	Array.from({ length: count }, (_, i) => `asset-${String(from + i).padStart(4, '0')}`);

describe('Service Ticket Attachment > Get Download Links (OSM)', () => {
	const osm = { resource: 'serviceTicketAttachment', operation: 'getDownloadLinks' };

	it('sends the ids of all items in one request and pairs each link with its item', async () => {
		const items = [
			{ ids: `${osmAttachments[0].id}, ${osmAttachments[1].id}` },
			{ ids: [osmAttachments[2].id] },
			{ ids: osmAttachments[3].id },
		];
		const result = await run({ ...osm, attachmentIds: '={{ $json.ids }}' }, items);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('access-urls')).toBe(1);
		expect(result.main.map((i) => [i.json.accessory_id, i.pairedItem])).toEqual([
			[osmAttachments[0].id, { item: 0 }],
			[osmAttachments[1].id, { item: 0 }],
			[osmAttachments[2].id, { item: 1 }],
			[osmAttachments[3].id, { item: 2 }],
		]);
		expect(result.main[2].json.accessory_name).toBe(osmAttachments[2].name);
		expect(String(result.main[0].json.accessory_url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__files\/osm\//);
		// one token for the whole run
		expect(result.credentialStore.preAuthCount('huaweiCloudIamApi')).toBe(1);
	});

	it('splits 250 ids into 3 requests of at most 100 and keeps every pairing', async () => {
		const items = Array.from({ length: 250 }, (_, i) => ({ id: osmAttachments[i % 20].id + (i >= 20 ? `-x${i}` : '') }));
		const result = await run({ ...osm, attachmentIds: '={{ $json.id }}' }, items, { onError: 'continueRegularOutput' });
		expect(emulator.countRequests('access-urls')).toBe(3);
		expect(result.main).toHaveLength(250);
		result.main.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		// ids the service does not return are per-item errors, the others succeed
		expect(result.main.filter((i) => i.json.accessory_url).length).toBe(20);
		expect(String(result.main[20].json.error)).toContain('not returned');
	});

	it('signs with AK/SK (temporary key with security token and account id)', async () => {
		const result = await run({ ...osm, authentication: 'akSk', attachmentIds: osmAttachments[5].id }, [{}], {
			credentials: aksk(true),
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.accessory_name).toBe(osmAttachments[5].name);
	});

	it('treats an HTTP 200 with error_code as an error of every item in the request', async () => {
		const result = await run(
			{ ...osm, attachmentIds: osmAttachments[0].id, groupId: OSM_FORBIDDEN_GROUP_ID },
			[{}, {}],
			{ onError: 'continueErrorOutput' },
		);
		expect(result.main).toHaveLength(0);
		expect(result.errorOutput).toHaveLength(2);
		expect(String(result.errorOutput[0].json.error)).toContain('OSM.01010002');
	});

	it('downloads the files into binary properties when asked', async () => {
		const result = await run(
			{ ...osm, attachmentIds: `${osmAttachments[1].id},${osmAttachments[2].id}`, options: { download: true, binaryPropertyName: 'file' } },
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(2);
		const content = await readBinary(result.main[1], 'file');
		expect(content.length).toBeGreaterThan(0);
		expect(result.main[1].binary?.file.fileName).toBe(osmAttachments[2].name);
	});

	it('rejects an id longer than 64 characters before sending anything', async () => {
		const result = await run({ ...osm, attachmentIds: 'x'.repeat(65) }, [{}]);
		expect(result.error?.message).toContain('Attachment IDs');
		expect(result.error?.message).toContain('64');
		expect(emulator.countRequests('access-urls')).toBe(0);
		expect(emulator.countRequests('/v3/auth/tokens')).toBe(0);
	});
});

describe('Digital Asset > Batch Action (MetaStudio)', () => {
	const ms = { resource: 'digitalAsset', operation: 'batchAction' };

	it('runs one action for 250 assets in 3 requests, one output per asset', async () => {
		const items = ids(1, 250).map((id) => ({ id }));
		const result = await run({ ...ms, action: 'UNSHARE', assetIds: '={{ $json.id }}' }, items, {
			onError: 'continueRegularOutput',
		});
		expect(emulator.countRequests('batch-action')).toBe(3);
		expect(result.main).toHaveLength(250);
		expect(result.main[0].json).toEqual({ asset_id: 'asset-0001', action: 'UNSHARE', status: 'SUCCESS' });
		result.main.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		// every 25th asset sits in the recycle bin: those 10 fail, the 240 others succeed
		const failed = result.main.filter((i) => i.json.status === 'FAILED').map((i) => i.json.asset_id);
		expect(failed).toEqual(ids(1, 250).filter((_, i) => (i + 1) % 25 === 0));
		expect(huaweiState.asset('asset-0010')?.shared).toBe(false);
	});

	it('routes FAILED assets to the error output and keeps the successes', async () => {
		// asset-0001 is ACTIVE (cannot be deleted), asset-0004 is UNACTIVE, asset-9999 does not exist
		const items = [{ id: 'asset-0001' }, { id: 'asset-0004' }, { id: 'asset-9999' }];
		const result = await run({ ...ms, action: 'DELETE', assetIds: '={{ $json.id }}' }, items, {
			onError: 'continueErrorOutput',
		});
		expect(emulator.countRequests('batch-action')).toBe(1);
		expect(result.main.map((i) => i.json)).toEqual([{ asset_id: 'asset-0004', action: 'DELETE', status: 'SUCCESS' }]);
		expect(result.main[0].pairedItem).toEqual({ item: 1 });
		expect(result.errorOutput).toHaveLength(2);
		expect(result.errorOutput[0].json.id).toBe('asset-0001'); // n8n merges the input item
		expect(String(result.errorOutput[1].json.error)).toContain('MSS.10001001');
		expect(result.errorOutput.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	});

	it('keeps the failure details in the item with "Continue"', async () => {
		const result = await run({ ...ms, action: 'DELETE', assetIds: 'asset-9999' }, [{}], {
			onError: 'continueRegularOutput',
		});
		expect(result.main[0].json).toMatchObject({
			asset_id: 'asset-9999',
			action: 'DELETE',
			status: 'FAILED',
			error_code: 'MSS.10001001',
			code: 'MSS.10001001',
		});
	});

	it('fails the node naming the failed assets and how many succeeded', async () => {
		const result = await run({ ...ms, action: 'DELETE', assetIds: 'asset-0001, asset-0004, asset-0008' }, [{}]);
		expect(result.error?.message).toMatch(/1 of 3 assets failed, 2 succeeded/);
		expect(result.error?.description).toContain('asset-0001');
	});

	it('groups items by action: different actions never share a request', async () => {
		const items = [
			{ id: 'asset-0004', action: 'ACTIVE' },
			{ id: 'asset-0001', action: 'UNACTIVE' },
			{ id: 'asset-0008', action: 'ACTIVE' },
		];
		const result = await run({ ...ms, action: '={{ $json.action }}', assetIds: '={{ $json.id }}' }, items);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('batch-action')).toBe(2);
		expect(result.main.map((i) => [i.json.asset_id, i.json.action, i.pairedItem])).toEqual([
			['asset-0004', 'ACTIVE', { item: 0 }],
			['asset-0001', 'UNACTIVE', { item: 1 }],
			['asset-0008', 'ACTIVE', { item: 2 }],
		]);
	});

	it('signs POST bodies with AK/SK', async () => {
		const result = await run({ ...ms, authentication: 'akSk', action: 'UNSHARE', assetIds: 'asset-0010' }, [{}], {
			credentials: aksk(),
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.status).toBe('SUCCESS');
	});

	it('re-authenticates exactly once when the token has expired, then retries', async () => {
		const first = await run({ ...ms, action: 'SHARE', assetIds: 'asset-0001' }, [{}]);
		expect(first.error).toBeUndefined();
		const tokensBefore = huaweiState.tokensIssued;
		emulator.expireTokens();
		const second = await run({ ...ms, action: 'UNSHARE', assetIds: 'asset-0001' }, [{}], {
			credentialStore: first.credentialStore,
		});
		expect(second.error).toBeUndefined();
		expect(second.main[0].json.status).toBe('SUCCESS');
		expect(huaweiState.tokensIssued - tokensBefore).toBe(1);
		expect(second.credentialStore.preAuthCount('huaweiCloudIamApi', { forced: true })).toBe(1);
	});

	it('retries a 429 after Retry-After and a dropped connection, then succeeds', async () => {
		emulator.addFault({ pathContains: 'batch-action', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
		emulator.addFault({ pathContains: 'batch-action', kind: 'reset', times: 1 });
		const started = Date.now();
		const result = await run({ ...ms, action: 'SHARE', assetIds: 'asset-0002' }, [{}]);
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.status).toBe('SUCCESS');
		expect(emulator.countRequests('batch-action')).toBe(3);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
	});

	it('gives up after the configured retries and reports the status', async () => {
		emulator.addFault({ pathContains: 'batch-action', kind: 'status', status: 503, times: 5 });
		const result = await run(
			{ ...ms, action: 'SHARE', assetIds: 'asset-0002', options: { maxRetries: 1 } },
			[{}],
			{ onError: 'continueRegularOutput' },
		);
		expect(emulator.countRequests('batch-action')).toBe(2);
		expect(String(result.main[0].json.error)).toContain('asset-0002');
	});

	it('validates X-App-UserId before sending', async () => {
		const result = await run({ ...ms, action: 'SHARE', assetIds: 'asset-0002', options: { appUserId: '用户' } }, [{}]);
		expect(result.error?.message).toContain('Third-Party User ID');
		expect(emulator.countRequests('batch-action')).toBe(0);
	});

	it('does not leak the password or token into errors', async () => {
		const wrongPassword = ['wrong', 'example', 'value'].join('-');
		const creds = { huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), password: wrongPassword, token: '' } } };
		const result = await run({ ...ms, action: 'SHARE', assetIds: 'asset-0002' }, [{}], { credentials: creds });
		expect(result.error?.message).toContain('IAM login failed');
		expect(JSON.stringify(result.error)).not.toContain(wrongPassword);
	});
});

describe('Digital Asset operations, node version 2 (MetaStudio)', () => {
	const description = describeNodeType(new HuaweiCloud());

	it('offers the actions as operations, and the v1 "Batch Action" + Action only to version 1', () => {
		const operationFields = description.properties.filter(
			(p) => p.name === 'operation' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes('digitalAsset'),
		);
		const byVersion = (version: number) =>
			operationFields.find((p) => {
				const cond = p.displayOptions?.show?.['@version'] as unknown[];
				return version === 1 ? cond?.[0] === 1 : typeof cond?.[0] === 'object';
			});
		expect(byVersion(1)?.options?.map((o) => (o as { value: string }).value)).toEqual(['batchAction']);
		expect(byVersion(2)?.options?.map((o) => (o as { name: string }).name)).toEqual([
			'Activate',
			'Deactivate',
			'Move to Recycle Bin',
			'Delete Permanently',
			'Restore',
			'Share',
			'Unshare',
		]);
		expect(byVersion(2)?.default).toBe('activate');
		const action = description.properties.find((p) => p.name === 'action');
		expect(action?.displayOptions?.show?.['@version']).toEqual([1]);
		expect(description.defaultVersion).toBe(2);
		expect(description.version).toEqual([1, 2]);
		// tooltips are plain text: no markdown backticks
		const params = JSON.stringify(description.properties);
		expect(params).not.toContain('`');
	});

	it('runs the operation\'s action for every item (version 2), 100 assets per request', async () => {
		const items = ids(1, 150).map((id) => ({ id }));
		const result = await run({ resource: 'digitalAsset', operation: 'unshare', assetIds: '={{ $json.id }}' }, items, {
			onError: 'continueRegularOutput',
			typeVersion: 2,
		});
		expect(emulator.countRequests('batch-action')).toBe(2);
		expect(result.main).toHaveLength(150);
		expect(result.main[0].json).toEqual({ asset_id: 'asset-0001', action: 'UNSHARE', status: 'SUCCESS' });
		expect(huaweiState.asset('asset-0010')?.shared).toBe(false);
	});

	it('Move to Recycle Bin sends DELETE; an Action parameter left from version 1 is ignored', async () => {
		const result = await run(
			{ resource: 'digitalAsset', operation: 'moveToRecycleBin', action: 'ACTIVE', assetIds: 'asset-0004' },
			[{}],
			{ typeVersion: 2 },
		);
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toEqual({ asset_id: 'asset-0004', action: 'DELETE', status: 'SUCCESS' });
	});

	it('a saved version 1 workflow (Batch Action + Action) still runs', async () => {
		const result = await run({ resource: 'digitalAsset', operation: 'batchAction', action: 'SHARE', assetIds: 'asset-0002' }, [{}], {
			typeVersion: 1,
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toEqual({ asset_id: 'asset-0002', action: 'SHARE', status: 'SUCCESS' });
	});
});

describe('Audit Log > Get Download Links (TaurusDB)', () => {
	const audit = {
		resource: 'auditLog',
		operation: 'getDownloadLinks',
		instanceId: TAURUSDB_INSTANCE_ID,
		startTime: '2023-07-24T00:00:00+08:00',
		endTime: '2023-07-27T00:00:00+08:00',
	};

	it('returns all files with last_file_name pagination (50 per page)', async () => {
		const result = await run({ ...audit, returnAll: true }, [{}]);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(taurusAuditFiles.length);
		expect(emulator.countRequests('auditlog/download-link')).toBe(Math.ceil(taurusAuditFiles.length / 50));
		expect(result.main.map((i) => i.json.name)).toEqual(taurusAuditFiles.map((f) => f.name));
	});

	it('honours Limit and the node filter, per item', async () => {
		const items = [{ node: TAURUSDB_NODE_IDS[0] }, { node: '' }];
		const result = await run({ ...audit, returnAll: false, limit: 7, nodeId: '={{ $json.node }}' }, items);
		expect(result.main).toHaveLength(14);
		expect(result.main.slice(0, 7).every((i) => String(i.json.name).includes(TAURUSDB_NODE_IDS[0]))).toBe(true);
		expect(result.main.slice(0, 7).every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(result.main.slice(7).every((i) => (i.pairedItem as { item: number }).item === 1)).toBe(true);
	});

	it('sends times as yyyy-mm-ddThh:mm:ss+hhmm with the + encoded (AK/SK signed)', async () => {
		const result = await run(
			{ ...audit, authentication: 'akSk', startTime: '2023-07-24 08:00:00', endTime: '2023-07-24T12:00:00+0800', returnAll: true },
			[{}],
			{ credentials: aksk(), settings: { timezone: 'Asia/Shanghai' } },
		);
		expect(result.error).toBeUndefined();
		const last = emulator.requestLog.entries.filter((e) => e.path.includes('download-link')).pop();
		expect(last?.query).toContain('start_time=2023-07-24T08%3A00%3A00%2B0800');
		expect(last?.query).toContain('end_time=2023-07-24T12%3A00%3A00%2B0800');
		expect(result.main.length).toBeGreaterThan(0);
	});

	it('downloads each file into binary', async () => {
		const result = await run({ ...audit, returnAll: false, limit: 2, options: { download: true } }, [{}]);
		expect(result.main).toHaveLength(2);
		expect((await readBinary(result.main[0], 'data')).length).toBeGreaterThan(0);
	});

	it('rejects a malformed instance id and an end before the start before sending', async () => {
		const bad = await run({ ...audit, instanceId: 'abc', returnAll: true }, [{}]);
		expect(bad.error?.message).toContain('Instance ID');
		const reversed = await run({ ...audit, startTime: audit.endTime, endTime: audit.startTime, returnAll: true }, [{}]);
		expect(reversed.error?.message).toContain('End Time');
		expect(emulator.countRequests('download-link')).toBe(0);
	});
});

it('has fixtures for the ids the tests use', () => {
	expect(metaStudioAssets.find((a) => a.id === 'asset-0004')?.status).toBe('UNACTIVE');
	expect(metaStudioAssets.find((a) => a.id === 'asset-0001')?.status).toBe('ACTIVE');
});

describe('credential tests (the Test button)', () => {
	it('IAM: logs in and lists projects; a wrong password is reported', async () => {
		const { testCredential } = await import('../helpers/inProcess');
		const ok = await testCredential(new HuaweiCloudIamApi(), { ...huaweiIamCredentials(emulator.url), token: '' });
		expect(ok.status).toBe('OK');
		const wrong = await testCredential(new HuaweiCloudIamApi(), {
			...huaweiIamCredentials(emulator.url),
			password: ['not', 'it'].join('-'),
			token: '',
		});
		expect(wrong.status).toBe('Error');
	});

	it('AK/SK: a signed request to IAM; a wrong secret is reported', async () => {
		const { testCredential } = await import('../helpers/inProcess');
		const ok = await testCredential(new HuaweiCloudAkSkApi(), huaweiAkSkCredentials(emulator.url));
		expect(ok.status).toBe('OK');
		const wrong = await testCredential(new HuaweiCloudAkSkApi(), {
			...huaweiAkSkCredentials(emulator.url),
			secretAccessKey: ['not', 'the', 'secret'].join('-'),
		});
		expect(wrong.status).toBe('Error');
		// the vendor's code, the field that is likely wrong and the clock rule, not n8n's generic text
		expect(wrong.message).toMatch(/^APIGW\.0301 Incorrect IAM authentication information/);
		expect(wrong.message).toMatch(/Secret Access Key \(SK\)/);
		expect(wrong.message).toMatch(/15 minutes/);
		expect(wrong.message).not.toMatch(/not-the-secret/);
	});

	it('AK/SK: unknown AK, a clock 20 minutes off and a wrong IAM endpoint each get a message naming the cause', async () => {
		const { testCredential } = await import('../helpers/inProcess');
		const unknown = await testCredential(new HuaweiCloudAkSkApi(), {
			...huaweiAkSkCredentials(emulator.url),
			accessKeyId: ['NOSUCH', 'ACCESSKEY', '00000'].join(''),
		});
		expect(unknown).toMatchObject({ status: 'Error', message: expect.stringMatching(/^APIGW\.0301 .*Access Key ID \(AK\)/) });
		emulator.shiftClock(20 * 60_000);
		const skewed = await testCredential(new HuaweiCloudAkSkApi(), huaweiAkSkCredentials(emulator.url));
		expect(skewed).toMatchObject({ status: 'Error', message: expect.stringMatching(/X-Sdk-Date .*more than 15 minutes/) });
		emulator.shiftClock(-20 * 60_000);
		const endpoint = await testCredential(new HuaweiCloudAkSkApi(), {
			...huaweiAkSkCredentials(emulator.url),
			iamEndpoint: `${emulator.url}/not-iam`,
		});
		expect(endpoint).toMatchObject({ status: 'Error', message: expect.stringMatching(/did not answer with a project list: check the IAM Endpoint/) });
		expect(await testCredential(new HuaweiCloudAkSkApi(), huaweiAkSkCredentials(emulator.url))).toMatchObject({ status: 'OK' });
	});
});
