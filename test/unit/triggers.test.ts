/**
 * The three polling triggers in-process: poll() runs with n8n-core's PollContext several times
 * against the emulator, with changes made through the emulator's data control routes in between.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AlibabaPdsJwtAppApi } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { HuaweiCloudIamApi } from '../../credentials/HuaweiCloudIamApi.credentials';
import { Wps365Api } from '../../credentials/Wps365Api.credentials';
import { AlibabaPdsTrigger } from '../../nodes/AlibabaPdsTrigger/AlibabaPdsTrigger.node';
import { HuaweiCloudTrigger } from '../../nodes/HuaweiCloudTrigger/HuaweiCloudTrigger.node';
import { Wps365Trigger } from '../../nodes/Wps365Trigger/Wps365Trigger.node';
import { huaweiIamCredentials, TAURUSDB_INSTANCE_ID, TAURUSDB_NODE_IDS } from '../emulator/huawei/fixtures';
import { huaweiState } from '../emulator/huawei/state';
import { getPdsState } from '../emulator/pds';
import { PDS_USER_DRIVE_ID, pdsJwtCredentials, pdsSeedFileId } from '../emulator/pds/fixtures';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { wpsTokensIssued } from '../emulator/wps';
import { wps365Credentials, WPS_FIXTURE_IDS } from '../emulator/wps/fixtures';
import { readBinary } from '../helpers/inProcess';
import { createPoller } from '../helpers/poller';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

async function control(route: string, body: unknown): Promise<IDataObject> {
	const response = await fetch(`${emulator.url}/__emulator/${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const json = (await response.json()) as IDataObject;
	if (!response.ok) throw new Error(`control ${route}: ${JSON.stringify(json)}`);
	return json;
}

const items = (result: INodeExecutionData[][] | null) => result?.[0] ?? [];

// ------------------------------------------------------------------------------------------------
describe('Huawei Cloud Trigger (New Audit Log File)', () => {
	const iam = () => ({ huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), token: '' } } });
	// the instance as picked from the list (a resource locator); a plain string id is read the same way
	const poller = (options: IDataObject = {}, credentials = iam(), instanceId: unknown = { __rl: true, mode: 'list', value: TAURUSDB_INSTANCE_ID, cachedResultName: 'taurus-orders' }) =>
		createPoller({
			nodeType: new HuaweiCloudTrigger(),
			parameters: {
				authentication: 'iamToken',
				event: 'newAuditLogFile',
				instanceId: instanceId as string,
				options: { endpoint: emulator.url, maxRetries: 1, ...options },
			},
			credentials,
			credentialTypes: [new HuaweiCloudIamApi()],
			timezone: 'Asia/Shanghai',
		});
	/** `count` files written in the last minute, oldest first (names sort by start time). */
	async function addFiles(count: number, endedAgoMs = 5_000): Promise<string[]> {
		const now = Date.now();
		const added: Array<{ name: string; second: number }> = [];
		for (let i = 0; i < count; i++) {
			const updatedAt = now - endedAgoMs - (count - i) * 100;
			const file = await control('data/taurusdb/files', { startedAt: updatedAt - 60_000, updatedAt });
			added.push({ name: String(file.name), second: Math.floor(updatedAt / 1000) });
		}
		// the order the trigger emits in: updated_time (whole seconds), then name
		added.sort((a, b) => a.second - b.second || (a.name < b.name ? -1 : 1));
		return added.map((a) => a.name);
	}

	it('reads the instance from a plain string (workflows saved before the picker) and refuses a malformed id', async () => {
		const saved = poller({}, iam(), TAURUSDB_INSTANCE_ID);
		expect(await saved.poll()).toBeNull(); // first activation: from now on
		const [name] = await addFiles(1);
		expect(items(await saved.poll()).map((i) => i.json.name)).toEqual([name]);
		const typed = poller({}, iam(), { __rl: true, mode: 'id', value: 'not-an-instance' });
		await expect(typed.poll()).rejects.toThrow('Instance ID: "not-an-instance" is not 36 letters and digits ending in "in07"');
	});

	it('emits each new file exactly once, in order, across pages; nothing new gives null', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull(); // first activation: from now, seeded 2023 files are old
		expect(trigger.staticData.pollWindow).toMatchObject({ cursor: expect.any(Number), seen: {} });

		const names = await addFiles(120);
		const before = emulator.countRequests('download-link');
		const first = items(await trigger.poll());
		expect(emulator.countRequests('download-link') - before).toBe(3); // 50 + 50 + 20
		expect(first.map((i) => i.json.name)).toEqual(names);
		expect(first[0].json).toMatchObject({
			instance_id: TAURUSDB_INSTANCE_ID,
			name: names[0],
			size_kb: expect.any(Number),
			updated_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0800$/),
			download_link: expect.stringContaining('/__files/taurusdb/'),
			link_expired_time: expect.any(String),
		});

		// the overlap lists them again: suppressed
		expect(await trigger.poll()).toBeNull();
		// the seen-set holds only what the overlap window can still return
		expect(Object.keys(trigger.staticData.pollWindow as IDataObject)).toEqual(['cursor', 'seen', 'fingerprint']);
		expect(Object.keys((trigger.staticData.pollWindow as { seen: IDataObject }).seen).length).toBeLessThanOrEqual(120);

		// a file that shows up late (written 2 minutes ago, behind the cursor) is still caught, once
		const [late] = await addFiles(1, 120_000);
		expect(items(await trigger.poll()).map((i) => i.json.name)).toEqual([late]);
		expect(await trigger.poll()).toBeNull();
		// a file written again keeps its name: not a new file
		await control('data/taurusdb/files/update', { name: late });
		expect(await trigger.poll()).toBeNull();
	});

	it('a failing poll (5xx, bad credentials) emits nothing and loses nothing', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();
		const names = await addFiles(3);
		const state = trigger.snapshot();

		emulator.addFault({ pathContains: 'download-link', kind: 'status', status: 500, times: 1 });
		await expect(trigger.poll()).rejects.toThrow(/500|request failed|Internal/i);
		expect(trigger.snapshot()).toEqual(state);

		// 503 with Retry-After is retried inside the poll
		emulator.addFault({ pathContains: 'download-link', kind: 'status', status: 503, retryAfterSeconds: 0, times: 1 });
		expect(items(await trigger.poll()).map((i) => i.json.name)).toEqual(names);
		expect(await trigger.poll()).toBeNull();

		// bad password: the token request fails; state kept, nothing emitted twice afterwards
		const bad = poller({}, { huaweiCloudIamApi: { data: { ...huaweiIamCredentials(emulator.url), password: 'wrong' as never, token: '' } } });
		await expect(bad.poll()).rejects.toThrow();
		expect(bad.staticData.pollWindow).toBeUndefined();
	});

	it('renews an expired IAM token once (401) and carries on', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();
		expect(huaweiState.tokensIssued).toBe(1);
		emulator.expireTokens();
		const names = await addFiles(2);
		expect(items(await trigger.poll()).map((i) => i.json.name)).toEqual(names);
		expect(huaweiState.tokensIssued).toBe(2);

		// a 401 whose renewal fails (the password was changed meanwhile): nothing emitted, nothing lost
		const store = trigger.credentialStore;
		const details = store.detailsFor('huaweiCloudIamApi');
		const saved = store.getData('huaweiCloudIamApi');
		store.persist(details, 'huaweiCloudIamApi', { ...saved, password: 'changed-meanwhile' });
		emulator.expireTokens();
		const more = await addFiles(2);
		const state = trigger.snapshot();
		await expect(trigger.poll()).rejects.toThrow();
		expect(trigger.snapshot()).toEqual(state);
		store.persist(details, 'huaweiCloudIamApi', { ...store.getData('huaweiCloudIamApi'), password: saved.password });
		expect(items(await trigger.poll()).map((i) => i.json.name)).toEqual(more);
	});

	it('only one node when Node ID is set; downloads into binary on request', async () => {
		const trigger = poller({ download: true });
		expect(await trigger.poll()).toBeNull();
		const now = Date.now();
		const a = await control('data/taurusdb/files', { nodeId: TAURUSDB_NODE_IDS[0], updatedAt: now - 3000 });
		await control('data/taurusdb/files', { nodeId: TAURUSDB_NODE_IDS[1], updatedAt: now - 2000 });
		const both = items(await trigger.poll());
		expect(both).toHaveLength(2);
		expect((await readBinary(both[0])).toString()).toContain('emulated full-SQL audit file');

		const one = createPoller({
			nodeType: new HuaweiCloudTrigger(),
			parameters: {
				authentication: 'iamToken',
				instanceId: TAURUSDB_INSTANCE_ID,
				nodeId: TAURUSDB_NODE_IDS[0],
				options: { endpoint: emulator.url, lookbackHours: 1 },
			},
			credentials: iam(),
			credentialTypes: [new HuaweiCloudIamApi()],
		});
		// lookback: the first activation also emits the last hour
		expect(items(await one.poll()).map((i) => i.json.name)).toEqual([a.name]);
	});

	it('manual test returns the newest file, or says clearly there is none', async () => {
		const trigger = poller();
		await expect(trigger.poll('manual')).rejects.toThrow(/No audit log files of instance .* in the last 24 hours found/);
		await addFiles(3);
		const sample = items(await trigger.poll('manual'));
		expect(sample).toHaveLength(1);
		expect(trigger.staticData.pollWindow).toBeUndefined(); // a test does not move the state
	});
});

