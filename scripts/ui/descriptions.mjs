/**
 * What the editor should show, derived from the BUILT node and credential descriptions (dist/), so
 * the browser test follows the nodes: a renamed field or a new operation changes the expectation,
 * a panel that fails to render does not pass.
 *
 *   loadPackage(root)          -> { nodes: [{ name, type, displayName, version, description, ops }],
 *                                   credentials: [{ name, displayName, properties }] }
 *   visibleProperties(props, values, version) -> the properties n8n shows for these parameter values
 *
 * `ops` lists every resource > operation of the node's default (newest) version, each with the
 * parameters that select it and the display names of the fields its panel shows by default.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** n8n's displayOptions conditions (`_cnd`), as in n8n-workflow's NodeHelpers. */
function matchesCondition(value, condition) {
	const [op, target] = Object.entries(condition)[0];
	switch (op) {
		case 'eq':
			return value === target;
		case 'not':
			return value !== target;
		case 'gte':
			return value >= target;
		case 'lte':
			return value <= target;
		case 'gt':
			return value > target;
		case 'lt':
			return value < target;
		case 'between':
			return value >= target.from && value <= target.to;
		case 'startsWith':
			return String(value).startsWith(target);
		case 'endsWith':
			return String(value).endsWith(target);
		case 'includes':
			return String(value).includes(target);
		case 'regex':
			return new RegExp(target).test(String(value));
		case 'exists':
			return value !== undefined && value !== null && value !== '';
		default:
			throw new Error(`displayOptions condition ${op} is not known to the UI test`);
	}
}

function matchesAny(value, wanted) {
	const values = Array.isArray(value) ? value : [value];
	return wanted.some((w) =>
		w && typeof w === 'object' && '_cnd' in w ? values.some((v) => matchesCondition(v, w._cnd)) : values.includes(w),
	);
}

