/** The Alibaba Cloud PDS node end to end through n8n-core against the emulator's /v2/batch. */
import type { IDataObject } from 'n8n-workflow';

import { AlibabaPdsAccessKeyApi } from '../../credentials/AlibabaPdsAccessKeyApi.credentials';
import { AlibabaPdsJwtAppApi } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { AlibabaPds } from '../../nodes/AlibabaPds/AlibabaPds.node';
import {
	getPdsState,
	PDS_BULK_FILE_COUNT,
	PDS_GROUP_ID,
	PDS_USER_ID,
	PDS_USER_DRIVE_ID,
	pdsAccessKeyCredentials,
	pdsJwtCredentials,
	pdsSeedFileId,
} from '../emulator/pds';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { readBinary, runNode } from '../helpers/inProcess';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

const drive = PDS_USER_DRIVE_ID;
const fileId = (path: string) => pdsSeedFileId(drive, path);
const bulk = (n: number) => fileId(`bulk/item-${String(n).padStart(3, '0')}.txt`);

function run(
	parameters: IDataObject,
	items: IDataObject[],
	extra: Partial<Parameters<typeof runNode>[0]> = {},
) {
	return runNode({
		nodeType: new AlibabaPds(),
		parameters: { authentication: 'jwtApp', ...parameters } as never,
		items,
		credentialTypes: [new AlibabaPdsJwtAppApi(), new AlibabaPdsAccessKeyApi()],
		credentials: { alibabaPdsJwtAppApi: { data: pdsJwtCredentials(emulator.url) } },
		...extra,
	});
}

const fileGet = { resource: 'file', operation: 'get', driveId: drive, fileId: '={{ $json.id }}' };