// ------------------------------------------------------------------------------------------------
describe('Alibaba Cloud PDS Trigger (File Created or Updated)', () => {
	const jwt = () => ({ alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } });
	const poller = (options: IDataObject = {}) =>
		createPoller({
			nodeType: new AlibabaPdsTrigger(),
			parameters: {
				authentication: 'jwtApp',
				event: 'fileChanged',
				driveId: PDS_USER_DRIVE_ID,
				options: { maxRetries: 1, ...options },
			},
			credentials: jwt(),
			credentialTypes: [new AlibabaPdsJwtAppApi()],
		});
	const addFile = async (name: string, extra: IDataObject = {}) =>
		await control('data/pds/files', { drive_id: PDS_USER_DRIVE_ID, name, ...extra });

	it('emits every changed file version once, in updated_at order, across pages of /v2/batch', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();

		const start = Date.now() - 10_000;
		const created: string[] = [];
		for (let i = 0; i < 250; i++) created.push(String((await addFile(`new-${i}.txt`, { at: start + i * 10 })).file_id));
		const seeded = pdsSeedFileId(PDS_USER_DRIVE_ID, 'Documents/notes.txt');
		await control('data/pds/files/update', { file_id: seeded, at: start + 5000 });

		const batches = emulator.countRequests('/v2/batch');
		const first = items(await trigger.poll());
		expect(emulator.countRequests('/v2/batch') - batches).toBe(3); // 100 + 100 + 51
		expect(first).toHaveLength(251);
		const times = first.map((i) => Date.parse(String(i.json.updated_at)));
		expect([...times].sort((a, b) => a - b)).toEqual(times);
		expect(first.find((i) => i.json.id === seeded)?.json.change_type).toBe('updated');
		expect(first.filter((i) => i.json.change_type === 'created').map((i) => i.json.id).sort()).toEqual([...created].sort());
		// the same shape as the PDS node's File > Get: id first, then the file's fields
		expect(Object.keys(first[0].json)[0]).toBe('id');
		expect(first[0].json).toMatchObject({ drive_id: PDS_USER_DRIVE_ID, file_id: first[0].json.id, name: expect.any(String) });

		expect(await trigger.poll()).toBeNull(); // overlap duplicates suppressed

		await control('data/pds/files/update', { file_id: created[7] });
		const again = items(await trigger.poll());
		expect(again.map((i) => [i.json.id, i.json.change_type])).toEqual([[created[7], 'updated']]);
		expect(await trigger.poll()).toBeNull();
	});

	it('filters by folder, extension and category; folders only when asked', async () => {
		const folder = pdsSeedFileId(PDS_USER_DRIVE_ID, 'Documents/');
		const trigger = poller({ parentFileId: folder, extensions: 'pdf, .DOCX' });
		expect(await trigger.poll()).toBeNull();
		await addFile('a.pdf', { parent_file_id: folder });
		await addFile('b.txt', { parent_file_id: folder });
		await addFile('c.pdf'); // root, not in the folder
		await addFile('d.docx', { parent_file_id: folder });
		await addFile('Sub', { parent_file_id: folder, type: 'folder' });
		expect(items(await trigger.poll()).map((i) => i.json.name)).toEqual(['a.pdf', 'd.docx']);
	});

	it('a failing poll emits nothing and loses nothing; an expired token is renewed once', async () => {
		const trigger = poller();
		expect(await trigger.poll()).toBeNull();
		const file = await addFile('x.txt');
		const state = trigger.snapshot();
		emulator.addFault({ pathContains: '/v2/batch', kind: 'status', status: 500, times: 1 });
		await expect(trigger.poll()).rejects.toThrow();
		expect(trigger.snapshot()).toEqual(state);

		const tokens = getPdsState().store.counters.tokensIssued;
		emulator.expireTokens();
		expect(items(await trigger.poll()).map((i) => i.json.id)).toEqual([file.file_id]);
		expect(getPdsState().store.counters.tokensIssued).toBe(tokens + 1);

		// a child error (unknown drive) fails the poll with the PDS code
		const wrong = createPoller({
			nodeType: new AlibabaPdsTrigger(),
			parameters: { authentication: 'jwtApp', driveId: 'no-such-drive' },
			credentials: jwt(),
			credentialTypes: [new AlibabaPdsJwtAppApi()],
		});
		await expect(wrong.poll()).rejects.toThrow(/NotFound|not found/i);
		expect(wrong.staticData.pollWindow).toBeUndefined();
	});

	it('manual test returns the newest matching file', async () => {
		const trigger = poller({ extensions: 'zzz' });
		await expect(trigger.poll('manual')).rejects.toThrow(/No files matching the filters/);
		const file = await addFile('sample.zzz');
		const sample = items(await trigger.poll('manual'));
		expect(sample.map((i) => [i.json.id, i.json.change_type])).toEqual([[file.file_id, 'created']]);
		expect(trigger.staticData.pollWindow).toBeUndefined();
	});
});