function lookup(values, key, version) {
	if (key === '@version') return version;
	return values[key.replace(/^\//, '')];
}

export function isVisible(property, values, version) {
	const { show, hide } = property.displayOptions ?? {};
	for (const [key, wanted] of Object.entries(show ?? {})) {
		if (!matchesAny(lookup(values, key, version), wanted)) return false;
	}
	for (const [key, wanted] of Object.entries(hide ?? {})) {
		if (matchesAny(lookup(values, key, version), wanted)) return false;
	}
	return true;
}

/**
 * Properties shown for `chosen` parameter values (others at their defaults). Repeated until
 * stable: the default of a property only counts while it is shown.
 */
export function visibleProperties(properties, chosen, version) {
	let visible = [];
	for (let round = 0; round < 5; round++) {
		const values = {};
		for (const p of visible.length ? visible : properties) if (!(p.name in values)) values[p.name] = p.default;
		Object.assign(values, chosen);
		const next = properties.filter((p) => isVisible(p, values, version));
		if (next.length === visible.length && next.every((p, i) => p === visible[i])) break;
		visible = next;
	}
	return visible;
}

/** Display names the panel shows as field labels (notices and hidden fields have none). */
export function fieldLabels(properties) {
	return properties.filter((p) => !['hidden', 'notice', 'callout'].includes(p.type)).map((p) => p.displayName);
}

function exportedClass(module, file) {
	const base = path.basename(file).replace(/\.(node|credentials)\.js$/, '');
	const Class = module[base] ?? Object.values(module).find((v) => typeof v === 'function');
	if (!Class) throw new Error(`${file} exports no class`);
	return new Class();
}

function nodeDescription(instance) {
	if (instance.nodeVersions) {
		const version = instance.currentVersion ?? instance.description?.defaultVersion;
		const versioned = instance.nodeVersions[version];
		return { ...instance.description, ...versioned.description, version };
	}
	const { version } = instance.description;
	return { ...instance.description, version: Array.isArray(version) ? Math.max(...version) : version };
}

function optionValues(property) {
	return (property?.options ?? []).map((o) => ({ value: o.value, name: o.name }));
}

/**
 * The field that picks between credential types (its values appear in the credentials'
 * displayOptions). The editor (n8n-editor-ui's getMainAuthField) folds it into "Credential to
 * connect with", so the panel shows no field for it.
 */
export function mainAuthenticationField(description) {
	const keys = new Set((description.credentials ?? []).flatMap((c) => Object.keys(c.displayOptions?.show ?? {})));
	const candidates = description.properties.filter((p) => keys.has(p.name) && p.type === 'options');
	return (candidates.find((p) => p.name === 'authentication') ?? candidates[0])?.name;
}

/** Every resource > operation of a node description, with the fields its panel shows. */
export function operationsOf(description) {
	const props = description.properties;
	const version = description.version;
	const resourceProp = props.find((p) => p.name === 'resource' && p.type === 'options');
	const resources = resourceProp ? optionValues(resourceProp) : [{ value: undefined, name: '' }];
	const mainAuthField = mainAuthenticationField(description);
	const ops = [];
	for (const resource of resources) {
		const base = resource.value === undefined ? {} : { resource: resource.value };
		// trigger nodes pick an event instead of an operation
		const selector = props.some((p) => p.name === 'operation') ? 'operation' : props.some((p) => p.name === 'event' && p.type === 'options') ? 'event' : 'operation';
		const operationProps = visibleProperties(props, base, version).filter((p) => p.name === selector && p.type === 'options');
		const operations = operationProps.length ? optionValues(operationProps[0]) : [{ value: undefined, name: '' }];
		for (const operation of operations) {
			const parameters = operation.value === undefined ? base : { ...base, [selector]: operation.value };
			// n8n shows the node's main authentication field inside the credential selector, not as a field
			const shown = visibleProperties(props, parameters, version).filter((p) => p.name !== mainAuthField);
			ops.push({
				resource: resource.value,
				resourceName: resource.name,
				operation: operation.value,
				operationName: operation.name,
				parameters,
				// n8n puts its "Poll Times" field first in every polling node (NodeHelpers.applySpecialNodeParameters)
				fields: [...(description.polling ? ['Poll Times'] : []), ...fieldLabels(shown)],
				properties: shown,
			});
		}
	}
	return ops;
}

/** Loads the built package as n8n would: package.json `n8n.nodes` and `n8n.credentials`. */
export function loadPackage(root) {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const require = createRequire(path.join(root, 'package.json'));
	const nodes = pkg.n8n.nodes.map((file) => {
		const instance = exportedClass(require(path.join(root, file)), file);
		const description = nodeDescription(instance);
		return {
			name: description.name,
			type: `${pkg.name}.${description.name}`,
			displayName: description.displayName,
			version: description.version,
			description,
			ops: operationsOf(description),
		};
	});
	const credentials = pkg.n8n.credentials.map((file) => {
		const instance = exportedClass(require(path.join(root, file)), file);
		return { name: instance.name, displayName: instance.displayName, properties: instance.properties, extends: instance.extends };
	});
	return { packageName: pkg.name, nodes, credentials };
}

/**
 * Pickers of an operation's panel: resource locators with a list mode, and options/multiOptions
 * filled by a loadOptions method. They must list emulator data once a credential is selected.
 */
export function pickersOf(op) {
	const pickers = [];
	for (const p of op.properties) {
		if (p.type === 'resourceLocator') {
			const list = (p.modes ?? []).find((m) => m.type === 'list' || m.typeOptions?.searchListMethod);
			if (list) pickers.push({ kind: 'resourceLocator', name: p.name, displayName: p.displayName, mode: list.name, method: list.typeOptions?.searchListMethod });
		} else if ((p.type === 'options' || p.type === 'multiOptions') && (p.typeOptions?.loadOptionsMethod || p.typeOptions?.loadOptions)) {
			pickers.push({ kind: 'loadOptions', name: p.name, displayName: p.displayName, method: p.typeOptions.loadOptionsMethod });
		}
	}
	return pickers;
}
