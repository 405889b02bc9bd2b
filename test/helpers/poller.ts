/**
 * Runs a polling trigger's `poll()` in-process with n8n-core's own `PollContext` (the context n8n
 * 2.8.4 gives pollers), against one long-lived `Workflow` object, as n8n's ActiveWorkflows does:
 * the node's static data lives on that object from poll to poll. Credentials come from the
 * harness's CredentialsHelper, so 401 renewal (preAuthentication) and saved tokens behave as in n8n.
 *
 *   const poller = createPoller({ nodeType: new Wps365Trigger(), parameters, credentials, credentialTypes });
 *   const first = await poller.poll();            // mode 'trigger' (an active workflow's poll)
 *   const sample = await poller.poll('manual');   // "Fetch Test Event"
 *   poller.staticData                             // getWorkflowStaticData('node') of the trigger
 */
import './n8nEnv';

import type {
	ICredentialType,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { PollContext } from 'n8n-core';

import type { CredentialInput } from './credentialsHelper';
import { CredentialStore, CredentialTypeRegistry, HarnessCredentialsHelper } from './credentialsHelper';
import { createAdditionalData, initN8nCore, PACKAGE_NAME } from './inProcess';

export interface PollerOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials?: Record<string, CredentialInput>;
	credentialTypes?: ICredentialType[];
	credentialStore?: CredentialStore;
	/** Workflow time zone (default UTC). */
	timezone?: string;
}

export interface Poller {
	poll(mode?: Extract<WorkflowExecuteMode, 'trigger' | 'manual'>): Promise<INodeExecutionData[][] | null>;
	/** The trigger node's static data (what `getWorkflowStaticData('node')` returns). */
	readonly staticData: IDataObject;
	/** A deep copy of the static data, to compare before/after a failed poll. */
	snapshot(): IDataObject;
	node: INode;
	workflow: Workflow;
	credentialStore: CredentialStore;
	/** Replaces the node's parameters (the user edited the node). */
	setParameters(parameters: INodeParameters): void;
}

let pollCounter = 0;

export function createPoller(options: PollerOptions): Poller {
	const description = NodeHelpers.getVersionedNodeType(options.nodeType).description;
	const typeName = `${PACKAGE_NAME}.${description.name}`;
	const store = options.credentialStore ?? new CredentialStore();
	const credentials: INodeCredentials = {};
	for (const [type, input] of Object.entries(options.credentials ?? {})) {
		if (!store.has(type)) store.add(type, input);
		credentials[type] = store.detailsFor(type)!;
	}
	const node: INode = {
		id: 'trigger-under-test',
		name: description.defaults?.name ?? description.displayName,
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			...options.parameters,
		},
		credentials,
	};
	const settings = { executionOrder: 'v1' as const, timezone: options.timezone ?? 'UTC' };
	const workflow = new Workflow({
		id: 'harness-poll-workflow',
		name: 'Harness poll workflow',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: {
			getByName: () => options.nodeType,
			getByNameAndVersion: () => options.nodeType,
			getKnownTypes: () => ({}),
		},
		settings,
		staticData: {},
	});
	const registry = new CredentialTypeRegistry(options.credentialTypes ?? []);
	const credentialsHelper = new HarnessCredentialsHelper(registry, store);
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? '',
		active: true,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [node],
		connections: {},
		settings,
	};

	return {
		node,
		workflow,
		credentialStore: store,
		get staticData() {
			return workflow.getStaticData('node', node);
		},
		snapshot() {
			return JSON.parse(JSON.stringify(workflow.getStaticData('node', node))) as IDataObject;
		},
		setParameters(parameters) {
			node.parameters = { pollTimes: node.parameters.pollTimes, ...parameters };
		},
		async poll(mode = 'trigger') {
			await initN8nCore();
			const additionalData = createAdditionalData(credentialsHelper, `poll-${++pollCounter}`, workflowData, mode);
			const context = new PollContext(workflow, node, additionalData, mode, mode === 'manual' ? 'manual' : 'activate');
			const result = await options.nodeType.poll!.call(context);
			return result;
		},
	};
}