// ------------------------------------------------------------------------------------------------
describe('WPS 365 Trigger (Watched Files Changed)', () => {
	const poller = (fileIds: unknown, options: IDataObject = {}, appKey?: string, style: 'private' | 'public' = 'private') =>
		createPoller({
			nodeType: new Wps365Trigger(),
			parameters: { event: 'watchedFilesChanged', fileIds: fileIds as string, options: { maxRetries: 1, ...options } },
			credentials: {
				wps365Api: { data: { ...wps365Credentials(emulator.url, 'KSO-1', style), ...(appKey ? { appKey } : {}) } },
			},
			credentialTypes: [new Wps365Api()],
		});
	const calls = () => emulator.countRequests('batch_get_meta');

	it('records a baseline, then emits 2,500 changed files of 3,000 watched in 3 calls', async () => {
		const watched = WPS_FIXTURE_IDS.all; // 3,000 (300 without permission)
		const trigger = poller(watched.join(','));
		let before = calls();
		expect(await trigger.poll()).toBeNull(); // baseline
		expect(calls() - before).toBe(3);
		expect(Object.keys(trigger.staticData.watched as IDataObject)).toHaveLength(3000);

		const changed = WPS_FIXTURE_IDS.visible.slice(0, 2500);
		await control('data/wps/files/update', { ids: changed });
		before = calls();
		const result = items(await trigger.poll());
		expect(calls() - before).toBe(3);
		expect(result).toHaveLength(2500);
		expect(new Set(result.map((i) => i.json.id))).toEqual(new Set(changed));
		// the same fields as the WPS node's Get Metadata (Simplify), plus change_type
		expect(Object.keys(result[0].json).sort()).toEqual(
			['change_type', 'created_at', 'created_by', 'drive_id', 'id', 'link_url', 'modified_at', 'modified_by', 'name', 'parent_id', 'size', 'type', 'version'].sort(),
		);
		const mtimes = result.map((i) => Date.parse(String(i.json.modified_at)));
		expect([...mtimes].sort((a, b) => a - b)).toEqual(mtimes);

		expect(await trigger.poll()).toBeNull();
	});

	it('emits removed files once when asked (deleted or permission lost)', async () => {
		const watched = WPS_FIXTURE_IDS.files.slice(0, 5);
		const trigger = poller(watched, { includeRemoved: true });
		expect(await trigger.poll()).toBeNull();
		await control('data/wps/files/delete', { ids: [watched[1]] });
		await control('data/wps/files/restrict', { ids: [watched[3]] });
		await control('data/wps/files/update', { ids: [watched[0]] });
		const result = items(await trigger.poll());
		expect(result.map((i) => [i.json.id, i.json.change_type])).toEqual([
			[watched[0], 'changed'],
			[watched[1], 'removed'],
			[watched[3], 'removed'],
		]);
		expect(await trigger.poll()).toBeNull();
	});

	it('a failing poll (5xx, bad credentials) emits nothing and loses nothing; 401 renews once', async () => {
		const watched = WPS_FIXTURE_IDS.files.slice(0, 4);
		const trigger = poller(watched.join('\n'));
		expect(await trigger.poll()).toBeNull();
		await control('data/wps/files/update', { ids: [watched[2]] });
		const state = trigger.snapshot();
		emulator.addFault({ pathContains: 'batch_get_meta', kind: 'status', status: 500, times: 1 });
		await expect(trigger.poll()).rejects.toThrow();
		expect(trigger.snapshot()).toEqual(state);

		const tokens = wpsTokensIssued();
		emulator.expireTokens();
		expect(items(await trigger.poll()).map((i) => i.json.id)).toEqual([watched[2]]);
		expect(wpsTokensIssued()).toBe(tokens + 1);

		const bad = poller(watched, {}, 'wrong-app-key');
		await expect(bad.poll()).rejects.toThrow();
		expect(bad.staticData.watched).toBeUndefined();
	});

	it('on the public cloud reads with GET batch_get, 100 ids per call; failed ids count as removed', async () => {
		const watched = WPS_FIXTURE_IDS.visible.slice(0, 250);
		const trigger = poller(watched, { includeRemoved: true }, undefined, 'public');
		const gets = () => emulator.requestLog.entries.filter((e) => e.path === '/v7/files/batch_get');
		expect(await trigger.poll()).toBeNull();
		expect(gets().map((e) => new URLSearchParams(e.query).getAll('file_ids').length)).toEqual([100, 100, 50]);
		expect(calls()).toBe(0);
		await control('data/wps/files/update', { ids: [watched[7], watched[240]] });
		await control('data/wps/files/delete', { ids: [watched[120]] });
		const result = items(await trigger.poll());
		expect(result.map((i) => [i.json.id, i.json.change_type])).toEqual([
			[watched[7], 'changed'],
			[watched[240], 'changed'],
			[watched[120], 'removed'],
		]);
	});

	it('manual test returns the most recently modified watched file', async () => {
		const watched = WPS_FIXTURE_IDS.files.slice(0, 6);
		const trigger = poller(watched);
		await control('data/wps/files/update', { ids: [watched[4]] });
		const sample = items(await trigger.poll('manual'));
		expect(sample.map((i) => i.json.id)).toEqual([watched[4]]);
		expect(trigger.staticData.watched).toBeUndefined();
		await expect(poller([WPS_FIXTURE_IDS.restrictedFile]).poll('manual')).rejects.toThrow(/No watched files WPS returns/);
	});
});

// ------------------------------------------------------------------------------------------------
describe('emulator data control', () => {
	it('applies a batch of changes in one request, with times from the (shiftable) emulator clock', async () => {
		emulator.shiftClock(-3600_000);
		const answers = (await control('data/batch', [
			{ route: 'taurusdb/files', body: {} },
			{ route: 'pds/files', body: { drive_id: PDS_USER_DRIVE_ID, name: 'clock.txt' } },
			{ route: 'wps/files/update', body: { ids: [WPS_FIXTURE_IDS.files[0]] } },
		])) as unknown as IDataObject[];
		expect(answers).toHaveLength(3);
		const hourAgo = Date.now() - 3600_000;
		expect(Math.abs(Number(answers[0].updatedAt) - hourAgo)).toBeLessThan(5000);
		expect(Math.abs(Date.parse(String(answers[1].updated_at)) - hourAgo)).toBeLessThan(5000);
		expect(answers[2]).toEqual({ updated: 1 });
		await expect(control('data/batch', [{ route: 'no/such', body: {} }])).rejects.toThrow(/unknown data route/);
		await expect(control('data/taurusdb/files/delete', { name: 'nope' })).rejects.toThrow(/no audit file/);
	});
});