describe('File', () => {
	it('gets 250 files in 3 batch calls, one output per item, paired', async () => {
		// 120 seeded bulk files and 130 ids that do not exist
		const items = Array.from({ length: 250 }, (_, i) => ({ id: i < PDS_BULK_FILE_COUNT ? bulk(i + 1) : `missing-${i}` }));
		const result = await run(fileGet, items, { onError: 'continueRegularOutput' });
		expect(emulator.countRequests('/v2/batch')).toBe(3);
		expect(getPdsState().counters.batchChildren).toBe(250);
		expect(result.main).toHaveLength(250);
		result.main.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		expect(result.main[0].json).toMatchObject({ id: bulk(1), file_id: bulk(1), name: 'item-001.txt', drive_id: drive });
		expect(result.main[200].json).toMatchObject({ code: 'NotFound.File', id: 'missing-200', status: 404 });
		expect(String(result.main[200].json.error)).toContain('NotFound.File');
	});

	it('routes failed children to the error output while the others succeed', async () => {
		const items = [{ id: bulk(1) }, { id: 'nope' }, { id: bulk(2) }];
		const result = await run(fileGet, items, { onError: 'continueErrorOutput' });
		expect(result.main.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json).toMatchObject({ id: 'nope' });
		expect(String(result.errorOutput[0].json.error)).toContain('NotFound.File');
	});

	it('updates, tags and untags files (one batch call each)', async () => {
		const update = await run(
			{ resource: 'file', operation: 'update', driveId: drive, fileId: '={{ $json.id }}', updateFields: { description: 'checked', starred: true, labels: 'a, b' } },
			[{ id: bulk(3) }, { id: bulk(4) }],
		);
		expect(update.error).toBeUndefined();
		expect(update.main[0].json).toMatchObject({ id: bulk(3), description: 'checked', starred: true, labels: ['a', 'b'] });
		const tag = await run(
			{ resource: 'file', operation: 'addTags', driveId: drive, fileId: bulk(3), tags: { tag: [{ key: 'k', value: 'v' }] } },
			[{}],
		);
		expect(tag.error).toBeUndefined();
		const after = await run({ ...fileGet, fileId: bulk(3) }, [{}]);
		expect(after.main[0].json.user_tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'k', value: 'v' })]));
		const untag = await run({ resource: 'file', operation: 'removeTags', driveId: drive, fileId: bulk(3), keys: 'k' }, [{}]);
		expect(untag.error).toBeUndefined();
		expect(emulator.countRequests('/v2/batch')).toBe(4);
	});

	it('moves a file to the recycle bin and restores it', async () => {
		const trash = await run({ resource: 'file', operation: 'trash', driveId: drive, fileId: bulk(5) }, [{}]);
		expect(trash.error).toBeUndefined();
		const gone = await run({ ...fileGet, fileId: bulk(5) }, [{}], { onError: 'continueRegularOutput' });
		expect(gone.main[0].json.trashed ?? gone.main[0].json.error).toBeTruthy();
		const restore = await run({ resource: 'file', operation: 'restore', driveId: drive, fileId: bulk(5) }, [{}]);
		expect(restore.error).toBeUndefined();
	});

	it('copies a folder as an async task and waits for its completion', async () => {
		getPdsState().setAsyncTaskDurationMs(1200);
		const result = await run(
			{
				resource: 'file',
				operation: 'copy',
				driveId: drive,
				fileId: fileId('Documents/'),
				toParentFileId: fileId('Photos/'),
				options: { waitForCompletion: true, waitTimeout: 30 },
			},
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(result.main[0].json).toMatchObject({ async_task_state: 'Succeed' });
		expect(String(result.main[0].json.async_task_id)).not.toBe('');
		expect(emulator.countRequests('/v2/batch')).toBeGreaterThanOrEqual(2);
	});

	it('gets a download URL and downloads the file under its real name (file/get child in the same call)', async () => {
		const result = await run(
			{ resource: 'file', operation: 'getDownloadUrl', driveId: drive, fileId: '={{ $json.id }}', options: { download: true } },
			[{ id: fileId('readme.md') }, { id: fileId('Documents/report-2024.pdf') }],
		);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('/v2/batch')).toBe(1);
		expect(getPdsState().counters.batchChildren).toBe(4);
		expect(String(result.main[0].json.url)).toContain('/__files/pds/');
		expect(result.main.map((i) => i.json.file_name)).toEqual(['readme.md', 'report-2024.pdf']);
		expect(result.main.map((i) => i.binary?.data?.fileName)).toEqual(['readme.md', 'report-2024.pdf']);
		expect((await readBinary(result.main[0], 'data')).length).toBeGreaterThan(0);
	});

	it('a File Name option names the download instead', async () => {
		const result = await run(
			{ resource: 'file', operation: 'getDownloadUrl', driveId: drive, fileId: fileId('readme.md'), options: { fileName: 'start.md', download: true } },
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.file_name).toBe('start.md');
		expect(result.main[0].binary?.data?.fileName).toBe('start.md');
	});

	it('searches a drive: one item per file, paged with next_marker inside the node (Return All)', async () => {
		const result = await run(
			{ resource: 'file', operation: 'search', driveId: drive, query: 'name match "item-"', returnAll: true },
			[{}],
		);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(PDS_BULK_FILE_COUNT);
		expect(new Set(result.main.map((i) => i.json.file_id)).size).toBe(PDS_BULK_FILE_COUNT);
		expect(result.main[0].json).toMatchObject({ drive_id: drive, type: 'file' });
		expect(result.main[0].json.id).toBe(result.main[0].json.file_id);
		result.main.forEach((item) => expect(item.pairedItem).toEqual({ item: 0 }));
		// 120 files: a page of 100, then one of 20
		expect(emulator.countRequests('/v2/batch')).toBe(2);
	});

	it('stops at Limit, and sends the pages of several searches together', async () => {
		const result = await run(
			{
				resource: 'file',
				operation: 'search',
				driveId: { __rl: true, mode: 'list', value: drive, cachedResultName: 'Alice' },
				query: '={{ $json.q }}',
				limit: 105,
				options: { orderBy: 'name', orderDirection: 'ASC' },
			},
			[{ q: 'name match "item-"' }, { q: 'name match "dog"' }, { q: 'name = "nothing-here"' }],
		);
		expect(result.error).toBeUndefined();
		const perItem = [0, 1, 2].map((n) => result.main.filter((i) => (i.pairedItem as { item: number }).item === n));
		expect(perItem.map((list) => list.length)).toEqual([105, 1, 0]);
		expect(perItem[0][0].json.name).toBe('item-001.txt');
		expect(perItem[0][104].json.name).toBe('item-105.txt');
		// round 1: three first pages in one call; round 2: the rest of the first search (5 files)
		expect(emulator.countRequests('/v2/batch')).toBe(2);
		expect(getPdsState().counters.batchChildren).toBe(4);
	});

	it('reads the text "false" of Return All as false, and refuses a Limit that is not a whole number before sending', async () => {
		const search = { resource: 'file', operation: 'search', driveId: drive, query: 'name match "item-"' };
		const limited = await run({ ...search, returnAll: '={{ "false" }}', limit: 3 }, [{}]);
		expect(limited.error).toBeUndefined();
		expect(limited.main).toHaveLength(3);
		const before = emulator.countRequests('/v2/batch');
		const refused = await run({ ...search, limit: 2.5 }, [{}]);
		expect(refused.error?.message).toBe('Limit: must be a whole number of at least 1');
		expect(emulator.countRequests('/v2/batch')).toBe(before);
	});

	it('signs with an AccessKey (acs HMAC-SHA1)', async () => {
		const result = await run({ ...fileGet, authentication: 'accessKey', fileId: bulk(7) }, [{}], {
			credentials: { alibabaPdsAccessKeyApi: { data: pdsAccessKeyCredentials(emulator.url) } },
		});
		expect(result.error).toBeUndefined();
		expect(result.main[0].json.file_id).toBe(bulk(7));
	});

	it('validates required fields per item before sending', async () => {
		const result = await run({ ...fileGet, fileId: '={{ $json.id }}' }, [{ id: bulk(1) }, { id: '' }]);
		expect(result.error?.message).toContain('File or Folder');
		expect(result.error?.description).toContain('Item 1');
		expect(emulator.countRequests('/v2/batch')).toBe(0);
	});
});

