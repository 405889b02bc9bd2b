/**
 * Synthetic PDS files for the benchmark: `count` files in the user drive (PDS_USER_DRIVE_ID),
 * added to the live store of the emulator's PDS module after startEmulator() (its reset
 * rebuilds the store). Runs in the emulator process (bench/emulatorProcess.ts).
 */
import { benchPdsFileId } from './ids';

export function benchSeedPds(count: number): number {
	const pds = require('../test/emulator/pds') as typeof import('../test/emulator/pds');
	const store = pds.pdsModule.store;
	const driveId = pds.PDS_USER_DRIVE_ID;
	const drive = store.drives.get(driveId);
	if (!drive) throw new Error(`PDS drive ${driveId} is not seeded`);
	const content = Buffer.from('PDS benchmark file\n', 'utf8');
	const at = '2024-01-01T00:00:00.000Z';
	for (let i = 1; i <= count; i++) {
		const fileId = benchPdsFileId(i);
		store.files.set(fileId, {
			domain_id: store.domainId,
			drive_id: driveId,
			file_id: fileId,
			parent_file_id: 'root',
			name: `bench-file-${i}.txt`,
			type: 'file',
			created_at: at,
			updated_at: at,
			description: '',
			labels: [],
			starred: false,
			hidden: false,
			user_tags: new Map(),
			revision_id: '1',
			creator_id: drive.owner_type === 'user' ? drive.owner : '',
			trashed: false,
			content,
		});
	}
	return count;
}
