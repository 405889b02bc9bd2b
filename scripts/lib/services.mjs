/**
 * Throwaway Redis and PostgreSQL servers for the queue-mode test (scripts/queueMode.mjs), from the
 * Debian packages `redis-server` and `postgresql` (installed with apt-get when missing). Each runs
 * in its own temp folder on a free port, listening on 127.0.0.1 only, without persistence, and is
 * removed by stop(). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user
 * (created by the Debian package) through runuser.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './realN8n.mjs';

const log = (msg) => process.stderr.write(`[services] ${msg}\n`);


function postgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return undefined;
	const versions = fs
		.readdirSync(base)
		.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')) && fs.existsSync(path.join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

function which(cmd) {
	const res = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
	return res.status === 0 ? res.stdout.trim() : undefined;
}

function aptInstall(packages) {
	const isRoot = process.getuid?.() === 0;
	const prefix = isRoot ? [] : ['sudo', '-n'];
	const run = (args) => {
		log(`${[...prefix, 'apt-get', ...args].join(' ')}`);
		return spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(isRoot ? [] : ['apt-get']), ...args], {
			encoding: 'utf8',
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			stdio: ['ignore', 'inherit', 'pipe'],
		});
	};
	let res = run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...packages]);
	if (res.status !== 0 && /Unable to locate|has no installation candidate|404/.test(res.stderr ?? '')) {
		run(['-o', 'DPkg::Lock::Timeout=600', 'update']);
		res = run(['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...packages]);
	}
	if (res.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed (exit ${res.status}):\n${res.stderr}`);
}

/** Installs redis-server / postgresql from Debian packages if their binaries are missing. */
export function ensureServerPackages() {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBinDir() || !which('psql')) missing.push('postgresql');
	if (missing.length) aptInstall(missing);
	const redis = which('redis-server');
	const pgBin = postgresBinDir();
	if (!redis || !pgBin) throw new Error(`after apt-get: redis-server ${redis ?? 'missing'}, postgres ${pgBin ?? 'missing'}`);
	return { redis, pgBin, psql: which('psql') };
}

function startProcess(command, args, { env, user } = {}) {
	const isRoot = process.getuid?.() === 0;
	const [cmd, argv] = user && isRoot ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
	const child = spawn(cmd, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
	let output = '';
	child.stdout.on('data', (c) => (output += c));
	child.stderr.on('data', (c) => (output += c));
	let exited = false;
	const closed = new Promise((resolve) => child.on('close', (code) => ((exited = true), resolve(code))));
	const kill = (signal) => {
		try {
			process.kill(-child.pid, signal);
		} catch {
			/* gone */
		}
	};
	process.on('exit', () => kill('SIGKILL'));
	return {
		child,
		output: () => output,
		exited: () => exited,
		async stop(graceMs = 10_000) {
			if (exited) return;
			kill('SIGTERM');
			const timer = setTimeout(() => kill('SIGKILL'), graceMs);
			await closed;
			clearTimeout(timer);
		},
	};
}

async function waitFor(label, proc, probe, ms = 60_000) {
	const deadline = Date.now() + ms;
	for (;;) {
		if (proc.exited()) throw new Error(`${label} exited:\n${proc.output().slice(-3000)}`);
		if (await probe()) return;
		if (Date.now() > deadline) throw new Error(`${label} not ready within ${ms} ms:\n${proc.output().slice(-3000)}`);
		await sleep(250);
	}
}

function tcpAnswers(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});
}

/** Redis on 127.0.0.1:<free port>, no persistence. */
export async function startRedis({ redis }) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-redis-'));
	const port = await freePort();
	const proc = startProcess(redis, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes']);
	await waitFor('redis-server', proc, () => tcpAnswers(port));
	return {
		host: '127.0.0.1',
		port,
		async stop() {
			await proc.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * PostgreSQL cluster in a temp folder on 127.0.0.1:<free port> (trust auth on loopback only,
 * fsync off), with database `n8n` owned by role `n8n`. `sql(query)` runs psql and returns stdout.
 */
export async function startPostgres({ pgBin, psql }) {
	const isRoot = process.getuid?.() === 0;
	const user = isRoot ? 'postgres' : undefined;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-pg-'));
	const dataDir = path.join(dir, 'data');
	if (isRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
	fs.chmodSync(dir, 0o755);
	const asUser = (command, args) =>
		isRoot ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
	const init = asUser(path.join(pgBin, 'initdb'), ['-D', dataDir, '-U', 'n8n', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
	if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
	const port = await freePort();
	const proc = startProcess(
		path.join(pgBin, 'postgres'),
		['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'],
		{ user },
	);
	const sql = (query, database = 'n8n') => {
		const res = spawnSync(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', database, '-v', 'ON_ERROR_STOP=1', '-q', '-At', '-c', query], {
			encoding: 'utf8',
			maxBuffer: 512 * 1024 * 1024,
			env: { ...process.env, PGPASSWORD: 'n8n' },
		});
		if (res.status !== 0) throw new Error(`psql: ${query.slice(0, 200)}\n${res.stderr}`);
		return res.stdout;
	};
	await waitFor('postgres', proc, async () => {
		try {
			sql('select 1', 'postgres');
			return true;
		} catch {
			return false;
		}
	});
	sql('create database n8n', 'postgres');
	return {
		host: '127.0.0.1',
		port,
		database: 'n8n',
		user: 'n8n',
		password: 'n8n',
		sql,
		async stop() {
			await proc.stop();
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
