/**
 * The pickers ("From list" of resource locators): each listSearch method called as the editor
 * calls it (n8n-core's LoadOptionsContext) with the real credential classes, against the
 * emulator's listings; and the nodes accepting both locator values and the plain ids of saved
 * workflows.
 */
import { AlibabaPdsAccessKeyApi } from '../../credentials/AlibabaPdsAccessKeyApi.credentials';
import { AlibabaPdsJwtAppApi } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { HuaweiCloudAkSkApi } from '../../credentials/HuaweiCloudAkSkApi.credentials';
import { HuaweiCloudIamApi } from '../../credentials/HuaweiCloudIamApi.credentials';
import { AlibabaPds } from '../../nodes/AlibabaPds/AlibabaPds.node';
import { HuaweiCloud } from '../../nodes/HuaweiCloud/HuaweiCloud.node';
import {
	HUAWEI_PROJECT,
	HUAWEI_SECOND_PROJECT,
	huaweiAkSkCredentials,
	huaweiIamCredentials,
	TAURUSDB_INSTANCE_ID,
	TAURUSDB_NODE_IDS,
	taurusInstances,
} from '../emulator/huawei/fixtures';
import {
	PDS_GROUP_DRIVE_ID,
	PDS_OTHER_DRIVE_ID,
	PDS_USER_DRIVE_ID,
	pdsAccessKeyCredentials,
	pdsJwtCredentials,
	pdsSeedFileId,
} from '../emulator/pds';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { runNode } from '../helpers/inProcess';
import { runListSearch } from '../helpers/listSearch';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });

