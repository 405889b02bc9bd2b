/**
 * Control routes that change the emulated clouds' data while the emulator runs, so tests (and the
 * real-n8n trigger test) can make things happen between two polls of a trigger:
 *
 *   POST /__emulator/data/taurusdb/files          {name?, nodeId?, startedAt?, updatedAt?, sizeKb?} -> the file
 *   POST /__emulator/data/taurusdb/files/update   {name, updatedAt?}                                -> the file
 *   POST /__emulator/data/taurusdb/files/delete   {name}
 *   POST /__emulator/data/pds/files               {drive_id, parent_file_id?, name, type?, content?, at?} -> the file view
 *   POST /__emulator/data/pds/files/update        {file_id, name?, content?, at?}                    -> the file view
 *   POST /__emulator/data/pds/files/delete        {file_id}   (removed for good)
 *   POST /__emulator/data/wps/files               {id?, name?, parent_id?, drive_id?, at?}           -> the item
 *   POST /__emulator/data/wps/files/update        {ids: [...], at?}  mtime = at (default now), version + 1
 *   POST /__emulator/data/wps/files/delete        {ids: [...]}
 *   POST /__emulator/data/wps/files/restrict      {ids: [...]}  the app loses permission (left out of answers)
 *   POST /__emulator/data/batch                   [{route: 'pds/files', body}, ...] -> the answers, in order;
 *                                                 applied in one request, so a poll sees all of them or none
 *
 * Times (`startedAt`, `updatedAt`, `at`) are epoch milliseconds; they default to the emulator's
 * clock (`POST /__emulator/clock` moves it), so a shifted clock shows up in the data too. The
 * routes act on the module instances of modules.ts (the ones `startEmulator()` serves by default).
 */
import { createHash } from 'node:crypto';

import { taurusDbData } from './huawei/taurusdb';
import { pdsModule } from './pds';
import type { PdsFile } from './pds/store';
import type { EmulatorContext, EmulatorRequest, EmulatorResponse } from './types';
import { wpsModule } from './wps';
import type { WpsFileItem } from './wps/fixtures';

export const DATA_CONTROL_PREFIX = 'data/';

type Body = Record<string, unknown>;

const ok = (body: unknown): EmulatorResponse => ({ status: 200, body });

function need<T>(value: T | undefined, what: string): T {
	if (value === undefined || value === null || value === '') throw new Error(`${what} is required`);
	return value;
}

function idList(body: Body): string[] {
	const ids = body.ids;
	if (!Array.isArray(ids) || ids.length === 0) throw new Error('ids must be a non-empty array');
	return ids.map(String);
}

function optMs(body: Body, key: string): number | undefined {
	const value = body[key];
	if (value === undefined) return undefined;
	const ms = typeof value === 'number' ? value : Date.parse(String(value));
	if (!Number.isFinite(ms)) throw new Error(`${key} must be epoch milliseconds or a date`);
	return ms;
}

let wpsNextId = 900000001;

function pdsAdd(body: Body, now: number): Body {
	const store = pdsModule.store;
	const driveId = String(need(body.drive_id, 'drive_id'));
	if (!store.drives.has(driveId)) throw new Error(`no drive ${driveId}`);
	const parent = String(body.parent_file_id ?? 'root');
	if (parent !== 'root' && store.files.get(parent)?.type !== 'folder') throw new Error(`no folder ${parent}`);
	const type = body.type === 'folder' ? 'folder' : 'file';
	const at = new Date(optMs(body, 'at') ?? now).toISOString();
	const file: PdsFile = {
		domain_id: store.domainId,
		drive_id: driveId,
		file_id: store.newId(),
		parent_file_id: parent,
		name: String(need(body.name, 'name')),
		type,
		created_at: at,
		updated_at: at,
		description: '',
		labels: [],
		starred: false,
		hidden: false,
		user_tags: new Map(),
		revision_id: '1',
		creator_id: '',
		trashed: false,
		content: type === 'file' ? Buffer.from(String(body.content ?? `content of ${String(body.name)}`)) : undefined,
	};
	store.files.set(file.file_id, file);
	return store.fileView(file);
}

function pdsUpdate(body: Body, now: number): Body {
	const store = pdsModule.store;
	const file = store.files.get(String(need(body.file_id, 'file_id')));
	if (!file) throw new Error(`no file ${String(body.file_id)}`);
	if (body.name !== undefined) file.name = String(body.name);
	if (body.content !== undefined) file.content = Buffer.from(String(body.content));
	file.revision_id = String(Number(file.revision_id) + 1);
	file.updated_at = new Date(optMs(body, 'at') ?? now).toISOString();
	return store.fileView(file);
}

