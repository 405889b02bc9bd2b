/**
 * The vendor split: which files of the combined package belong to which one-vendor package.
 *
 * Nothing here lists node or credential files by hand. A vendor owns every entry of package.json
 * `n8n.nodes` / `n8n.credentials` whose file name starts with its prefix (HuaweiCloud*, AlibabaPds*,
 * Wps365*), so nodes added later (e.g. a HuaweiCloudTrigger) land in the right package by name.
 * The vendor's dist/ is the set of compiled files reachable from those entries through relative
 * require() calls (the shared engine in nodes/shared and the signers in credentials/common
 * included), plus the icons (`file:x.svg`) and codex files (`<Node>.node.json`) they reference.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(ROOT, 'packages-out');
/**
 * Committed per-vendor manifests: n8n's scanner downloads the source commit named in a package's npm
 * provenance and looks for the package.json with the package's name (`findPackageRoot`), then lints
 * `package.json` + `{nodes,credentials}/**` beside it. vendors/<name>/ holds that package.json (the
 * generated one, kept in sync by `node scripts/packVendors.mjs --write-manifests`) and symlinks
 * `nodes` and `credentials` to the one source tree.
 */
export const VENDOR_MANIFEST_DIR = path.join(ROOT, 'vendors');
/** Staged sources (package.json + the .ts files a package is compiled from) for the scanner's source leg and `n8n-node lint`. */
export const SOURCE_STAGE_DIR = path.join(OUT_DIR, '.source');

export const VENDORS = [
	{
		key: 'huawei',
		prefix: 'HuaweiCloud',
		name: 'n8n-nodes-huawei-cloud-batch',
		title: 'Huawei Cloud',
		description:
			'n8n community node for the batch APIs of Huawei Cloud (OSM service ticket attachments, MetaStudio digital assets, TaurusDB audit logs), with IAM token and AK/SK request signing.',
		keywords: ['huawei-cloud', 'osm', 'metastudio', 'taurusdb', 'batch'],
		/** README: `### <heading>` sections under "Nodes and operations" that start with this. */
		readmeHeading: 'Huawei Cloud',
		/** README: credential bullets ("Where the values come from") that mention this. */
		readmeCredential: /\bHuawei\b/,
		examples: /^huawei-/,
		/** The example run when this package alone is loaded into a real n8n (IAM token, binary download). */
		example: 'huawei-osm-attachment-links.json',
	},
	{
		key: 'alibaba',
		prefix: 'AlibabaPds',
		name: 'n8n-nodes-alibaba-cloud-pds',
		title: 'Alibaba Cloud PDS',
		description:
			'n8n community node for the Alibaba Cloud PDS (Drive and Photo Service) batch API, with JWT app and AccessKey authentication.',
		keywords: ['alibaba-cloud', 'pds', 'drive', 'batch'],
		readmeHeading: 'Alibaba Cloud PDS',
		readmeCredential: /\bPDS\b/,
		examples: /^alibaba-/,
		example: 'alibaba-pds-file-get.json',
	},
	{
		key: 'wps',
		prefix: 'Wps365',
		name: 'n8n-nodes-wps365',
		title: 'WPS 365',
		description: 'n8n community node for the WPS 365 batch file metadata API, with WPS-4, WPS-4-GM and KSO-1 request signing.',
		keywords: ['wps365', 'wps', 'kingsoft', 'batch'],
		readmeHeading: 'WPS 365',
		readmeCredential: /\bWPS\b/,
		examples: /^wps365-/,
		example: 'wps365-file-metadata.json',
	},
];

