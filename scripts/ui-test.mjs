/**
 * `npm run test:ui`: the nodes in a real browser. Starts the emulator and a real n8n (2.8.4,
 * scripts/lib/realN8n.mjs) with the built package, and drives the editor in headless Chromium
 * (Debian's package, installed by scripts/lib/chromium.mjs when missing):
 *
 *   1. panels:      every node, every resource > operation of its newest version: the panel opens
 *                   and shows exactly the fields the node description says it shows by default
 *                   (derived from dist/, scripts/ui/descriptions.mjs), with no error;
 *   2. pickers:     every resource-locator list and loadOptions field of those panels lists
 *                   emulator data (a credential is selected on every node);
 *   3. credentials: every credential type is created in the credentials dialog, saved, and its
 *                   Test passes; then one secret is changed and the dialog must show the vendor's
 *                   message (fixtures: test/ui/credentials.ts);
 *   4. runs:        every example workflow (one per node and operation family, examples/*.json)
 *                   is executed from the editor; the items on the success and error branches are
 *                   read from the panel of the node and compared with the table below.
 *
 * Screenshots of every step go to .ui-screenshots/ (ignored by git). Ends with `N passed, M failed`
 * and the time of each phase; exits 1 when anything failed.
 * Options: UI_ONLY=panels,credentials,... runs only some phases; UI_HEADED=1 shows the browser.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, selectors } from 'playwright-core';

import { CHROMIUM_ARGS, ensureChromium } from './lib/chromium.mjs';
import { createChecks } from './lib/checks.mjs';
import { loadExamples, startEmulatorProcess } from './lib/exampleSuite.mjs';
import { createInstance, ensureN8n } from './lib/realN8n.mjs';
import { loadPackage, pickersOf, visibleProperties } from './ui/descriptions.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHOTS = path.join(ROOT, '.ui-screenshots');
const TS_NODE = path.join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const ONLY = process.env.UI_ONLY ? new Set(process.env.UI_ONLY.split(',')) : undefined;
const OWNER = { email: 'owner@example.com', firstName: 'UI', lastName: 'Test', password: 'UiTest-Passw0rd!' };

/**
 * Runs from the editor: example file -> node under test and the items expected on its outputs
 * (main = success branch, error = error branch). Add a row per new example workflow.
 */
const RUNS = {
	'huawei-osm-attachment-links.json': { main: 5, error: 1 },
	'huawei-metastudio-batch-action.json': { main: 240, error: 10 },
	'huawei-metastudio-share-v2.json': { main: 4, error: 1 },
	'alibaba-pds-search.json': { main: 120, error: 0 },
	'huawei-taurusdb-audit-log-links.json': { main: 137, error: 0 },
	'alibaba-pds-file-get.json': { main: 5, error: 1 },
	'wps365-file-metadata.json': { main: 2700, error: 300 },
	'wps365-public-cloud-metadata.json': { main: 240, error: 10 },
};

/**
 * Pickers whose list must contain a known emulator entry (picker name -> text of one entry);
 * pickers not listed must list at least one entry.
 */
const PICKER_EXPECTS = {
	instanceId: 'taurus-orders', // TaurusDB instances of the project (test/emulator/huawei/fixtures.ts)
	nodeId: 'taurus-orders_node01', // nodes of the first instance, picked above
	driveId: 'Alice', // PDS drives (test/emulator/pds)
	objectId: 'Alice',
	toDriveId: 'Alice',
};

// n8n marks its elements with data-test-id (Playwright's default is data-testid)
selectors.setTestIdAttribute('data-test-id');

const phases = [];
const log = (line) => process.stderr.write(`${line}\n`);

const { check, fail, finish } = createChecks({ traceLines: 8 });

async function phase(name, fn) {
	if (ONLY && !ONLY.has(name)) return;
	const started = Date.now();
	try {
		await fn();
	} finally {
		phases.push({ name, ms: Date.now() - started });
	}
}

const slug = (text) => String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

// ─── setup ───────────────────────────────────────────────────────────────────────────────────

