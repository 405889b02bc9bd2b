/** The WPS 365 node end to end through n8n-core against the emulator, for each signature scheme. */
import type { IDataObject } from 'n8n-workflow';

import { Wps365Api } from '../../credentials/Wps365Api.credentials';
import { Wps365 } from '../../nodes/Wps365/Wps365.node';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { wps365Credentials, WPS_FIXTURE_IDS } from '../emulator/wps/fixtures';
import { WPS_ERROR_CODES, wpsModule, wpsTokensIssued } from '../emulator/wps';
import { runNode } from '../helpers/inProcess';

let emulator: Emulator;
beforeAll(async () => {
	emulator = await startEmulator();
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

type Scheme = 'WPS-4' | 'WPS-4-GM' | 'KSO-1';

function run(
	parameters: IDataObject,
	items: IDataObject[],
	extra: Partial<Parameters<typeof runNode>[0]> & { scheme?: Scheme; style?: 'private' | 'public' } = {},
) {
	const { scheme = 'WPS-4', style = 'private', ...rest } = extra;
	return runNode({
		nodeType: new Wps365(),
		parameters: { resource: 'file', operation: 'getMetadata', ...parameters } as never,
		items,
		credentialTypes: [new Wps365Api()],
		credentials: { wps365Api: { data: wps365Credentials(emulator.url, scheme, style) } },
		...rest,
	});
}

describe('File > Get Metadata', () => {
	it.each([
		['WPS-4', 'private', '/graph/v7/files/batch_get_meta'],
		['WPS-4-GM', 'private', '/graph/v7/files/batch_get_meta'],
		['KSO-1', 'private', '/openapi/v7/files/batch_get_meta'],
		['KSO-1', 'public', '/v7/files/batch_get'],
	] as Array<[Scheme, 'private' | 'public', string]>)('%s (%s) calls %s, signed', async (scheme, style, path) => {
		const ids = WPS_FIXTURE_IDS.files.slice(0, 3);
		const result = await run({ fileIds: '={{ $json.id }}' }, ids.map((id) => ({ id })), { scheme, style });
		expect(result.error).toBeUndefined();
		expect(result.main.map((i) => [i.json.id, i.pairedItem])).toEqual(ids.map((id, i) => [id, { item: i }]));
		expect(emulator.requestLog.entries.filter((e) => e.path === path)).toHaveLength(1);
	});

	it('sends 3,000 ids (with duplicates) in 3 requests of at most 1024 unique ids', async () => {
		const all = WPS_FIXTURE_IDS.all;
		// each item asks for one id; 200 items repeat an id asked before
		const items = [...all.map((id) => ({ id })), ...all.slice(0, 200).map((id) => ({ id }))];
		const result = await run({ fileIds: '={{ $json.id }}' }, items, { onError: 'continueRegularOutput' });
		expect(emulator.countRequests('batch_get_meta')).toBe(3);
		expect(result.main).toHaveLength(3200);
		result.main.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		const found = result.main.filter((i) => i.json.error === undefined);
		// restricted ids are per-item errors ("not found or no permission"), the visible ones succeed
		expect(new Set(found.map((i) => i.json.id)).size).toBe(WPS_FIXTURE_IDS.visible.length);
		const restricted = result.main.find((i) => String(i.json.error ?? '').includes(WPS_FIXTURE_IDS.restrictedFile));
		expect(String(restricted?.json.error)).toContain('not found or no permission');
		expect(wpsTokensIssued()).toBe(1);
	});

	it('simplifies by default and gives the full documented fields with ISO dates otherwise', async () => {
		const id = WPS_FIXTURE_IDS.files[0];
		const simple = await run({ fileIds: id }, [{}]);
		expect(Object.keys(simple.main[0].json).sort()).toEqual(
			['created_at', 'created_by', 'drive_id', 'id', 'link_url', 'modified_at', 'modified_by', 'name', 'parent_id', 'size', 'type', 'version'].sort(),
		);
		expect(String(simple.main[0].json.created_at)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
		const full = await run({ fileIds: id, simple: false }, [{}]);
		expect(full.main[0].json).toMatchObject({ id, hash: expect.any(Object), permission: expect.any(Object), ext_attrs: expect.any(Array) });
		expect(new Date(String(full.main[0].json.mtime_iso)).getTime()).toBe(Number(full.main[0].json.mtime) * 1000);
	});

	it('routes missing ids to the error output, merged with their input item', async () => {
		const items = [{ id: WPS_FIXTURE_IDS.files[0] }, { id: WPS_FIXTURE_IDS.missing[0] }];
		const result = await run({ fileIds: '={{ $json.id }}' }, items, { onError: 'continueErrorOutput' });
		expect(result.main).toHaveLength(1);
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].json.id).toBe(WPS_FIXTURE_IDS.missing[0]);
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
	});

	it('renews an expired token once and retries', async () => {
		const first = await run({ fileIds: WPS_FIXTURE_IDS.files[0] }, [{}], { scheme: 'KSO-1' });
		expect(first.error).toBeUndefined();
		emulator.expireTokens();
		const second = await run({ fileIds: WPS_FIXTURE_IDS.files[1] }, [{}], {
			scheme: 'KSO-1',
			credentialStore: first.credentialStore,
		});
		expect(second.error).toBeUndefined();
		expect(wpsTokensIssued()).toBe(2);
		expect(second.credentialStore.preAuthCount('wps365Api', { forced: true })).toBe(1);
	});

	it('fails clearly on a bad signature (wrong app key) without showing the key', async () => {
		const creds = wps365Credentials(emulator.url, 'WPS-4');
		const wrongKey = ['not', 'the', 'app', 'key'].join('-');
		const result = await runNode({
			nodeType: new Wps365(),
			parameters: { resource: 'file', operation: 'getMetadata', fileIds: WPS_FIXTURE_IDS.files[0] } as never,
			items: [{}],
			credentialTypes: [new Wps365Api()],
			credentials: { wps365Api: { data: { ...creds, appKey: wrongKey } } },
		});
		expect(result.error).toBeDefined();
		expect(JSON.stringify(result.error)).not.toContain(wrongKey);
	});

	it('sends ID Type only to KSO-1 private deployments (the only ones that know X-Kso-Id-Type)', async () => {
		// an id type the emulator refuses shows whether the header went out
		const parameters = { fileIds: WPS_FIXTURE_IDS.files[0], options: { idType: 'uuid' } };
		const kso = await run(parameters, [{}], { scheme: 'KSO-1', style: 'private' });
		expect(kso.error).toBeDefined();
		const wps4 = await run(parameters, [{}], { scheme: 'WPS-4' });
		expect(wps4.error).toBeUndefined();
		const valid = await run({ ...parameters, options: { idType: 'internal' } }, [{}], { scheme: 'KSO-1', style: 'private' });
		expect(valid.error).toBeUndefined();
	});

	it('rejects an id longer than 1024 characters before sending', async () => {
		const result = await run({ fileIds: 'x'.repeat(1025) }, [{}]);
		expect(result.error?.message).toContain('File IDs');
		expect(emulator.countRequests('batch_get_meta')).toBe(0);
	});
});

describe('File > Get Metadata on the public cloud (GET batch_get, mode=detailed)', () => {
	const publicRun = (parameters: IDataObject, items: IDataObject[], extra: Partial<Parameters<typeof runNode>[0]> = {}) =>
		run(parameters, items, { scheme: 'KSO-1', style: 'public', ...extra });
	const batchGets = () => emulator.requestLog.entries.filter((e) => e.path === '/v7/files/batch_get');

	it('sends the ids as repeated file_ids keys with mode=detailed, signed over path and query', async () => {
		const ids = WPS_FIXTURE_IDS.files.slice(0, 3);
		const result = await publicRun({ fileIds: '={{ $json.id }}' }, ids.map((id) => ({ id })));
		expect(result.error).toBeUndefined();
		expect(result.main.map((i) => i.json.id)).toEqual(ids);
		const [call] = batchGets();
		expect(call.method).toBe('GET');
		const query = new URLSearchParams(call.query);
		expect(query.getAll('file_ids').sort()).toEqual([...ids].sort());
		expect(query.get('mode')).toBe('detailed');
		expect(query.has('with_permission')).toBe(false);
		expect(emulator.countRequests('batch_get_meta')).toBe(0);
	});

	it("turns data.failures into per-item errors with WPS's own code and reason, paired with their items", async () => {
		const items = [
			{ id: WPS_FIXTURE_IDS.files[0] },
			{ id: WPS_FIXTURE_IDS.missing[0] },
			{ id: WPS_FIXTURE_IDS.restrictedFile },
			{ id: WPS_FIXTURE_IDS.files[1] },
		];
		const result = await publicRun({ fileIds: '={{ $json.id }}' }, items, { onError: 'continueErrorOutput' });
		expect(batchGets()).toHaveLength(1);
		expect(result.main.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[items[0].id, { item: 0 }],
			[items[3].id, { item: 3 }],
		]);
		expect(result.errorOutput.map((i) => [i.json.id, i.json.error, i.pairedItem])).toEqual([
			[items[1].id, `file "${items[1].id}": WPS error ${WPS_ERROR_CODES.fileNotFound}: file not found`, { item: 1 }],
			[items[2].id, `file "${items[2].id}": WPS error ${WPS_ERROR_CODES.permissionDenied}: permission denied`, { item: 2 }],
		]);
		const regular = await publicRun({ fileIds: '={{ $json.id }}' }, items, { onError: 'continueRegularOutput' });
		expect(regular.main.filter((i) => i.json.error).map((i) => [i.json.file_id, i.json.code])).toEqual([
			[items[1].id, String(WPS_ERROR_CODES.fileNotFound)],
			[items[2].id, String(WPS_ERROR_CODES.permissionDenied)],
		]);
		const stopped = await publicRun({ fileIds: '={{ $json.id }}' }, items);
		expect(stopped.error?.message).toContain('file not found');
	});

	it('sends 100 ids per call unless Batch Size is set; never more than 6 KB of ids in one URL', async () => {
		const ids = WPS_FIXTURE_IDS.visible.slice(0, 250);
		const byDefault = await publicRun({ fileIds: '={{ $json.id }}' }, ids.map((id) => ({ id })));
		expect(byDefault.main).toHaveLength(250);
		expect(batchGets().map((e) => new URLSearchParams(e.query).getAll('file_ids').length)).toEqual([100, 100, 50]);
		emulator.reset();
		await publicRun({ fileIds: '={{ $json.id }}', options: { batchSize: 200 } }, ids.map((id) => ({ id })));
		expect(batchGets().map((e) => new URLSearchParams(e.query).getAll('file_ids').length)).toEqual([200, 50]);
		emulator.reset();
		// long ids (not found, but the point is the URL): the query bound splits them sooner
		const long = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(3, '0')}-${'x'.repeat(296)}`);
		const result = await publicRun({ fileIds: '={{ $json.id }}', options: { batchSize: 1024 } }, long.map((id) => ({ id })), { onError: 'continueRegularOutput' });
		expect(result.main).toHaveLength(60);
		const calls = batchGets();
		// each id adds 300 + "file_ids=&" bytes: 19 fit in 6 KB
		expect(calls.map((e) => new URLSearchParams(e.query).getAll('file_ids').length)).toEqual([19, 19, 19, 3]);
		for (const call of calls) expect(call.query.length).toBeLessThanOrEqual(6144 + 'mode=detailed'.length);
		expect(calls.every((c) => c.status === 200)).toBe(true);
	});

	it('Include Permissions / Extended Attributes / Drive ask for those parts (seen with Simplify off)', async () => {
		const id = WPS_FIXTURE_IDS.files[0];
		const plain = await publicRun({ fileIds: id, simple: false }, [{}]);
		expect(plain.main[0].json.permission).toBeUndefined();
		const full = await publicRun(
			{ fileIds: id, simple: false, options: { withPermission: true, withExtAttrs: true, withDrive: true } },
			[{}],
		);
		expect(full.main[0].json).toMatchObject({ permission: expect.any(Object), ext_attrs: expect.any(Array), drive: { id: full.main[0].json.drive_id } });
		const query = new URLSearchParams(batchGets().at(-1)!.query);
		expect([query.get('with_permission'), query.get('with_ext_attrs'), query.get('with_drive')]).toEqual(['true', 'true', 'true']);
		// private deployments do not know them: nothing is added there
		const privateRun = await run({ fileIds: id, options: { withPermission: true } }, [{}], { scheme: 'KSO-1', style: 'private' });
		expect(privateRun.error).toBeUndefined();
		expect(emulator.requestLog.entries.find((e) => e.path.endsWith('batch_get_meta'))?.query).toBe('');
	});

	it('File IDs in Query = Comma-Separated sends one file_ids value; the wrong format gives a hint', async () => {
		wpsModule.setPublicIdsFormat('comma');
		const ids = WPS_FIXTURE_IDS.files.slice(0, 3);
		const result = await publicRun({ fileIds: '={{ $json.id }}', options: { idsQueryFormat: 'comma' } }, ids.map((id) => ({ id })));
		expect(result.error).toBeUndefined();
		expect(result.main.map((i) => i.json.id)).toEqual(ids);
		expect(new URLSearchParams(batchGets()[0].query).getAll('file_ids')).toHaveLength(1);
		emulator.reset();
		// the format WPS does not read: each id comes back unmatched, with a hint at the option
		const mismatch = await publicRun({ fileIds: ids.slice(0, 2).join(','), options: { idsQueryFormat: 'comma' } }, [{}], { onError: 'continueRegularOutput' });
		expect(mismatch.main.map((i) => i.json.error)).toEqual(
			ids.slice(0, 2).map((id) => `file "${id}": not returned by WPS, and not listed among its failures either. If every ID ends like this, try the other "File IDs in Query" option.`),
		);
	});

	it('an answer with neither data.items nor data.failures, or a failure without object_id, is an unexpected response', async () => {
		for (const body of [{ code: 0, data: {} }, { code: 0, data: { items: [], failures: [{ err_code: 1 }] } }]) {
			emulator.reset();
			emulator.addFault({ pathContains: '/v7/files/batch_get', kind: 'rewrite', body });
			const result = await publicRun({ fileIds: WPS_FIXTURE_IDS.files[0] }, [{}], { onError: 'continueRegularOutput' });
			expect(String(result.main[0].json.error)).toMatch(/unexpected response from WPS/);
		}
	});

	it("the credential test's id (which does not exist) is a per-item error with WPS's reason, not an empty success", async () => {
		// the credential test itself (GET batch_get with this id) is checked in wpsCredential.test.ts
		const result = await publicRun({ fileIds: 'n8n-credential-test' }, [{}], { onError: 'continueRegularOutput' });
		expect(String(result.main[0].json.error)).toBe(`file "n8n-credential-test": WPS error ${WPS_ERROR_CODES.fileNotFound}: file not found`);
	});
});
