/**
 * Process environment for running n8n-core in-process. Import this module BEFORE anything asks
 * n8n-core's DI container for `InstanceSettings` (directly or via BinaryDataConfig/StorageConfig):
 * InstanceSettings reads N8N_USER_FOLDER once and otherwise creates `~/.n8n/config` with a freshly
 * generated encryption key.
 *
 * Every load of this module (jest loads it once per test file) gets its own temp folder, which is
 * removed after the test file (jest `afterAll`) or at process exit (plain Node, e.g. benchmarks).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const harnessUserFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));

process.env.N8N_USER_FOLDER = harnessUserFolder;

const cleanup = (): void => {
	try {
		rmSync(harnessUserFolder, { recursive: true, force: true });
	} catch {
		// best effort
	}
};

if (typeof afterAll === 'function') {
	afterAll(cleanup);
} else {
	process.once('exit', cleanup);
}
