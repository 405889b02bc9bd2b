/**
 * The emulator as the benchmark runs it: a child process (so its CPU is never counted as the
 * node's), seeded with enough synthetic data that every benchmarked id exists.
 *
 *   ts-node --transpile-only bench/emulatorProcess.ts --latency 20 --osm 100000 --metastudio 100000 \
 *     --taurus 100000 --wps 100000 [--pds 100000]
 *
 * Prints `EMULATOR_URL=http://127.0.0.1:PORT` once it listens, then `SEEDED=<json>`.
 */
import { seedHuaweiBenchData } from '../test/emulator/huawei/benchSeed';
import { benchWpsFileId } from './ids';

interface Args {
	latency: number;
	osm: number;
	metastudio: number;
	taurus: number;
	wps: number;
	pds: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { latency: 0, osm: 0, metastudio: 0, taurus: 0, wps: 0, pds: 0 };
	for (let i = 0; i < argv.length; i++) {
		const key = argv[i].replace(/^--/, '') as keyof Args;
		if (!(key in args)) throw new Error(`unknown argument ${argv[i]}`);
		const value = Number(argv[++i]);
		if (!Number.isFinite(value) || value < 0) throw new Error(`${argv[i - 1]} needs a number >= 0`);
		args[key] = value;
	}
	return args;
}

/** Adds `count` visible files to the WPS tree, cloned from a seeded file (documented fields). */
function seedWps(count: number): number {
	const { wpsModule } = require('../test/emulator/wps') as typeof import('../test/emulator/wps');
	const tree = wpsModule.tree();
	const template = [...tree.items.values()].find((i) => i.type === 'file' && !tree.restricted.has(i.id));
	if (!template) throw new Error('no visible WPS file to clone');
	for (let i = 1; i <= count; i++) {
		const id = benchWpsFileId(i);
		const linkId = `lkbench${String(i).padStart(8, '0')}`;
		tree.items.set(id, {
			...structuredClone(template),
			id,
			name: `bench-file-${i}.docx`,
			link_id: linkId,
			link_url: `https://365.wps.example/l/${linkId}`,
			ctime: template.ctime + (i % 86400),
			mtime: template.mtime + (i % 86400),
		});
	}
	return count;
}

/** Adds `count` files to the PDS user drive through the store's own API, if it has one. */
function seedPds(count: number): number {
	if (count <= 0) return 0;
	const { benchSeedPds } = require('./pdsSeed') as typeof import('./pdsSeed');
	return benchSeedPds(count);
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	// before the emulator (and with it osm.ts) is loaded: see benchSeed.ts
	const huawei = seedHuaweiBenchData({
		osmAttachments: args.osm,
		metaStudioAssets: args.metastudio,
		taurusAuditFiles: args.taurus,
	});
	const { startEmulator } = require('../test/emulator/server') as typeof import('../test/emulator/server');
	const emulator = await startEmulator({ port: 0, latencyMs: args.latency, maxLogEntries: 100 });
	// after startEmulator: it resets every module, and the WPS reset rebuilds the seeded tree
	const wps = seedWps(args.wps);
	const pds = seedPds(args.pds);
	console.log(`EMULATOR_URL=${emulator.url}`);
	console.log(`SEEDED=${JSON.stringify({ ...huawei, wpsFiles: wps, pdsFiles: pds, pid: process.pid })}`);
	const stop = () => {
		emulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	// the parent going away (crash, Ctrl+C) must not leave the emulator running
	process.stdin.on('end', stop);
	process.stdin.resume();
}

main().catch((error: Error) => {
	console.error(`bench emulator failed: ${error.stack ?? error.message}`);
	process.exit(1);
});
