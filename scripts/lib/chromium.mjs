/**
 * chromium.mjs — the headless Chromium of the browser test (`npm run test:ui`).
 *
 * ensureChromium() returns the path of a Chromium binary: $CHROMIUM_PATH if set, else Debian's
 * /usr/bin/chromium, installing the Debian package `chromium` with apt-get when it is missing
 * (as root, or through passwordless sudo). It never silently skips: when nothing can be
 * installed it throws with the command to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The flags the test launches Chromium with: headless, and no background traffic to the closed network. */
export const CHROMIUM_ARGS = [
	'--headless=new',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

const log = (msg) => process.stderr.write(`[chromium] ${msg}\n`);

function answers(bin) {
	const res = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 });
	return res.status === 0 ? res.stdout.trim() : undefined;
}

function aptGet(args) {
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	const [cmd, cmdArgs] = isRoot ? ['apt-get', args] : ['sudo', ['-n', 'apt-get', ...args]];
	log(`${isRoot ? '' : 'sudo -n '}apt-get ${args.join(' ')}`);
	const res = spawnSync(cmd, cmdArgs, {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeout: 20 * 60_000,
	});
	return res.status === 0;
}

export function ensureChromium() {
	const wanted = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
	let version = fs.existsSync(wanted) ? answers(wanted) : undefined;
	if (version) return { executablePath: wanted, version, installed: false };
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${wanted} does not run (--version failed)`);
	if (process.platform !== 'linux' || !fs.existsSync('/usr/bin/apt-get')) {
		throw new Error(`no Chromium at ${DEBIAN_CHROMIUM} and no apt-get to install it: set CHROMIUM_PATH to a Chromium/Chrome binary`);
	}
	log(`${DEBIAN_CHROMIUM} missing: installing the Debian package chromium`);
	const install = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'chromium'];
	if (!aptGet(install)) {
		// An image without package lists (or stale ones): update, then try once more.
		if (!aptGet(['-o', 'DPkg::Lock::Timeout=600', 'update']) || !aptGet(install)) {
			throw new Error('installing chromium with apt-get failed (see above); run as root or set CHROMIUM_PATH');
		}
	}
	version = answers(DEBIAN_CHROMIUM);
	if (!version) throw new Error(`apt-get installed chromium but ${DEBIAN_CHROMIUM} --version does not answer`);
	return { executablePath: DEBIAN_CHROMIUM, version, installed: true };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	console.log(JSON.stringify(ensureChromium()));
}
