/**
 * `npm run emulator -- [--port N] [--latency MS]`: runs the emulator until SIGINT/SIGTERM.
 * The first line printed is `EMULATOR_URL=http://127.0.0.1:PORT` (scripts wait for it).
 */
import { routeModules } from './modules';
import { startEmulator } from './server';

const DEFAULT_PORT = 4010;

function usage(message: string): never {
	console.error(`${message}\nUsage: npm run emulator -- [--port N (default ${DEFAULT_PORT}, 0 = free)] [--latency MS]`);
	process.exit(2);
}

function parseArgs(argv: string[]): { port: number; latencyMs: number } {
	let port = DEFAULT_PORT;
	let latencyMs = 0;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined || !/^\d+$/.test(v)) usage(`${flag} needs a non-negative integer`);
			return Number(v);
		};
		if (flag === '--port') port = value();
		else if (flag === '--latency') latencyMs = value();
		else if (flag === '--help' || flag === '-h') usage('Local emulator of the cloud APIs used by this package.');
		else usage(`Unknown argument ${arg}`);
	}
	if (port > 65535) usage('--port must be 0..65535');
	return { port, latencyMs };
}

async function main(): Promise<void> {
	const { port, latencyMs } = parseArgs(process.argv.slice(2));
	const emulator = await startEmulator({ port, latencyMs });
	console.log(`EMULATOR_URL=${emulator.url}`);
	const lines = [
		`Cloud emulator listening on ${emulator.url} (latency ${latencyMs} ms). Test fixtures only:`,
		...routeModules.flatMap((m) => m.describe?.(emulator.ctx) ?? []).map((l) => `  ${l}`),
		`  Downloads  GET /__files/<kind>/<name>`,
		`  Control    POST|DELETE /__emulator/faults, GET /__emulator/requests, POST /__emulator/reset,`,
		`             POST /__emulator/latency {ms}, POST /__emulator/expire-tokens, POST /__emulator/clock {shiftMs}`,
		'Stop with Ctrl+C.',
	];
	console.log(lines.join('\n'));

	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping emulator`);
		emulator.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
	console.error(`emulator failed to start: ${error.message}`);
	process.exit(1);
});
