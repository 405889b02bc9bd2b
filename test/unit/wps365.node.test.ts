/** The WPS 365 node end to end through n8n-core against the emulator, for each signature scheme. */
import type { IDataObject } from 'n8n-workflow';

import { Wps365Api } from '../../credentials/Wps365Api.credentials';
import { Wps365 } from '../../nodes/Wps365/Wps365.node';
import type { Emulator } from '../emulator/server';
import { startEmulator } from '../emulator/server';
import { wps365Credentials, WPS_FIXTURE_IDS } from '../emulator/wps/fixtures';
import { wpsTokensIssued } from '../emulator/wps';
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
		['KSO-1', 'public', '/v7/files/batch_get_meta'],
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
