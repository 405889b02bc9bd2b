/** Small helpers shared by the benchmark scripts. */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';

export function median(values: number[]): number {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return NaN;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 1): number {
	if (!Number.isFinite(value)) return value;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** CPU time (user + system) of another process in ms, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
	if (!pid) return undefined;
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// fields after the command name (which may contain spaces) start after the last ')'
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
		return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
	} catch {
		return undefined;
	}
}

/** Renders rows as a fixed-width text table. */
export function textTable(headers: string[], rows: Array<Array<string | number>>): string {
	const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
	const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
	const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Renders rows as a GitHub markdown table (first column left-aligned, the rest right-aligned). */
export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
	const esc = (c: string | number) => String(c).replace(/\|/g, '\\|');
	return [
		`| ${headers.map(esc).join(' | ')} |`,
		`|${headers.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`,
		...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
	].join('\n');
}

/**
 * GET of the emulator's control API on a fresh connection (no keep-alive pool: a pooled socket
 * the server closed during a long, CPU-bound run would fail the next call), retried twice.
 */
export async function controlGet<T>(url: string): Promise<T> {
	let lastError: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			return await new Promise<T>((resolve, reject) => {
				const request = get(url, { agent: false }, (response) => {
					let text = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => (text += chunk));
					response.on('end', () => {
						try {
							resolve(JSON.parse(text) as T);
						} catch (error) {
							reject(error);
						}
					});
					response.on('error', reject);
				});
				request.on('error', reject);
				request.setTimeout(30_000, () => request.destroy(new Error(`timeout: GET ${url}`)));
			});
		} catch (error) {
			lastError = error;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
	throw lastError;
}

/** Requests the emulator has counted so far whose path contains `pathContains`. */
export async function emulatorCount(baseUrl: string, pathContains: string): Promise<number> {
	const { count } = await controlGet<{ count: number }>(
		`${baseUrl}/__emulator/requests/count?pathContains=${encodeURIComponent(pathContains)}`,
	);
	return count;
}