export function readRootPackage() {
	return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

/** The vendor an n8n.nodes / n8n.credentials entry belongs to (by file name prefix), or undefined. */
export function vendorOf(entry) {
	const base = path.basename(entry);
	return VENDORS.find((v) => base.startsWith(v.prefix));
}

/**
 * Splits package.json `n8n` entries by vendor. Throws when an entry belongs to no vendor (a new
 * vendor must be added to VENDORS, not silently left out of every one-vendor package).
 */
export function splitEntries(rootPkg = readRootPackage()) {
	const split = new Map(VENDORS.map((v) => [v.key, { nodes: [], credentials: [] }]));
	for (const kind of ['nodes', 'credentials']) {
		for (const entry of rootPkg.n8n?.[kind] ?? []) {
			const vendor = vendorOf(entry);
			if (!vendor) throw new Error(`package.json n8n.${kind} entry ${entry} matches no vendor prefix (${VENDORS.map((v) => v.prefix).join(', ')})`);
			split.get(vendor.key)[kind].push(entry);
		}
	}
	for (const v of VENDORS) {
		if (split.get(v.key).nodes.length === 0) throw new Error(`no node of package.json n8n.nodes belongs to ${v.title} (prefix ${v.prefix})`);
	}
	return split;
}

const REQUIRE_RE = /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
const ICON_RE = /["'`]file:([^"'`]+\.(?:svg|png))["'`]/g;

function resolveModule(fromFile, spec) {
	const base = path.resolve(path.dirname(fromFile), spec);
	for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
		if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
	}
	throw new Error(`${path.relative(ROOT, fromFile)} requires ${spec}, which is not in dist/`);
}

/**
 * Every file of `dist/` a package needs, from its n8n entries: the require() closure of the
 * entries (.js), the icons they reference and each node's codex file.
 * @returns {string[]} paths relative to the repo root (all start with `dist/`), sorted
 */
export function distClosure(entries) {
	const seen = new Set();
	const assets = new Set();
	const stack = entries.map((e) => path.join(ROOT, e));
	for (const entry of stack) {
		if (!fs.existsSync(entry)) throw new Error(`${path.relative(ROOT, entry)} does not exist: run \`npm run build\` first`);
	}
	while (stack.length) {
		const file = stack.pop();
		if (seen.has(file)) continue;
		seen.add(file);
		const code = fs.readFileSync(file, 'utf8');
		for (const match of code.matchAll(REQUIRE_RE)) stack.push(resolveModule(file, match[1]));
		for (const match of code.matchAll(ICON_RE)) {
			const icon = path.resolve(path.dirname(file), match[1]);
			if (!fs.existsSync(icon)) throw new Error(`${path.relative(ROOT, file)} references the icon ${match[1]}, which is not in dist/`);
			assets.add(icon);
		}
		if (file.endsWith('.node.js')) {
			const codex = file.replace(/\.js$/, '.json');
			if (fs.existsSync(codex)) assets.add(codex);
		}
	}
	return [...seen, ...assets].map((f) => path.relative(ROOT, f)).sort();
}

/** Another vendor's files reached from this vendor's entries (should be none). */
export function foreignFiles(vendor, files) {
	const others = VENDORS.filter((v) => v.key !== vendor.key);
	return files.filter((f) =>
		others.some((o) => path.basename(f).toLowerCase().startsWith(o.prefix.toLowerCase()) || f.split('/').includes(o.prefix)),
	);
}

