/**
 * Calls a node's `methods.listSearch` function the way the n8n editor does (the CLI's
 * DynamicNodeParametersService): n8n-core's LoadOptionsContext on a one-node workflow, the
 * parameters as the editor currently holds them in `additionalData.currentNodeParameters`, and
 * credentials served by the harness's credentials helper (so real signing and token fetching).
 */
import type {
	ICredentialType,
	INode,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	IWorkflowBase,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { LoadOptionsContext } from 'n8n-core';

import type { CredentialInput } from './credentialsHelper';
import { CredentialStore, CredentialTypeRegistry, HarnessCredentialsHelper } from './credentialsHelper';
import { createAdditionalData, defaultTypeVersion, describeNodeType, initN8nCore, PACKAGE_NAME } from './inProcess';

export interface ListSearchOptions {
	nodeType: INodeType | IVersionedNodeType;
	method: string;
	/** The node's parameters as the editor holds them. */
	parameters: INodeParameters;
	credentials: Record<string, CredentialInput>;
	credentialTypes: ICredentialType[];
	/** Reuse a store (e.g. to keep a fetched token). */
	credentialStore?: CredentialStore;
	filter?: string;
	paginationToken?: string;
	typeVersion?: number;
}

let counter = 0;

export async function runListSearch(
	options: ListSearchOptions,
): Promise<INodeListSearchResult & { credentialStore: CredentialStore }> {
	await initN8nCore();
	const description = describeNodeType(options.nodeType);
	const typeName = `${PACKAGE_NAME}.${description.name}`;
	const typeVersion = options.typeVersion ?? defaultTypeVersion(options.nodeType);
	const store = options.credentialStore ?? new CredentialStore();
	const credentials: INode['credentials'] = {};
	for (const [type, input] of Object.entries(options.credentials)) {
		if (!store.has(type)) store.add(type, input);
		credentials[type] = store.detailsFor(type)!;
	}
	const node: INode = {
		id: 'picker-node',
		name: description.defaults?.name ?? description.displayName,
		type: typeName,
		typeVersion,
		position: [0, 0],
		parameters: options.parameters,
		credentials,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => options.nodeType,
		getByNameAndVersion: (_type: string, version?: number) => NodeHelpers.getVersionedNodeType(options.nodeType, version),
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: 'picker-workflow',
		name: 'Picker',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [node],
		connections: {},
	};
	const helper = new HarnessCredentialsHelper(new CredentialTypeRegistry(options.credentialTypes), store);
	const additionalData = createAdditionalData(helper, `picker-${++counter}`, workflowData, 'internal');
	additionalData.currentNodeParameters = options.parameters;
	const context = new LoadOptionsContext(workflow, node, additionalData, '');
	const nodeType = NodeHelpers.getVersionedNodeType(options.nodeType, typeVersion);
	const method = nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new Error(`The node has no listSearch method "${options.method}"`);
	const result = await method.call(context, options.filter, options.paginationToken);
	return { ...result, credentialStore: store };
}
