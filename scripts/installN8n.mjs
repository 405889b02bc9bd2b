/**
 * `npm run n8n:install [-- --lines oldest,pinned,newest]`: installs the real n8n of each line (and the
 * Node.js it runs on) into the cache now, all at once, instead of on first use. Every runner calls
 * the same ensureN8n(), which waits for an install that is under way (lock file) instead of starting
 * a second one; `.ci/run` starts this in the background so the installs overlap with the demo.
 */
import { ensureN8n, N8N_LINES, selectedLine } from './lib/realN8n.mjs';

const i = process.argv.indexOf('--lines');
const names = (i === -1 ? Object.keys(N8N_LINES).join(',') : process.argv[i + 1]).split(',');
const results = await Promise.allSettled(
	names.map(async (name) => {
		const started = Date.now();
		const n8n = await ensureN8n(selectedLine(name));
		return `n8n ${n8n.version} (${name}) ${n8n.installed ? `installed in ${Math.round((Date.now() - started) / 1000)} s` : 'already installed'}: ${n8n.dir}`;
	}),
);
for (const r of results) console.log(r.status === 'fulfilled' ? r.value : `FAILED: ${String(r.reason?.message ?? r.reason).split('\n')[0]}`);
process.exit(results.every((r) => r.status === 'fulfilled') ? 0 : 1);