describe('the remaining operations, one batch call each', () => {
	it('moves a file and deletes another permanently', async () => {
		const moved = await run(
			{ resource: 'file', operation: 'move', driveId: drive, fileId: bulk(11), toParentFileId: fileId('Documents/'), checkNameMode: 'refuse' },
			[{}],
		);
		expect(moved.error).toBeUndefined();
		const after = await run({ ...fileGet, fileId: bulk(11) }, [{}]);
		expect(after.main[0].json.parent_file_id).toBe(fileId('Documents/'));
		const deleted = await run({ resource: 'file', operation: 'delete', driveId: drive, fileId: bulk(12) }, [{}]);
		expect(deleted.error).toBeUndefined();
		const gone = await run({ ...fileGet, fileId: bulk(12) }, [{}], { onError: 'continueRegularOutput' });
		expect(gone.main[0].json.code).toBe('NotFound.File');
	});

	it('gets, updates and lists share links', async () => {
		const created = await run({ resource: 'shareLink', operation: 'create', driveId: drive, fileIds: `${bulk(13)}, ${bulk(14)}` }, [{}]);
		const shareId = String(created.main[0].json.share_id);
		const updated = await run({ resource: 'shareLink', operation: 'update', shareId, updateFields: { shareName: 'renamed', description: 'd' } }, [{}]);
		expect(updated.error).toBeUndefined();
		const got = await run({ resource: 'shareLink', operation: 'get', shareId }, [{}]);
		expect(got.main[0].json).toMatchObject({ id: shareId, share_name: 'renamed' });
		const listed = await run({ resource: 'shareLink', operation: 'list', creator: '', limit: 10 }, [{}]);
		expect(listed.error).toBeUndefined();
		expect(JSON.stringify(listed.main[0].json)).toContain(shareId);
	});

	it('gets a user, a group and an async task', async () => {
		const user = await run({ resource: 'user', operation: 'get', objectId: PDS_USER_ID }, [{}]);
		expect(user.main[0].json).toMatchObject({ id: PDS_USER_ID, user_id: PDS_USER_ID });
		const group = await run({ resource: 'group', operation: 'get', objectId: PDS_GROUP_ID }, [{}]);
		expect(group.main[0].json).toMatchObject({ id: PDS_GROUP_ID });
		const trash = await run({ resource: 'file', operation: 'trash', driveId: drive, fileId: fileId('Photos/') }, [{}]);
		const taskId = String(trash.main[0].json.async_task_id ?? '');
		expect(taskId).not.toBe('');
		const task = await run({ resource: 'asyncTask', operation: 'get', objectId: taskId }, [{}]);
		expect(task.main[0].json).toMatchObject({ id: taskId, state: expect.stringMatching(/Running|Succeed/) });
	});
});

