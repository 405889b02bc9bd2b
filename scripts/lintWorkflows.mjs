/**
 * `npm run lint:workflows`: checks .github/workflows/*.yml without running them.
 *  - strict YAML (the `yaml` package: no errors, no warnings, no duplicate keys, no tabs);
 *  - the GitHub Actions shape: `name`, `on`, `jobs`; every job has `runs-on` and a non-empty
 *    `steps` list; every step has exactly one of `uses` / `run`; `uses` is pinned (`owner/repo@ref`);
 *    `${{ }}` expressions are closed; no unknown keys at workflow, job or step level;
 *  - every `npm run <script>` the workflows call exists in package.json;
 *  - publishing: the workflow that runs `npm publish` triggers on tags, grants `id-token: write`,
 *    and passes `--provenance` to every `npm publish`.
 * Exits 1 with the list of problems.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, '.github', 'workflows');
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};

const WORKFLOW_KEYS = new Set(['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']);
const JOB_KEYS = new Set(['name', 'needs', 'permissions', 'runs-on', 'environment', 'concurrency', 'outputs', 'env', 'defaults', 'if', 'steps', 'timeout-minutes', 'strategy', 'continue-on-error', 'container', 'services', 'uses', 'with', 'secrets']);
const STEP_KEYS = new Set(['id', 'if', 'name', 'uses', 'run', 'working-directory', 'shell', 'with', 'env', 'continue-on-error', 'timeout-minutes']);

const problems = [];
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
if (files.length === 0) problems.push('.github/workflows has no workflow');

for (const file of files) {
	const where = `.github/workflows/${file}`;
	const text = fs.readFileSync(path.join(DIR, file), 'utf8');
	if (/^\t/m.test(text)) problems.push(`${where}: tab indentation`);
	const doc = YAML.parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true });
	for (const e of [...doc.errors, ...doc.warnings]) problems.push(`${where}: ${e.message}`);
	if (doc.errors.length) continue;
	const wf = doc.toJS();
	for (const key of Object.keys(wf)) if (!WORKFLOW_KEYS.has(key)) problems.push(`${where}: unknown top-level key "${key}"`);
	for (const key of ['name', 'on', 'jobs']) if (wf[key] === undefined) problems.push(`${where}: missing "${key}"`);
	const expressionsOpen = (text.match(/\$\{\{/g) ?? []).length;
	const expressionsClosed = (text.match(/\}\}/g) ?? []).length;
	if (expressionsOpen !== expressionsClosed) problems.push(`${where}: ${expressionsOpen} "\${{" but ${expressionsClosed} "}}"`);
	let publishes = false;
	for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
		const at = `${where} job ${jobId}`;
		for (const key of Object.keys(job)) if (!JOB_KEYS.has(key)) problems.push(`${at}: unknown key "${key}"`);
		if (!job['runs-on']) problems.push(`${at}: missing runs-on`);
		if (!Array.isArray(job.steps) || job.steps.length === 0) {
			problems.push(`${at}: no steps`);
			continue;
		}
		job.steps.forEach((step, i) => {
			const s = `${at} step ${i + 1}${step.name ? ` (${step.name})` : ''}`;
			for (const key of Object.keys(step)) if (!STEP_KEYS.has(key)) problems.push(`${s}: unknown key "${key}"`);
			if (('uses' in step) === ('run' in step)) problems.push(`${s}: needs exactly one of uses / run`);
			if (step.uses && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(step.uses)) problems.push(`${s}: "uses: ${step.uses}" is not pinned to a ref`);
			if (typeof step.run === 'string') {
				for (const m of step.run.matchAll(/\bnpm run ([\w:.-]+)/g)) if (!scripts[m[1]]) problems.push(`${s}: npm script "${m[1]}" does not exist`);
				for (const line of step.run.split('\n')) {
					if (/\bnpm publish\b/.test(line)) {
						publishes = true;
						if (!/--provenance\b/.test(line)) problems.push(`${s}: "npm publish" without --provenance`);
					}
				}
			}
		});
	}
	if (publishes) {
		const tags = wf.on?.push?.tags;
		if (!Array.isArray(tags) || tags.length === 0) problems.push(`${where}: publishes but is not triggered by tags`);
		if (wf.permissions?.['id-token'] !== 'write') problems.push(`${where}: publishes with provenance but lacks "permissions: id-token: write"`);
	}
	console.log(`${where}: ${Object.keys(wf.jobs ?? {}).length} job(s)${publishes ? ', publishes with provenance' : ''}`);
}

if (problems.length) {
	console.log(problems.map((p) => `  ${p}`).join('\n'));
	console.log(`${problems.length} problem(s)`);
	process.exit(1);
}
console.log(`${files.length} workflow(s) OK`);