function credentialFixtures(emulatorUrl) {
	const res = spawnSync(process.execPath, [TS_NODE, '--transpile-only', 'test/ui/credentials.ts', emulatorUrl], { cwd: ROOT, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`test/ui/credentials.ts failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

/** Credentials for the panels, pickers and runs, imported before the server starts (ids fixed). */
function importedCredentials(fixtures) {
	return fixtures.map((f, i) => ({ id: `uiCred${String(i).padStart(2, '0')}${f.type}`.slice(0, 21), name: `${f.type} (emulator)`, type: f.type, data: f.data }));
}

/**
 * One workflow per node: a copy of the node for every operation, with a credential selected.
 * Operations with pickers get what a user sets to reach the emulator: Options > Endpoint URL where
 * the node has it (Huawei services; without it the pickers call the real Huawei host).
 */
function panelWorkflows(pkg, credentials, emulatorUrl) {
	return pkg.nodes.map((node, n) => {
		const nodes = node.ops.map((op, i) => {
			const name = [op.resourceName, op.operationName].filter(Boolean).join(' > ') || node.displayName;
			const values = Object.fromEntries(node.description.properties.map((p) => [p.name, p.default]));
			Object.assign(values, op.parameters);
			const creds = {};
			for (const c of node.description.credentials ?? []) {
				if (c.displayOptions && !visibleProperties([{ name: '_', displayOptions: c.displayOptions }], values, node.version).length) continue;
				const stored = credentials.find((s) => s.type === c.name);
				if (stored) creds[c.name] = { id: stored.id, name: stored.name };
			}
			op.nodeName = name;
			const parameters = { ...op.parameters };
			const optionsProperty = op.properties.find((p) => p.name === 'options' && p.type === 'collection');
			if (pickersOf(op).length && optionsProperty?.options?.some((o) => o.name === 'endpoint')) {
				parameters.options = { ...(parameters.options ?? {}), endpoint: emulatorUrl };
			}
			return {
				id: `00000000-0000-4000-8000-${String(n).padStart(4, '0')}${String(i).padStart(8, '0')}`,
				name,
				type: node.type,
				typeVersion: node.version,
				position: [(i % 6) * 260, Math.floor(i / 6) * 220],
				parameters,
				credentials: creds,
			};
		});
		node.panelWorkflowId = `uiPanels${String(n).padStart(2, '0')}${node.name}`.slice(0, 21);
		return { id: node.panelWorkflowId, name: `UI panels: ${node.displayName}`, nodes, connections: {} };
	});
}

/** Creates the owner account (n8n answers /healthz before its REST routes and DB are ready: retried). */
async function setupOwner(url, server) {
	const deadline = Date.now() + 180_000;
	for (;;) {
		if (server.process.exited()) throw new Error(`n8n exited:\n${server.process.output().slice(-3000)}`);
		let res;
		try {
			res = await fetch(`${url}/rest/owner/setup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(OWNER),
			});
		} catch (error) {
			if (Date.now() > deadline) throw error;
		}
		if (res?.ok) return;
		if (res && (![404, 503].includes(res.status) || Date.now() > deadline)) {
			throw new Error(`owner setup answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

async function login(page, url) {
	await page.goto(`${url}/signin`, { waitUntil: 'domcontentloaded' });
	const form = page.getByTestId('signin-form');
	await form.waitFor({ timeout: 180_000 });
	await form.locator('input:not([type="password"])').first().fill(OWNER.email);
	await form.locator('input[type="password"]').first().fill(OWNER.password);
	await form.locator('button[type="submit"], button:has-text("Sign in")').first().click();
	await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 180_000, waitUntil: 'domcontentloaded' });
}

async function shot(page, name) {
	const file = path.join(SHOTS, `${name}.png`);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await page.screenshot({ path: file });
	return file;
}

// ─── the editor ──────────────────────────────────────────────────────────────────────────────

async function openWorkflow(page, url, id) {
	await page.goto(`${url}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 180_000 });
}

