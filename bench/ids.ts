/**
 * Ids of the synthetic data the benchmark seeds into the emulator (bench/emulatorProcess.ts),
 * as functions for the in-process runs and as JavaScript expressions for n8n's Code node.
 * Huawei ids come from test/emulator/huawei/benchSeed.ts; WPS and PDS ids are defined here.
 */
export { benchMetaStudioAssetId, benchOsmAttachmentId } from '../test/emulator/huawei/benchSeed';

/** Decimal WPS file id of the i-th (1-based) synthetic file (the seeded tree uses 100000001..). */
export const benchWpsFileId = (i: number): string => String(500_000_000 + i);

/** 40 hex digit PDS file id of the i-th (1-based) synthetic file. */
export const benchPdsFileId = (i: number): string => `be${String(i).padStart(38, '0')}`;

/** The same ids as JavaScript expressions of `i` (1-based), for a Code node that generates items. */
export const ID_EXPRESSIONS = {
	osm: "'bench-att-' + String(i).padStart(6, '0')",
	metastudio: "'bench-asset-' + String(i).padStart(6, '0')",
	wps: 'String(500000000 + i)',
	pds: "'be' + String(i).padStart(38, '0')",
} as const;