describe('Alibaba Cloud PDS pickers', () => {
	const credentialTypes = [new AlibabaPdsJwtAppApi(), new AlibabaPdsAccessKeyApi()];
	const jwt = () => ({ alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } });
	const search = (method: string, parameters: Record<string, unknown>, filter?: string, paginationToken?: string) =>
		runListSearch({
			nodeType: new AlibabaPds(),
			method,
			parameters: { authentication: 'jwtApp', resource: 'file', operation: 'get', ...parameters } as never,
			credentials: jwt(),
			credentialTypes,
			filter,
			paginationToken,
		});

	it('Drive (searchDrives) lists the drives of /v2/drive/list and searches them by name', async () => {
		const all = await search('searchDrives', {});
		expect(all.results.map((r) => [r.name, r.value])).toEqual([
			['Alice', PDS_USER_DRIVE_ID],
			['Bob', PDS_OTHER_DRIVE_ID],
			['Engineering', PDS_GROUP_DRIVE_ID],
		]);
		expect(emulator.countRequests('/v2/drive/list')).toBe(1);
		const eng = await search('searchDrives', {}, 'engin');
		expect(eng.results.map((r) => r.value)).toEqual([PDS_GROUP_DRIVE_ID]);
	});

	it('Drive works with an AccessKey credential too (acs signature)', async () => {
		const result = await runListSearch({
			nodeType: new AlibabaPds(),
			method: 'searchDrives',
			parameters: { authentication: 'accessKey', resource: 'drive', operation: 'get' } as never,
			credentials: { alibabaPdsAccessKeyApi: { data: pdsAccessKeyCredentials(emulator.url) } },
			credentialTypes,
		});
		expect(result.results.length).toBe(3);
	});

	it('File or Folder (searchFiles) searches the chosen drive by name, 100 per page', async () => {
		const found = await search('searchFiles', { driveId: rl(PDS_USER_DRIVE_ID) }, 'report');
		expect(found.results).toEqual([
			{
				name: 'report-2024.pdf',
				value: pdsSeedFileId(PDS_USER_DRIVE_ID, 'Documents/report-2024.pdf'),
				description: pdsSeedFileId(PDS_USER_DRIVE_ID, 'Documents/report-2024.pdf'),
			},
		]);
		const first = await search('searchFiles', { driveId: PDS_USER_DRIVE_ID /* a saved plain id */ });
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBeTruthy();
		const second = await search('searchFiles', { driveId: rl(PDS_USER_DRIVE_ID) }, undefined, String(first.paginationToken));
		expect(second.results.length).toBeGreaterThan(0);
		expect(second.paginationToken).toBeUndefined();
		// folders end in a slash
		const docs = await search('searchFiles', { driveId: rl(PDS_USER_DRIVE_ID) }, 'Documents');
		expect(docs.results.map((r) => r.name)).toContain('Documents/');
	});

	it('File or Folder is empty until a drive is picked', async () => {
		const result = await search('searchFiles', { driveId: rl('') });
		expect(result.results).toEqual([]);
		expect(emulator.countRequests('/v2/')).toBe(0);
	});

	it('To Folder (searchDestinationFolders) offers the top of the drive, then folders only, in To Drive when set', async () => {
		const result = await search('searchDestinationFolders', { operation: 'move', driveId: rl(PDS_USER_DRIVE_ID) });
		expect(result.results[0]).toEqual({ name: '/ (Top of the Drive)', value: 'root' });
		expect(result.results.slice(1).map((r) => r.name).sort()).toEqual(['Archive/', 'Documents/', 'Photos/', 'bulk/']);
		const other = await search('searchDestinationFolders', {
			operation: 'copy',
			driveId: rl(PDS_USER_DRIVE_ID),
			toDriveId: rl(PDS_GROUP_DRIVE_ID),
		});
		expect(other.results.map((r) => r.name)).toEqual(['/ (Top of the Drive)', 'Specs/']);
	});

	it('the node accepts picked values and URL-less ids alike', async () => {
		const result = await runNode({
			nodeType: new AlibabaPds(),
			parameters: {
				authentication: 'jwtApp',
				resource: 'file',
				operation: 'get',
				driveId: rl(PDS_USER_DRIVE_ID),
				fileId: rl(pdsSeedFileId(PDS_USER_DRIVE_ID, 'readme.md'), 'id'),
			} as never,
			items: [{}],
			credentialTypes,
			credentials: jwt(),
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.name).toBe('readme.md');
	});

	it('an expression inside a locator is resolved per item', async () => {
		const result = await runNode({
			nodeType: new AlibabaPds(),
			parameters: {
				authentication: 'jwtApp',
				resource: 'file',
				operation: 'get',
				driveId: rl(PDS_USER_DRIVE_ID, 'id'),
				fileId: rl('={{ $json.id }}', 'id'),
			} as never,
			items: [{ id: pdsSeedFileId(PDS_USER_DRIVE_ID, 'readme.md') }, { id: pdsSeedFileId(PDS_USER_DRIVE_ID, 'Photos/cat.jpg') }],
			credentialTypes,
			credentials: jwt(),
		});
		expect(result.error).toBeUndefined();
		expect(result.main.map((i) => i.json.name)).toEqual(['readme.md', 'cat.jpg']);
		expect(emulator.countRequests('/v2/batch')).toBe(1);
	});
});

