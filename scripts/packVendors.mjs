/**
 * `npm run pack:vendors` (after `npm run build`): builds the publishable packages into packages-out/
 * (ignored by git):
 *
 *   packages-out/n8n-nodes-huawei-cloud-batch/   package.json, README.md, LICENSE, dist/
 *   packages-out/n8n-nodes-alibaba-cloud-pds/
 *   packages-out/n8n-nodes-wps365/
 *   packages-out/n8n-nodes-cloud-batch/          the combined package (all three vendors)
 *   packages-out/<name>-<version>.tgz             `npm pack` of each (what `npm publish` uploads)
 *   packages-out/.source/<name>/                  the package's sources (package.json + the .ts files
 *                                                 its dist/ is compiled from) for the scanner's source
 *                                                 leg and `n8n-node lint`
 *   packages-out/manifest.json                    what went where
 *
 * Each dist/ is the compiled output of the one source tree (`npm run build`), reduced to the files
 * the package's nodes and credentials reach (shared engine compiled in, no import across packages).
 * Fails if a vendor package reaches another vendor's file.
 *
 * `--write-manifests` also (re)writes the committed vendors/<name>/package.json files (and their
 * `nodes` / `credentials` symlinks) from the generated ones; without it they are compared and a
 * difference is reported (exit 1 with --check-manifests, which `npm run test:packages` uses).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
	OUT_DIR,
	ROOT,
	VENDOR_MANIFEST_DIR,
	SOURCE_STAGE_DIR,
	VENDORS,
	combinedPackageJson,
	distClosure,
	foreignFiles,
	readRootPackage,
	sourceOf,
	splitEntries,
	vendorPackageJson,
	vendorReadme,
} from './lib/vendors.mjs';

const ESLINT_TEMPLATE = path.join(ROOT, 'node_modules', '@n8n', 'node-cli', 'dist', 'template', 'templates', 'shared', 'default', 'eslint.config.mjs');

function writeJson(file, value) {
	fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

function copyInto(files, fromRoot, toRoot, mapName = (f) => f) {
	for (const file of files) {
		const target = path.join(toRoot, mapName(file));
		fs.mkdirSync(path.dirname(target), { recursive: true });
		fs.copyFileSync(path.join(fromRoot, file), target);
	}
}

function stageSources(pkg, distFiles) {
	const dir = path.join(SOURCE_STAGE_DIR, pkg.name);
	fs.mkdirSync(dir, { recursive: true });
	const sources = distFiles.map(sourceOf);
	for (const s of sources) {
		if (!fs.existsSync(path.join(ROOT, s))) throw new Error(`source ${s} of a dist file does not exist`);
	}
	copyInto(sources, ROOT, dir);
	// `n8n-node lint` in strict mode requires the template config, byte for byte (whitespace aside).
	fs.copyFileSync(ESLINT_TEMPLATE, path.join(dir, 'eslint.config.mjs'));
	writeJson(path.join(dir, 'package.json'), { ...pkg, n8n: { ...pkg.n8n, strict: true } });
	// eslint, its plugins and n8n-workflow (types) resolve from the project's node_modules
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	return sources;
}

function npmPack(dir) {
	const res = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', OUT_DIR], { cwd: dir, encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`npm pack in ${dir} failed:\n${res.stderr}`);
	const [info] = JSON.parse(res.stdout);
	return { tarball: info.filename, files: info.files.map((f) => f.path), size: info.size, unpackedSize: info.unpackedSize };
}

function build(pkg, entries, readme) {
	const dir = path.join(OUT_DIR, pkg.name);
	const distFiles = distClosure([...entries.nodes, ...entries.credentials]);
	copyInto(distFiles, ROOT, dir);
	writeJson(path.join(dir, 'package.json'), pkg);
	fs.writeFileSync(path.join(dir, 'README.md'), readme);
	fs.copyFileSync(path.join(ROOT, 'LICENSE'), path.join(dir, 'LICENSE'));
	const sources = stageSources(pkg, distFiles);
	const packed = npmPack(dir);
	return { name: pkg.name, dir: path.relative(ROOT, dir), nodes: entries.nodes, credentials: entries.credentials, distFiles: distFiles.length, sources, ...packed };
}

const started = Date.now();
const rootPkg = readRootPackage();
if (!fs.existsSync(path.join(ROOT, 'LICENSE'))) throw new Error('LICENSE is missing at the repo root');
fs.rmSync(OUT_DIR, { recursive: true, force: true });
fs.mkdirSync(OUT_DIR, { recursive: true });

const split = splitEntries(rootPkg);
const manifest = [];
for (const vendor of VENDORS) {
	const entries = split.get(vendor.key);
	const pkg = vendorPackageJson(vendor, rootPkg, entries);
	const closure = distClosure([...entries.nodes, ...entries.credentials]);
	const foreign = foreignFiles(vendor, closure);
	if (foreign.length) throw new Error(`${pkg.name} would ship other vendors' files: ${foreign.join(', ')}`);
	manifest.push(build(pkg, entries, vendorReadme(vendor, pkg)));
}
const combined = combinedPackageJson(rootPkg);
manifest.push(
	build(combined, { nodes: rootPkg.n8n.nodes, credentials: rootPkg.n8n.credentials }, fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')),
);
writeJson(path.join(OUT_DIR, 'manifest.json'), manifest);

// committed vendors/<name>/: what n8n's scanner finds in the attested source commit. The package.json
// plus symlinks to the vendor's own source folders/files (first two path segments of every source
// its dist/ is built from: nodes/<Node>, nodes/shared, credentials/<Cred>.credentials.ts,
// credentials/common, credentials/icons), so the scanner lints exactly this vendor's sources.
const writeManifests = process.argv.includes('--write-manifests');
const stale = [];
const linksIn = (dir) => {
	const out = [];
	const walk = (d) => {
		if (!fs.existsSync(d)) return;
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const full = path.join(d, e.name);
			if (e.isSymbolicLink()) out.push(`${path.relative(dir, full)} -> ${fs.readlinkSync(full)}`);
			else if (e.isDirectory()) walk(full);
		}
	};
	walk(dir);
	return out.sort();
};
for (const vendor of VENDORS) {
	const dir = path.join(VENDOR_MANIFEST_DIR, vendor.name);
	const built = manifest.find((m) => m.name === vendor.name);
	const generated = fs.readFileSync(path.join(OUT_DIR, vendor.name, 'package.json'), 'utf8');
	const links = [...new Set(built.sources.map((s) => s.split('/').slice(0, 2).join('/')))].sort();
	const target = (l) => path.relative(path.dirname(path.join(dir, l)), path.join(ROOT, l));
	const wanted = links.map((l) => `${l} -> ${target(l)}`).sort();
	const file = path.join(dir, 'package.json');
	const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
	if (writeManifests) {
		for (const e of fs.existsSync(dir) ? fs.readdirSync(dir) : []) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(file, generated);
		for (const l of links) {
			const at = path.join(dir, l);
			fs.mkdirSync(path.dirname(at), { recursive: true });
			fs.symlinkSync(target(l), at);
		}
	} else if (committed !== generated || JSON.stringify(linksIn(dir)) !== JSON.stringify(wanted)) stale.push(path.relative(ROOT, dir));
}
if (stale.length) {
	const message = `out of date (package.json n8n entries, metadata or the sources they reach changed): ${stale.join(', ')}; run \`node scripts/packVendors.mjs --write-manifests\` and commit vendors/`;
	if (process.argv.includes('--check-manifests')) {
		console.error(`FAIL ${message}`);
		process.exit(1);
	}
	console.warn(`warning: ${message}`);
}

for (const m of manifest) {
	m.sources = m.sources.length;
	console.log(
		`${m.name.padEnd(30)} ${String(m.nodes.length).padStart(2)} node(s) ${String(m.credentials.length).padStart(2)} credential(s) ` +
			`${String(m.distFiles).padStart(3)} dist files  ${m.tarball} (${(m.size / 1024).toFixed(1)} kB)`,
	);
}
console.log(`packed ${manifest.length} packages into ${path.relative(ROOT, OUT_DIR)}/ in ${Date.now() - started} ms`);
