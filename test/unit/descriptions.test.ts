/**
 * What the editor shows: canvas subtitles, codex aliases and categories (node search), docs links,
 * per-service placeholders, region dropdowns and plain-text tooltips.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INode, INodeProperties, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { AlibabaPdsAccessKeyApi } from '../../credentials/AlibabaPdsAccessKeyApi.credentials';
import { AlibabaPdsJwtAppApi } from '../../credentials/AlibabaPdsJwtAppApi.credentials';
import { HuaweiCloudAkSkApi } from '../../credentials/HuaweiCloudAkSkApi.credentials';
import { HuaweiCloudIamApi } from '../../credentials/HuaweiCloudIamApi.credentials';
import { Wps365Api } from '../../credentials/Wps365Api.credentials';
import { CUSTOM_REGION, huaweiRegionOf } from '../../credentials/common/huaweiCloud';
import { AlibabaPds } from '../../nodes/AlibabaPds/AlibabaPds.node';
import { HuaweiCloud } from '../../nodes/HuaweiCloud/HuaweiCloud.node';
import { Wps365 } from '../../nodes/Wps365/Wps365.node';
import { AlibabaPdsTrigger } from '../../nodes/AlibabaPdsTrigger/AlibabaPdsTrigger.node';
import { HuaweiCloudTrigger } from '../../nodes/HuaweiCloudTrigger/HuaweiCloudTrigger.node';
import { Wps365Trigger } from '../../nodes/Wps365Trigger/Wps365Trigger.node';

const ROOT = join(__dirname, '..', '..');
const nodes: Array<[string, INodeType]> = [
	['HuaweiCloud', new HuaweiCloud()],
	['AlibabaPds', new AlibabaPds()],
	['Wps365', new Wps365()],
];
const credentials: ICredentialType[] = [
	new HuaweiCloudIamApi(),
	new HuaweiCloudAkSkApi(),
	new AlibabaPdsJwtAppApi(),
	new AlibabaPdsAccessKeyApi(),
	new Wps365Api(),
];

/** The canvas subtitle as the editor computes it (the subtitle expression on the node's parameters). */
function subtitle(nodeType: INodeType, parameters: Record<string, unknown>, typeVersion?: number): string {
	const version = typeVersion ?? (Array.isArray(nodeType.description.version) ? Math.max(...nodeType.description.version) : nodeType.description.version);
	const node: INode = {
		id: '1',
		name: 'n',
		type: 'x.node',
		typeVersion: version,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType as INodeType | IVersionedNodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return String(workflow.expression.getSimpleParameterValue(node, nodeType.description.subtitle!, 'internal', {}));
}

/** Every resource/operation pair with the operation's action text. */
function operations(nodeType: INodeType): Array<{ resource: string; operation: string; action: string; version?: unknown }> {
	const out: Array<{ resource: string; operation: string; action: string; version?: unknown }> = [];
	for (const p of nodeType.description.properties) {
		if (p.name !== 'operation') continue;
		for (const resource of (p.displayOptions?.show?.resource as string[]) ?? []) {
			for (const o of p.options ?? []) {
				const option = o as { value: string; action: string };
				out.push({ resource, operation: option.value, action: option.action, version: p.displayOptions?.show?.['@version'] });
			}
		}
	}
	return out;
}

describe('canvas subtitles read like the operation', () => {
	it.each(nodes)('%s: every operation shows its action text', (_name, nodeType) => {
		const ops = operations(nodeType);
		expect(ops.length).toBeGreaterThan(0);
		for (const { resource, operation, action, version } of ops) {
			const typeVersion = Array.isArray(version) && version[0] === 1 ? 1 : undefined;
			expect(subtitle(nodeType, { resource, operation }, typeVersion)).toBe(action);
		}
	});

	it('examples of what the canvas shows', () => {
		const huawei = new HuaweiCloud();
		expect(subtitle(huawei, { resource: 'serviceTicketAttachment', operation: 'getDownloadLinks' })).toBe('Get attachment download links');
		expect(subtitle(huawei, { resource: 'auditLog', operation: 'getDownloadLinks' })).toBe('Get audit log download links');
		expect(subtitle(huawei, { resource: 'digitalAsset', operation: 'moveToRecycleBin' })).toBe('Move digital assets to the recycle bin');
		expect(subtitle(new AlibabaPds(), { resource: 'file', operation: 'trash' })).toBe('Move a file to the recycle bin');
		expect(subtitle(new Wps365(), { resource: 'file', operation: 'getMetadata' })).toBe('Get file metadata');
	});
});

describe('codex: found by search, filed in categories', () => {
	const codex = (name: string) =>
		JSON.parse(readFileSync(join(ROOT, 'nodes', name, `${name}.node.json`), 'utf8')) as {
			alias: string[];
			categories: string[];
			resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation: Array<{ url: string }> };
		};
	const searchable = (name: string) => [...codex(name).alias, nodes.find(([n]) => n === name)![1].description.displayName].join(' | ').toLowerCase();

	it('the terms users searched for find the nodes', () => {
		for (const term of ['batch', 'metastudio', 'taurusdb', 'osm']) expect(searchable('HuaweiCloud')).toContain(term);
		for (const term of ['batch', 'pds', 'aliyun', 'drive and photo']) expect(searchable('AlibabaPds')).toContain(term);
		for (const term of ['batch', 'kingsoft', 'wps']) expect(searchable('Wps365')).toContain(term);
	});

	it.each(nodes)('%s has categories and a docs link to its own README section', (name) => {
		const { categories, resources } = codex(name);
		expect(categories.length).toBeGreaterThan(0);
		const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
		const url = resources.primaryDocumentation[0].url;
		const anchor = url.split('#')[1];
		const headings = [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
			m[1].trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'),
		);
		expect(headings).toContain(anchor);
		for (const doc of resources.credentialDocumentation) expect(doc.url).not.toMatch(/\/zh\/|zh-cn/);
	});

	it('the three nodes link different pages', () => {
		const urls = nodes.map(([name]) => codex(name).resources.primaryDocumentation[0].url);
		expect(new Set(urls).size).toBe(3);
	});

	it('credentials link English vendor pages where one exists (WPS documents in Chinese only)', () => {
		for (const credential of credentials) {
			const url = String(credential.documentationUrl);
			expect(url).toMatch(/^https:\/\//);
			expect(url).not.toMatch(/help\.aliyun\.com\/zh|\/zh-cn\//);
			if (credential.name.startsWith('alibabaPds')) expect(url).toContain('alibabacloud.com/help/en/pds/');
			if (credential.name.startsWith('huawei')) expect(url).toContain('/intl/en-us/');
		}
	});
});

describe('fields', () => {
	const allProperties = (props: INodeProperties[]): INodeProperties[] =>
		props.flatMap((p) => [p, ...allProperties(((p.options ?? []) as INodeProperties[]).filter((o) => 'type' in o))]);

	it('no literal backticks or markdown in tooltips', () => {
		for (const [, nodeType] of nodes) {
			for (const p of allProperties(nodeType.description.properties)) {
				expect(`${p.displayName}: ${p.description ?? ''} ${p.hint ?? ''}`).not.toContain('`');
			}
		}
		for (const credential of credentials) {
			for (const p of credential.properties) expect(`${p.description ?? ''}`).not.toContain('`');
		}
	});

	it('the Endpoint URL placeholder is the host of the service the operation calls', () => {
		const huawei = new HuaweiCloud().description.properties;
		const placeholderFor = (resource: string) => {
			const options = huawei.find(
				(p) => p.name === 'options' && (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource),
			);
			return ((options?.options ?? []) as INodeProperties[]).find((o) => o.name === 'endpoint')?.placeholder;
		};
		expect(placeholderFor('serviceTicketAttachment')).toMatch(/^https:\/\/osm\./);
		expect(placeholderFor('digitalAsset')).toMatch(/^https:\/\/metastudio\./);
		expect(placeholderFor('auditLog')).toMatch(/^https:\/\/gaussdb/);
	});

	it('no jargon of the batch API in the PDS panel', () => {
		const text = JSON.stringify(new AlibabaPds().description.properties.map((p) => [p.displayName, p.description, p.options]));
		expect(text).not.toMatch(/child url|child request/i);
		expect(new Wps365().description.description).not.toMatch(/WPS-4|KSO-1/);
	});

	it('Huawei credentials pick the region from a list, with Other revealing a text field', () => {
		for (const credential of [new HuaweiCloudIamApi(), new HuaweiCloudAkSkApi()]) {
			const region = credential.properties.find((p) => p.name === 'region')!;
			expect(region.type).toBe('options');
			expect(region.default).toBe('cn-north-4');
			const values = (region.options ?? []).map((o) => (o as { value: string }).value);
			expect(values).toEqual(expect.arrayContaining(['cn-north-4', 'ap-southeast-3', 'af-south-1', CUSTOM_REGION]));
			expect(values[values.length - 1]).toBe(CUSTOM_REGION);
			const custom = credential.properties.find((p) => p.name === 'customRegion')!;
			expect(custom.displayOptions?.show?.region).toEqual([CUSTOM_REGION]);
		}
		expect(huaweiRegionOf({ region: 'ap-southeast-3' })).toBe('ap-southeast-3');
		expect(huaweiRegionOf({ region: CUSTOM_REGION, customRegion: ' cn-north-7 ' })).toBe('cn-north-7');
		// saved credentials typed any region id into the old text field: still used as is
		expect(huaweiRegionOf({ region: 'eu-west-0' })).toBe('eu-west-0');
	});

	it('fields appear where they apply: Action only in MetaStudio version 1', () => {
		const v2 = NodeHelpers.getNodeParameters(
			new HuaweiCloud().description.properties,
			{ resource: 'digitalAsset', operation: 'share' },
			true,
			false,
			{ typeVersion: 2 } as INode,
			new HuaweiCloud().description,
		);
		expect(v2).not.toHaveProperty('action');
		const v1 = NodeHelpers.getNodeParameters(
			new HuaweiCloud().description.properties,
			{ resource: 'digitalAsset', operation: 'batchAction' },
			true,
			false,
			{ typeVersion: 1 } as INode,
			new HuaweiCloud().description,
		);
		expect(v1).toHaveProperty('action', 'UNACTIVE');
	});

	it('the Huawei trigger subtitle shows the instance id, picked from the list, typed, or saved as a plain string', () => {
		const trigger = new HuaweiCloudTrigger();
		const id = '669a94abef9f4979b2dfba92f48f4042in07';
		expect(subtitle(trigger, { instanceId: { __rl: true, mode: 'list', value: id, cachedResultName: 'taurus-orders' } })).toBe(`New audit log file: ${id}`);
		expect(subtitle(trigger, { instanceId: { __rl: true, mode: 'id', value: id } })).toBe(`New audit log file: ${id}`);
		expect(subtitle(trigger, { instanceId: id })).toBe(`New audit log file: ${id}`);
	});

	it('Concurrent Requests only where requests can run side by side (not the PDS trigger: one search, page after page)', () => {
		const optionNames = (nodeType: INodeType) =>
			((nodeType.description.properties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[]).map((o) => o.name);
		expect(optionNames(new AlibabaPdsTrigger())).not.toContain('concurrency');
		expect(optionNames(new HuaweiCloudTrigger())).toContain('concurrency'); // downloads of new files
		expect(optionNames(new Wps365Trigger())).toContain('concurrency'); // calls of 1024 watched ids
	});
});