function wpsAdd(body: Body, now: number): WpsFileItem {
	const tree = wpsModule.tree();
	const template = [...tree.items.values()].find((i) => i.type === 'file' && !tree.restricted.has(i.id))!;
	const id = String(body.id ?? wpsNextId++);
	if (tree.items.has(id)) throw new Error(`WPS item ${id} exists`);
	const seconds = Math.floor((optMs(body, 'at') ?? now) / 1000);
	const item: WpsFileItem = {
		...structuredClone(template),
		id,
		name: String(body.name ?? `added-${id}.docx`),
		parent_id: String(body.parent_id ?? template.parent_id),
		drive_id: String(body.drive_id ?? template.drive_id),
		ctime: seconds,
		mtime: seconds,
		version: 1,
		hash: { sum: createHash('sha1').update(`${id}:1`).digest('hex'), type: 's2s' },
	};
	tree.items.set(id, item);
	return item;
}

function wpsUpdate(body: Body, now: number): { updated: number } {
	const tree = wpsModule.tree();
	const ids = idList(body);
	const seconds = Math.floor((optMs(body, 'at') ?? now) / 1000);
	for (const id of ids) {
		const item = tree.items.get(id);
		if (!item) throw new Error(`no WPS item ${id}`);
		item.mtime = Math.max(seconds, item.mtime);
		item.version += 1;
		item.hash = { sum: createHash('sha1').update(`${id}:${item.version}`).digest('hex'), type: 's2s' };
	}
	return { updated: ids.length };
}

/** Answers a `/__emulator/data/...` control route; undefined for other routes. */
export function dataControl(req: EmulatorRequest, ctx: EmulatorContext, action: string): EmulatorResponse | undefined {
	if (req.method !== 'POST' || !action.startsWith(DATA_CONTROL_PREFIX)) return undefined;
	const body = (req.bodyText.trim() === '' ? {} : JSON.parse(req.bodyText)) as Body;
	const route = action.slice(DATA_CONTROL_PREFIX.length);
	if (route === 'batch') {
		// several changes in one request: applied together, so no poll can see only some of them
		if (!Array.isArray(body)) throw new Error('data/batch takes an array of {route, body}');
		return ok(
			(body as Array<{ route?: string; body?: Body }>).map((step) => {
				const answer = applyChange(String(step.route ?? ''), step.body ?? {}, ctx);
				if (!answer) throw new Error(`unknown data route ${String(step.route)}`);
				return answer.body;
			}),
		);
	}
	return applyChange(route, body, ctx);
}

function applyChange(route: string, body: Body, ctx: EmulatorContext): EmulatorResponse | undefined {
	const now = ctx.now().getTime();
	switch (route) {
		case 'taurusdb/files':
			return ok(
				taurusDbData.add(
					{
						name: body.name as string | undefined,
						nodeId: body.nodeId as string | undefined,
						startedAt: optMs(body, 'startedAt'),
						updatedAt: optMs(body, 'updatedAt'),
						sizeKb: body.sizeKb as number | undefined,
					},
					now,
				),
			);
		case 'taurusdb/files/update':
			return ok(taurusDbData.update(String(need(body.name, 'name')), now, optMs(body, 'updatedAt')));
		case 'taurusdb/files/delete':
			taurusDbData.remove(String(need(body.name, 'name')));
			return ok({ deleted: 1 });
		case 'pds/files':
			return ok(pdsAdd(body, now));
		case 'pds/files/update':
			return ok(pdsUpdate(body, now));
		case 'pds/files/delete': {
			const id = String(need(body.file_id, 'file_id'));
			if (!pdsModule.store.files.delete(id)) throw new Error(`no file ${id}`);
			return ok({ deleted: 1 });
		}
		case 'wps/files':
			return ok(wpsAdd(body, now));
		case 'wps/files/update':
			return ok(wpsUpdate(body, now));
		case 'wps/files/delete': {
			const ids = idList(body);
			for (const id of ids) wpsModule.tree().items.delete(id);
			return ok({ deleted: ids.length });
		}
		case 'wps/files/restrict': {
			const ids = idList(body);
			for (const id of ids) wpsModule.tree().restricted.add(id);
			return ok({ restricted: ids.length });
		}
		default:
			return undefined;
	}
}
