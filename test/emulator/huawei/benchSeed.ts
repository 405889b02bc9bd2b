/**
 * Synthetic Huawei data for the benchmark (`npm run bench`, bench/emulatorProcess.ts): up to
 * hundreds of thousands of OSM attachments, MetaStudio assets and TaurusDB audit files, so that
 * every benchmarked id exists and every request takes the success path of its route.
 *
 * Not used by the tests; nothing changes unless `seedHuaweiBenchData()` is called. The hook:
 * - OSM: synthetic attachments are appended to `osmAttachments` (fixtures.ts). osm.ts indexes
 *   that array when it is loaded, so this must run BEFORE `./osm` (and so before `../server` or
 *   `../modules`) is loaded in the process; it throws if osm.ts is already loaded.
 * - MetaStudio: assets are appended to `metaStudioAssets` (so `reset()` keeps them) and added to
 *   the live store. They are ACTIVE, not shared, not deleted: UNSHARE / ACTIVE / SHARE succeed
 *   on them any number of times.
 * - TaurusDB: files are appended to `taurusAuditFiles` (taurusdb.ts reads the array on every
 *   request), dated from 2023-08-01T00:00:00+0800 on, one every 10 s, after every seeded
 *   fixture file, so the array stays sorted by name. `benchTaurusWindows()` gives time windows
 *   that split them into equal, disjoint listings.
 */
import { TAURUSDB_INSTANCE_ID, TAURUSDB_NODE_IDS, metaStudioAssets, osmAttachments, taurusAuditFiles } from './fixtures';
import { huaweiStore } from './state';

export interface HuaweiBenchSeed {
	/** Attachments `bench-att-000001`.. (OSM). */
	osmAttachments?: number;
	/** Assets `bench-asset-000001`.. (MetaStudio). */
	metaStudioAssets?: number;
	/** Audit files of TAURUSDB_INSTANCE_ID from BENCH_TAURUS_FIRST_START on (TaurusDB). */
	taurusAuditFiles?: number;
}

const pad6 = (n: number) => String(n).padStart(6, '0');

/** Id of the i-th (1-based) synthetic OSM attachment. */
export const benchOsmAttachmentId = (i: number): string => `bench-att-${pad6(i)}`;

/** Id of the i-th (1-based) synthetic MetaStudio asset. */
export const benchMetaStudioAssetId = (i: number): string => `bench-asset-${pad6(i)}`;

const BEIJING_OFFSET_MS = 8 * 3600_000;
/** 2023-08-01T00:00:00+0800: the first synthetic audit file starts here. */
export const BENCH_TAURUS_FIRST_START = Date.UTC(2023, 7, 1, 0, 0, 0) - BEIJING_OFFSET_MS;
const TAURUS_STEP_MS = 10_000;
const TAURUS_WRITE_MS = 5_000;

function compactBeijing(ms: number): string {
	return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:T]/g, '');
}

function isoBeijing(ms: number): string {
	return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/** How many of each kind were seeded in this process. */
export const huaweiBenchSeeded = { osmAttachments: 0, metaStudioAssets: 0, taurusAuditFiles: 0 };

export function seedHuaweiBenchData(seed: HuaweiBenchSeed): typeof huaweiBenchSeeded {
	const osmCount = Math.max(0, Math.floor(seed.osmAttachments ?? 0));
	if (osmCount > huaweiBenchSeeded.osmAttachments) {
		const osmModule = require.resolve('./osm');
		if (require.cache[osmModule]) {
			throw new Error('seedHuaweiBenchData: osm.ts is already loaded; seed OSM attachments before loading the emulator');
		}
		for (let i = huaweiBenchSeeded.osmAttachments + 1; i <= osmCount; i++) {
			osmAttachments.push({ id: benchOsmAttachmentId(i), name: `bench-attachment-${pad6(i)}.log` });
		}
		huaweiBenchSeeded.osmAttachments = osmCount;
	}

	const assetCount = Math.max(0, Math.floor(seed.metaStudioAssets ?? 0));
	for (let i = huaweiBenchSeeded.metaStudioAssets + 1; i <= assetCount; i++) {
		const asset = { id: benchMetaStudioAssetId(i), status: 'ACTIVE' as const, shared: false, deleted: false };
		metaStudioAssets.push(asset);
		huaweiStore.assets.set(asset.id, { ...asset });
	}
	huaweiBenchSeeded.metaStudioAssets = Math.max(huaweiBenchSeeded.metaStudioAssets, assetCount);

	const fileCount = Math.max(0, Math.floor(seed.taurusAuditFiles ?? 0));
	for (let i = huaweiBenchSeeded.taurusAuditFiles; i < fileCount; i++) {
		const startedAt = BENCH_TAURUS_FIRST_START + i * TAURUS_STEP_MS;
		const nodeId = TAURUSDB_NODE_IDS[i % 2];
		const hex = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
		taurusAuditFiles.push({
			name: `${compactBeijing(startedAt)}_${TAURUSDB_INSTANCE_ID}_${nodeId}_SQLAudit_${hex}-bench-11ee-${pad6(i % 1_000_000)}`,
			nodeId,
			sizeKb: 64 + ((i * 7919) % 1937),
			startedAt,
			updatedAt: startedAt + TAURUS_WRITE_MS,
		});
	}
	huaweiBenchSeeded.taurusAuditFiles = Math.max(huaweiBenchSeeded.taurusAuditFiles, fileCount);
	return { ...huaweiBenchSeeded };
}

/**
 * `parts` disjoint [start, end] windows (ISO 8601 with +08:00) that together cover the first
 * `files` synthetic audit files, as equal as possible. Pure arithmetic: usable in any process.
 */
export function benchTaurusWindows(files: number, parts: number): Array<{ start: string; end: string; files: number }> {
	const count = Math.max(1, Math.min(Math.floor(parts), files));
	const windows: Array<{ start: string; end: string; files: number }> = [];
	let first = 0;
	for (let k = 0; k < count; k++) {
		const last = Math.floor(((k + 1) * files) / count) - 1;
		windows.push({
			start: isoBeijing(BENCH_TAURUS_FIRST_START + first * TAURUS_STEP_MS),
			end: isoBeijing(BENCH_TAURUS_FIRST_START + last * TAURUS_STEP_MS + TAURUS_WRITE_MS),
			files: last - first + 1,
		});
		first = last + 1;
	}
	return windows;
}