describe('Huawei Cloud pickers', () => {
	const credentialTypes = [new HuaweiCloudIamApi(), new HuaweiCloudAkSkApi()];
	const iam = () => ({ huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), token: '' } } });
	const aksk = () => ({ huaweiCloudAkSkApi: { data: huaweiAkSkCredentials(emulator.url) } });
	const taurus = { resource: 'auditLog', operation: 'getDownloadLinks' };
	const search = (
		method: string,
		parameters: Record<string, unknown>,
		filter?: string,
		credentials: ReturnType<typeof iam> | ReturnType<typeof aksk> = iam(),
	) =>
		runListSearch({
			nodeType: new HuaweiCloud(),
			method,
			parameters: {
				authentication: 'huaweiCloudIamApi' in credentials ? 'iamToken' : 'akSk',
				...taurus,
				...parameters,
				options: { endpoint: emulator.url, ...(parameters.options as object) },
			} as never,
			credentials,
			credentialTypes,
			filter,
		});

	it('Instance (searchTaurusInstances) lists GET /v3/{project_id}/instances and searches by name', async () => {
		const all = await search('searchTaurusInstances', {});
		expect(all.results.map((r) => [r.name, r.value])).toEqual(taurusInstances.map((i) => [i.name, i.id]));
		const one = await search('searchTaurusInstances', {}, 'report');
		expect(one.results.map((r) => r.name)).toEqual(['taurus-reporting']);
		expect(emulator.countRequests(`/v3/${HUAWEI_PROJECT.id}/instances`)).toBe(2);
	});

	it('Instance works with AK/SK signing', async () => {
		const all = await search('searchTaurusInstances', {}, undefined, aksk());
		expect(all.results).toHaveLength(taurusInstances.length);
		// in the project picked in Options > Project (which has no instances)
		const other = await search('searchTaurusInstances', { options: { project: rl(HUAWEI_SECOND_PROJECT.id) } }, undefined, aksk());
		expect(other.results).toEqual([]);
		expect(emulator.countRequests(`/v3/${HUAWEI_SECOND_PROJECT.id}/instances`)).toBe(1);
	});

	it('Instance names the unreachable host instead of spinning (no Endpoint URL reaching the service)', async () => {
		// port 1 on loopback: nothing listens, the connection is refused at once
		await expect(search('searchTaurusInstances', { options: { endpoint: 'http://127.0.0.1:1' } })).rejects.toThrow(
			/Could not load the list: no answer from 127\.0\.0\.1:1 .*Options > Endpoint URL/,
		);
	});

	it('Node (searchTaurusNodes) lists the nodes of the chosen instance', async () => {
		const nodes = await search('searchTaurusNodes', { instanceId: rl(TAURUSDB_INSTANCE_ID) });
		expect(nodes.results.map((r) => [r.name, r.value])).toEqual([
			['taurus-orders_node01 (master)', TAURUSDB_NODE_IDS[0]],
			['taurus-orders_node02 (slave)', TAURUSDB_NODE_IDS[1]],
		]);
		const none = await search('searchTaurusNodes', { instanceId: rl('') });
		expect(none.results).toEqual([]);
	});

	it("Project (searchProjects) lists IAM's projects of the credential's region", async () => {
		const projects = await search('searchProjects', {});
		expect(projects.results.map((r) => [r.name, r.value])).toEqual([[HUAWEI_PROJECT.name, HUAWEI_PROJECT.id]]);
		expect(emulator.countRequests('/v3/auth/projects')).toBe(1);
		const akskProjects = await search('searchProjects', {}, undefined, aksk());
		expect(akskProjects.results.map((r) => r.value)).toEqual([HUAWEI_PROJECT.id]);
	});

	it('the TaurusDB operation accepts picked instance and node values', async () => {
		const result = await runNode({
			nodeType: new HuaweiCloud(),
			parameters: {
				authentication: 'iamToken',
				...taurus,
				instanceId: rl(TAURUSDB_INSTANCE_ID),
				nodeId: rl(TAURUSDB_NODE_IDS[1]),
				startTime: '2023-07-24T00:00:00+08:00',
				endTime: '2023-07-25T00:00:00+08:00',
				limit: 3,
				options: { endpoint: emulator.url },
			} as never,
			items: [{}],
			credentialTypes,
			credentials: iam(),
		});
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(3);
		expect(String(result.main[0].json.name)).toContain(TAURUSDB_NODE_IDS[1]);
		expect(typeof result.main[0].json.size_kb).toBe('number');
		expect(result.main[0].json.size).toBeUndefined();
	});

	it('Options > Project replaces the credential project in the request path (AK/SK)', async () => {
		const result = await runNode({
			nodeType: new HuaweiCloud(),
			parameters: {
				authentication: 'akSk',
				...taurus,
				instanceId: rl(TAURUSDB_INSTANCE_ID, 'id'),
				startTime: '2023-07-24T00:00:00+08:00',
				endTime: '2023-07-25T00:00:00+08:00',
				options: { endpoint: emulator.url, project: rl(HUAWEI_SECOND_PROJECT.id) },
			} as never,
			items: [{}],
			credentialTypes,
			credentials: aksk(),
		});
		expect(emulator.countRequests(`/v3/${HUAWEI_SECOND_PROJECT.id}/instance/`)).toBe(1);
		expect(result.error?.message).toContain('DBS.200022');
	});

	it('the instance listing is signed like every route: an unsigned call is refused', async () => {
		const response = await fetch(`${emulator.url}/v3/${HUAWEI_PROJECT.id}/instances`);
		expect(response.status).toBe(401);
	});
});