async function openNode(page, name) {
	const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${name.replace(/"/g, '\\"')}"]`);
	await canvasNode.dblclick();
	const ndv = page.getByTestId('ndv');
	await ndv.waitFor({ timeout: 30_000 });
	return ndv;
}

async function closeNode(page) {
	// an open dropdown takes the first Escape
	const ndv = page.getByTestId('ndv');
	for (let i = 0; i < 3 && (await ndv.isVisible()); i++) {
		await page.keyboard.press('Escape');
		await ndv.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
	}
	if (await ndv.isVisible()) await page.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Labels of the top-level fields of the open panel (Parameters tab), in order. */
async function panelLabels(ndv) {
	const params = ndv.getByTestId('node-parameters');
	await params.getByTestId('parameter-item').first().waitFor({ timeout: 60_000 });
	return await params.evaluate((root) => {
		const items = [...root.querySelectorAll('[data-test-id="parameter-item"]')].filter(
			(el) => !el.parentElement.closest('[data-test-id="parameter-item"]') && el.checkVisibility(),
		);
		return items.map((el) => {
			// the credential selector is rendered inside the first item, before the field's own label
			const label = [...el.querySelectorAll('label.n8n-input-label')]
				.filter((l) => l.closest('[data-test-id="parameter-item"]') === el)
				.pop();
			return (label?.innerText ?? el.innerText).split('\n')[0].replace(/\s*\*\s*$/, '').trim();
		});
	});
}

/** Items on the success and error outputs as the output panel shows them. */
async function outputCounts(page, ndv) {
	const panel = ndv.getByTestId('output-panel');
	await panel.waitFor();
	const read = async () => {
		const count = panel.getByTestId('ndv-items-count').or(panel.getByTestId('run-data-item-count')).first();
		if (!(await count.count())) {
			const text = await panel.innerText();
			if (/No output data|This output has no data|returned no data/i.test(text)) return 0;
			throw new Error(`no item count in the output panel: ${text.slice(0, 300)}`);
		}
		const match = /(\d[\d,]*)\s+items?/.exec(await count.innerText());
		if (!match) throw new Error(`item count not readable: ${await count.innerText()}`);
		return Number(match[1].replace(/,/g, ''));
	};
	// two outputs: tabs "Success Branch (240 items)" / "Error Branch (10 items)"
	const branches = panel.getByTestId('branches');
	if (!(await branches.count())) return { main: await read(), error: 0 };
	const labels = await branches.locator('[data-test-id^="tab-"]').allInnerTexts();
	const counts = { main: 0, error: 0 };
	for (const label of labels) {
		const match = /(\d[\d,]*)\s+items?/.exec(label);
		// n8n 2.8.4 shows no count on the tab of an output that has no items ("Error Branch")
		if (!match && !/^\s*(success|error) branch\s*$/i.test(label)) throw new Error(`branch tab without an item count: ${label}`);
		counts[/error/i.test(label) ? 'error' : 'main'] = match ? Number(match[1].replace(/,/g, '')) : 0;
	}
	return counts;
}

/**
 * Opens a picker of the panel, returns the texts of its entries and picks the first one (so that
 * pickers depending on it, e.g. a file in a drive, have a value). Fails on an error in the list.
 */
async function pickerEntries(page, ndv, picker) {
	if (picker.kind === 'resourceLocator') {
		// n8n 2.8.4 renders the "From list" popover inside the locator (not teleported); its
		// data-test-id="resource-locator-dropdown" is not on a visible box, so look for the rows
		const locator = ndv.getByTestId(`resource-locator-${picker.name}`);
		// a locator whose default is By ID (e.g. To Folder: root): choose From List as a user does
		const mode = locator.getByTestId('rlc-mode-selector');
		if ((await mode.count()) && !/from list/i.test(await mode.locator('input').first().inputValue().catch(() => ''))) {
			await mode.locator('input').first().click();
			await page.getByTestId(`mode-${picker.mode}`).filter({ visible: true }).first().click();
		}
		await locator.getByTestId('rlc-input').click();
		const item = locator.getByTestId('rlc-item').filter({ visible: true });
		const error = locator.getByTestId('rlc-error-container').filter({ visible: true });
		await item.first().or(error).first().waitFor({ timeout: 45_000 });
		if (await error.isVisible()) throw new Error(`${picker.displayName}: ${await error.innerText()}`);
		const entries = await item.allInnerTexts();
		await item.first().click();
		return entries;
	}
	const field = ndv.getByTestId(`parameter-input-${picker.name}`);
	await field.locator('input').first().click();
	const items = page.locator('.el-select-dropdown__item:visible');
	await items.first().waitFor({ timeout: 30_000 });
	const entries = await items.allInnerTexts();
	if (entries.some((e) => /error fetching|could not load/i.test(e))) throw new Error(`${picker.displayName}: ${entries.join(' | ')}`);
	await items.first().click();
	return entries;
}

// ─── credentials dialog ──────────────────────────────────────────────────────────────────────

/** Name of the option of `property` whose value is `value` (what the dropdown shows). */
function optionName(property, value) {
	const option = (property.options ?? []).find((o) => o.value === value);
	if (!option) throw new Error(`${property.name}: no option with value ${JSON.stringify(value)}`);
	return option.name;
}

async function chooseOption(page, field, name) {
	await field.locator('input').first().click();
	const option = page.locator('.el-select-dropdown__item:visible, .el-select-dropdown li:visible', { hasText: name }).first();
	await option.click();
}

/** Types `values` into the credential dialog, field by field (options first: they change what is shown). */
async function fillCredential(page, dialog, type, values) {
	const merged = Object.fromEntries(type.properties.map((p) => [p.name, p.default]));
	Object.assign(merged, values);
	const shown = visibleProperties(type.properties, merged).filter((p) => p.type !== 'hidden' && p.name in values);
	const ordered = [...shown.filter((p) => p.type === 'options'), ...shown.filter((p) => p.type !== 'options')];
	for (const property of ordered) {
		const field = dialog.locator(`[data-test-id="${property.name}"]`);
		const value = values[property.name];
		if (property.type === 'options') {
			if (value !== property.default) await chooseOption(page, field, optionName(property, value));
		} else if (property.type === 'boolean') {
			const toggle = field.locator('.el-switch').first();
			const on = (await toggle.getAttribute('class')).includes('is-checked');
			if (on !== Boolean(value)) await toggle.click();
		} else {
			const input = field.locator('input:not([type="hidden"]), textarea').first();
			await input.fill(String(value));
		}
	}
}

/** Waits for the result of the automatic test after Save: { ok, text }. */
async function credentialTestResult(page) {
	const success = page.getByTestId('credentials-config-container-test-success');
	const failure = page.getByText(/Couldn.t connect with these settings/);
	await success.or(failure).filter({ visible: true }).first().waitFor({ timeout: 90_000 });
	if (await success.isVisible()) return { ok: true, text: await success.innerText() };
	const more = page.getByText(/More details/i).filter({ visible: true });
	if (await more.count()) await more.first().click();
	// the banner: the nearest ancestor of its title that also holds the details
	const text = await failure.first().evaluate((title) => {
		let el = title;
		const rest = (node) => node.innerText.replace(title.innerText, '').replace(/Retry/g, '').trim();
		while (el.parentElement && rest(el).length < 10) el = el.parentElement;
		return el.innerText;
	});
	return { ok: false, text };
}

async function openNewCredential(page, url, type) {
	await page.goto(`${url}/home/credentials/create`, { waitUntil: 'domcontentloaded' });
	const select = page.getByTestId('new-credential-type-select');
	await select.waitFor({ timeout: 30_000 });
	await select.locator('input').first().fill(type.displayName);
	await page.getByTestId('new-credential-type-select-option').filter({ hasText: type.displayName }).first().click();
	await page.getByTestId('new-credential-type-button').click();
	const dialog = page.getByTestId('credential-edit-dialog');
	await dialog.waitFor();
	return dialog;
}

// ─── main ────────────────────────────────────────────────────────────────────────────────────

const started = Date.now();
let emulator;
let instance;
let browser;
try {
	fs.rmSync(SHOTS, { recursive: true, force: true });
	fs.mkdirSync(SHOTS, { recursive: true });
	if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
	const pkg = loadPackage(ROOT);
	const chrome = ensureChromium();
	log(`chromium: ${chrome.version}`);
	const n8n = await ensureN8n();
	emulator = await startEmulatorProcess();
	log(`emulator on ${emulator.url}`);
	const fixtures = credentialFixtures(emulator.url);
	instance = await createInstance({ packageDir: ROOT, n8n });
	// one import command each (every n8n command boots n8n: seconds each)
	const credentials = importedCredentials(fixtures);
	const exampleCreds = JSON.parse(
		spawnSync(process.execPath, [TS_NODE, '--transpile-only', 'test/e2e/credentials.ts', emulator.url], { cwd: ROOT, encoding: 'utf8' }).stdout,
	);
	await instance.importCredentials([...credentials, ...exampleCreds]);
	const examples = loadExamples(emulator.url);
	const ids = await instance.importWorkflow([...panelWorkflows(pkg, credentials, emulator.url), ...examples.map((ex) => ex.workflow)]);
	examples.forEach((ex, i) => (ex.id = ids[pkg.nodes.length + i]));
	const server = await instance.startServer();
	const { url } = server;
	log(`n8n ${n8n.version} on ${url}; setup took ${((Date.now() - started) / 1000).toFixed(1)} s (${instance.timings.map((t) => `${t.command} ${t.ms} ms`).join(', ')})`);
	await setupOwner(url, server);

	browser = await chromium.launch({ executablePath: chrome.executablePath, args: CHROMIUM_ARGS, headless: !process.env.UI_HEADED });
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	context.setDefaultTimeout(90_000);
	context.setDefaultNavigationTimeout(180_000);
	const page = await context.newPage();
	const pageErrors = [];
	page.on('pageerror', (error) => pageErrors.push(error.message));
	await login(page, url);
	await shot(page, '00-home');

	await phase('panels', async () => {
		for (const node of pkg.nodes) {
			await openWorkflow(page, url, node.panelWorkflowId);
			await shot(page, `panels/${slug(node.name)}-canvas`);
			for (const op of node.ops) {
				await check(`panel ${node.displayName}: ${op.nodeName} shows ${op.fields.join(', ')}`, async () => {
					const ndv = await openNode(page, op.nodeName);
					try {
						const labels = await panelLabels(ndv);
						await shot(page, `panels/${slug(node.name)}-${slug(op.nodeName)}`);
						assert.deepEqual(labels, op.fields);
						const text = await ndv.innerText();
						assert.doesNotMatch(text, /Install this node to use it|node is not currently installed|Problem loading|Could not load/i);
					} finally {
						await closeNode(page);
					}
				});
				const pickers = pickersOf(op);
				if (!pickers.length) continue;
				await check(`pickers ${node.displayName}: ${op.nodeName}: ${pickers.map((p) => p.displayName).join(', ')} list emulator data`, async () => {
					const ndv = await openNode(page, op.nodeName);
					try {
						for (const picker of pickers) {
							const entries = await pickerEntries(page, ndv, picker);
							await shot(page, `pickers/${slug(node.name)}-${slug(op.nodeName)}-${slug(picker.name)}`);
							assert.ok(entries.length > 0, `${picker.displayName} lists nothing`);
							const wanted = PICKER_EXPECTS[picker.name];
							if (wanted) assert.ok(entries.some((e) => e.includes(wanted)), `${picker.displayName} lacks ${wanted}: ${entries.join(' | ')}`);
						}
					} finally {
						await closeNode(page);
					}
				});
			}
		}
	});
	await phase('credentials', async () => {
		for (const type of pkg.credentials) {
			const fixture = fixtures.find((f) => f.type === type.name);
			await check(`credential ${type.displayName}: saved from the dialog, Test passes; a wrong ${fixture?.wrong.field} shows the vendor's message`, async () => {
				assert.ok(fixture, `test/ui/credentials.ts has no fixture for ${type.name}`);
				const dialog = await openNewCredential(page, url, type);
				try {
					await fillCredential(page, dialog, type, fixture.data);
					await shot(page, `credentials/${slug(type.name)}-filled`);
					await page.getByTestId('credential-save-button').click();
					const good = await credentialTestResult(page);
					await shot(page, `credentials/${slug(type.name)}-ok`);
					assert.ok(good.ok, `the Test failed: ${good.text}`);
					assert.match(good.text, /Connection tested successfully/);
					await fillCredential(page, dialog, type, { [fixture.wrong.field]: fixture.wrong.value });
					await page.getByTestId('credential-save-button').click();
					await page.getByTestId('credentials-config-container-test-success').waitFor({ state: 'hidden' });
					const bad = await credentialTestResult(page);
					await shot(page, `credentials/${slug(type.name)}-wrong`);
					assert.equal(bad.ok, false, 'a wrong secret passed the Test');
					assert.match(bad.text.replace(/\s+/g, ' '), new RegExp(fixture.wrong.message));
					assert.ok(!bad.text.includes(fixture.wrong.value.slice(0, 40)), 'the message shows the secret');
				} finally {
					await page.keyboard.press('Escape');
				}
			});
		}
	});

	await phase('runs', async () => {
		for (const example of examples) {
			const expected = RUNS[example.file];
			const target = example.workflow.nodes.find((n) => n.type.startsWith(`${pkg.packageName}.`));
			await check(`run ${example.file} from the editor: ${target?.name} gives ${expected?.main} success and ${expected?.error} error items`, async () => {
				assert.ok(expected, `RUNS has no row for ${example.file}`);
				await openWorkflow(page, url, example.id);
				await page.getByTestId('execute-workflow-button').click();
				const canvasNode = page.locator(`[data-test-id="canvas-node"][data-node-name="${target.name}"]`);
				await canvasNode.getByTestId('canvas-node-status-success').waitFor({ timeout: 120_000 });
				await shot(page, `runs/${slug(example.file)}-canvas`);
				const ndv = await openNode(page, target.name);
				try {
					const counts = await outputCounts(page, ndv);
					await shot(page, `runs/${slug(example.file)}-output`);
					assert.deepEqual(counts, { main: expected.main, error: expected.error });
				} finally {
					await closeNode(page);
				}
			});
		}
	});
} catch (error) {
	fail('setup', error);
} finally {
	await browser?.close().catch(() => {});
	await instance?.cleanup().catch(() => {});
	await emulator?.stop().catch(() => {});
}

for (const p of phases) console.log(`phase ${p.name}: ${(p.ms / 1000).toFixed(1)} s`);
console.log(`screenshots in ${path.relative(ROOT, SHOTS)}/`);
finish({ suffix: ` (${((Date.now() - started) / 1000).toFixed(1)} s)`, requireAny: true });