describe('Share Link, Drive, User, Custom Batch, tokens', () => {
	it('creates a share link, gets a share token for it and cancels it', async () => {
		const created = await run(
			{ resource: 'shareLink', operation: 'create', driveId: drive, fileIds: fileId('readme.md'), options: { shareName: 'readme', sharePwd: 'abcd' } },
			[{}],
		);
		expect(created.error).toBeUndefined();
		const shareId = String(created.main[0].json.share_id);
		expect(created.main[0].json.id).toBe(shareId);
		const token = await run({ resource: 'shareLink', operation: 'getShareToken', shareId, sharePwd: 'abcd' }, [{}]);
		expect(token.error).toBeUndefined();
		expect(token.main[0].json.share_token).toBeTruthy();
		const cancel = await run({ resource: 'shareLink', operation: 'cancel', shareId }, [{}]);
		expect(cancel.error).toBeUndefined();
	});

	it('gets a drive and a user; unknown ids are per-item errors', async () => {
		const result = await run({ resource: 'drive', operation: 'get', objectId: '={{ $json.id }}' }, [{ id: drive }, { id: 'x' }], {
			onError: 'continueRegularOutput',
		});
		expect(result.main[0].json).toMatchObject({ id: drive, drive_id: drive });
		expect(result.main[1].json.error).toBeDefined();
	});

	it('sends any allowed child url with a custom body, grouping by resource family', async () => {
		const items = [
			{ url: '/file/get', body: { drive_id: drive, file_id: bulk(9) } },
			{ url: '/drive/get', body: { drive_id: drive } },
			{ url: '/file/get', body: { drive_id: drive, file_id: bulk(10) } },
		];
		const result = await run(
			{ resource: 'customBatch', operation: 'send', childUrl: '={{ $json.url }}', childBody: '={{ JSON.stringify($json.body) }}' },
			items,
		);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('/v2/batch')).toBe(2);
		expect(result.main.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[bulk(9), { item: 0 }],
			[drive, { item: 1 }],
			[bulk(10), { item: 2 }],
		]);
	});

	it('rejects a child url the batch API does not accept', async () => {
		const result = await run({ resource: 'customBatch', operation: 'send', childUrl: '/file/create', childBody: '{}' }, [{}]);
		expect(result.error?.message).toContain('is not an API the batch endpoint accepts');
	});

	it('re-authenticates once when the token expires mid-run, then retries', async () => {
		const first = await run({ ...fileGet, fileId: bulk(1) }, [{}]);
		expect(first.error).toBeUndefined();
		const before = getPdsState().tokensIssued;
		emulator.expireTokens();
		const second = await run({ ...fileGet, fileId: bulk(2) }, [{}], { credentialStore: first.credentialStore });
		expect(second.error).toBeUndefined();
		expect(getPdsState().tokensIssued - before).toBe(1);
		expect(second.credentialStore.preAuthCount('alibabaPdsJwtAppApi', { forced: true })).toBe(1);
	});

	it('renews the token once when it expires in the middle of a run', async () => {
		// the second of three batch calls finds every token expired
		emulator.addFault({ pathContains: '/v2/batch', kind: 'expireTokens', afterRequests: 1, times: 1 });
		const items = Array.from({ length: PDS_BULK_FILE_COUNT + 130 }, (_, i) => ({ id: i < PDS_BULK_FILE_COUNT ? bulk(i + 1) : bulk((i % 100) + 1) }));
		const result = await run({ ...fileGet, options: { concurrency: 1 } }, items);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(250);
		expect(getPdsState().tokensIssued).toBe(2);
		expect(result.credentialStore.preAuthCount('alibabaPdsJwtAppApi', { forced: true })).toBe(1);
	});

	it('renews the token once when parallel requests all find it expired', async () => {
		// 5 batch calls: the first runs alone (it fetches the token), the other 4 run together and
		// all meet the expired token
		emulator.addFault({ pathContains: '/v2/batch', kind: 'expireTokens', afterRequests: 1, times: 1 });
		const items = Array.from({ length: 500 }, (_, i) => ({ id: bulk((i % PDS_BULK_FILE_COUNT) + 1) }));
		const result = await run({ ...fileGet, options: { concurrency: 4 } }, items);
		expect(result.error).toBeUndefined();
		expect(result.main).toHaveLength(500);
		expect(getPdsState().tokensIssued).toBe(2);
	});

	it('retries a 503 on the batch call', async () => {
		emulator.addFault({ pathContains: '/v2/batch', kind: 'status', status: 503, times: 2 });
		const result = await run({ ...fileGet, fileId: bulk(1) }, [{}]);
		expect(result.error).toBeUndefined();
		expect(emulator.countRequests('/v2/batch')).toBe(3);
	});
});