/** The source file a dist file was built from (`dist/x/y.js` -> `x/y.ts`; assets map 1:1). */
export function sourceOf(distFile) {
	const rel = distFile.replace(/^dist\//, '');
	if (rel.endsWith('.js')) return rel.replace(/\.js$/, '.ts');
	return rel;
}

// ─── README ────────────────────────────────────────────────────────────────────────────────

/** Splits markdown into sections by heading level (`## ` or `### `). */
function sections(markdown, level) {
	const marker = `${'#'.repeat(level)} `;
	const out = [];
	let current = { heading: '', lines: [] };
	let fence = false;
	for (const line of markdown.split('\n')) {
		if (/^```/.test(line)) fence = !fence;
		if (!fence && line.startsWith(marker)) {
			out.push(current);
			current = { heading: line.slice(marker.length).trim(), lines: [] };
		} else current.lines.push(line);
	}
	out.push(current);
	return out;
}

function section(list, heading, where) {
	const found = list.find((s) => s.heading === heading);
	if (!found) throw new Error(`README.md has no "${heading}" section (${where}); the vendor READMEs are generated from it`);
	return found.lines.join('\n').trim();
}

/** Keeps table rows of a markdown table whose given column contains `needle` (header kept). */
function filterTable(text, columnIndex, needle) {
	return text
		.split('\n')
		.filter((line, i, all) => {
			if (!line.startsWith('|')) return true;
			const isHeader = i + 1 < all.length && /^\|[\s:|-]+\|$/.test(all[i + 1]);
			if (isHeader || /^\|[\s:|-]+\|$/.test(line)) return true;
			const cells = line.split('|').slice(1, -1);
			return (cells[columnIndex] ?? '').includes(needle);
		})
		.join('\n');
}

/** Keeps the top-level `- ` bullets (with their continuation lines) that match `re`. */
function filterBullets(text, re) {
	const out = [];
	let keep = true;
	for (const line of text.split('\n')) {
		if (line.startsWith('- ')) keep = re.test(line);
		else if (!line.startsWith(' ') && line.trim() !== '') keep = true;
		if (keep) out.push(line);
	}
	return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/**
 * The README of a one-vendor package, generated from the main README: the vendor's sections of
 * "Nodes and operations", the shared "Batching, retries and errors" part, the vendor's rows of the
 * credentials table and its "Where the values come from" bullets.
 */
export function vendorReadme(vendor, pkg, markdown = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')) {
	const top = sections(markdown, 2);
	const nodesSection = section(top, 'Nodes and operations', '## level');
	const sub = sections(nodesSection, 3);
	const vendorSubs = sub.filter((s) => s.heading.startsWith(vendor.readmeHeading));
	if (vendorSubs.length === 0) throw new Error(`README.md "Nodes and operations" has no "### ${vendor.readmeHeading}…" section`);
	const batching = sub.find((s) => /^Batching/.test(s.heading));
	if (!batching) throw new Error('README.md "Nodes and operations" has no "### Batching…" section');
	const nodesTable = filterTable(sub[0].lines.join('\n').trim(), 0, vendor.readmeHeading);
	const credentials = section(top, 'Credentials', '## level');
	const [credTable, ...credRest] = credentials.split(/\n(?=Where the values come from)/);
	const credText = [filterTable(credTable.trim(), 1, vendor.readmeHeading), filterBullets(credRest.join('\n').trim(), vendor.readmeCredential)]
		.filter(Boolean)
		.join('\n\n');
	const parts = [
		`# ${pkg.name}`,
		pkg.description,
		`This is the ${vendor.title} part of [n8n-nodes-cloud-batch](${pkg.homepage}), published on its own so that it can be ` +
			'verified by n8n (one service per package). It is built from the same source; the combined package ' +
			'`n8n-nodes-cloud-batch` contains the same node together with the other vendors\' nodes. Install one or the ' +
			'other in an n8n, not both: they define the same credential types and would show the node twice. Workflows ' +
			'moving between them need the node type changed (`n8n-nodes-cloud-batch.<node>` vs `' + pkg.name + '.<node>`).',
		'## Install',
		`In n8n: *Settings > Community Nodes > Install*, package name \`${pkg.name}\`. The package has no runtime dependencies ` +
			'(signing uses `node:crypto`).',
		'## Usage',
		`1. Create the credential (see [Credentials](#credentials)). 2. Add the **${vendor.title}** node after any node ` +
			'that outputs your items (ids in a field, read with an expression such as `{{ $json.id }}`), pick the ' +
			'resource and operation. 3. Run: the node groups the items into as few API requests as the API allows, ' +
			'and returns one result per item, linked to it (`pairedItem`). With the node setting *On Error* = ' +
			'*Continue (using error output)*, items the service rejects go to the second output. A complete example ' +
			`workflow: [examples/${vendor.example}](${pkg.homepage}/blob/main/examples/${vendor.example}).`,
		'## Nodes and operations',
		nodesTable,
		...vendorSubs.map((s) => `### ${s.heading}\n\n${s.lines.join('\n').trim()}`),
		`### ${batching.heading}\n\n${batching.lines.join('\n').trim()}`,
		'## Credentials',
		credText,
		'## License',
		'MIT, see LICENSE.',
		`_Generated from the README of ${pkg.homepage} by \`npm run pack:vendors\`._`,
	];
	return parts.join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

// ─── package.json ──────────────────────────────────────────────────────────────────────────

/** package.json of a one-vendor package (n8n section: only its nodes and credentials). */
export function vendorPackageJson(vendor, rootPkg, entries) {
	return {
		name: vendor.name,
		version: rootPkg.version,
		description: vendor.description,
		keywords: ['n8n-community-node-package', 'n8n', ...vendor.keywords],
		license: rootPkg.license,
		homepage: rootPkg.homepage,
		author: rootPkg.author,
		repository: rootPkg.repository,
		engines: rootPkg.engines,
		files: ['dist'],
		n8n: {
			n8nNodesApiVersion: rootPkg.n8n.n8nNodesApiVersion,
			strict: true,
			credentials: entries.credentials,
			nodes: entries.nodes,
		},
		peerDependencies: { 'n8n-workflow': '*' },
	};
}

/** package.json of the combined package as published: the repo's, without scripts and devDependencies. */
export function combinedPackageJson(rootPkg) {
	const pkg = { ...rootPkg };
	for (const key of ['scripts', 'devDependencies', 'main']) delete pkg[key];
	return pkg;
}
