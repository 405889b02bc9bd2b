/**
 * The pass/fail bookkeeping of the real-n8n test scripts (e2e, triggers, queue mode, UI, vendor
 * packages): each check prints `ok   name (ms)` or `FAIL name` with the first lines of the stack,
 * and finish() prints the last line `N passed, M failed` that .ci/run and the README quote, then
 * exits 1 when anything failed.
 */
export function createChecks({ traceLines = 12 } = {}) {
	const results = [];
	const trace = (error) => String(error?.stack ?? error).split('\n').slice(0, traceLines).join('\n     ');

	/** Runs one check; true when it passed. */
	async function check(name, fn) {
		const started = Date.now();
		try {
			await fn();
			results.push({ name, ok: true, ms: Date.now() - started });
			console.log(`ok   ${name} (${Date.now() - started} ms)`);
			return true;
		} catch (error) {
			results.push({ name, ok: false, ms: Date.now() - started });
			console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${trace(error)}`);
			return false;
		}
	}

	/** Records a failure outside any check (setup, teardown). */
	function fail(name, error) {
		results.push({ name, ok: false, ms: 0 });
		console.log(`FAIL ${name}${error === undefined ? '' : `\n     ${trace(error)}`}`);
	}

	/** Records a result measured elsewhere (e.g. a child process's exit code). */
	function record(name, ok, ms = 0) {
		results.push({ name, ok, ms });
	}

	/** Prints `N passed, M failed<suffix>` and exits; with requireAny, no check at all is a failure too. */
	function finish({ suffix = '', requireAny = false } = {}) {
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		console.log(`${passed} passed, ${failed} failed${suffix}`);
		process.exit(failed === 0 && (!requireAny || passed > 0) ? 0 : 1);
	}

	return { results, check, fail, record, finish };
}
