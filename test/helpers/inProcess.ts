/**
 * Runs real workflows in-process through n8n-core 2.8.1's `WorkflowExecute` (the engine inside
 * n8n 2.8.4), so node tests exercise pairedItem handling, continueOnFail / error-output routing,
 * `httpRequestWithAuthentication` (401 -> forced preAuthentication -> one retry) and binary data
 * exactly as n8n does. Credentials are served by `HarnessCredentialsHelper`, which mirrors the CLI.
 *
 * Usage:
 *   const { main, errorOutput, error, credentialStore } = await runNode({
 *     nodeType: new HuaweiCloud(),
 *     parameters: { resource: 'osm', operation: 'createCases' },
 *     items: [{ title: 'a' }, { title: 'b' }],
 *     credentials: { huaweiCloudIamApi: { data: { ... } } },
 *     credentialTypes: [new HuaweiCloudIamApi()],
 *     onError: 'continueErrorOutput',
 *   });
 */
import './n8nEnv'; // must run before n8n-core's InstanceSettings is created

import { dirname } from 'node:path';

import type {
	ExecutionError,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteData,
	INode,
	INodeCredentialTestResult,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	prepareBinaryData,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';

import {
	CredentialStore,
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	type CredentialInput,
} from './credentialsHelper';

export {
	CredentialStore,
	CredentialTypeRegistry,
	HarnessCredentialsHelper,
	isCredentialTestNode,
} from './credentialsHelper';
export type {
	CredentialInput,
	CredentialUpdate,
	PreAuthenticationCall,
	StoredCredential,
} from './credentialsHelper';
export { harnessUserFolder } from './n8nEnv';

/** Prefix n8n gives the nodes of this package (`<package name>.<description.name>`). */
export const PACKAGE_NAME = 'n8n-nodes-cloud-batch';

export const SEED_NODE_TYPE = 'n8n-nodes-harness.seed';

export const SEED_NODE_NAME = 'Seed';

export const HARNESS_WORKFLOW_ID = 'harness-workflow';

type ServiceClass<T> = abstract new (...args: any[]) => T;

/**
 * n8n-core 2.8.1 ships its own `@n8n/di` (node_modules/n8n-core/node_modules/@n8n/di 0.10.0), which
 * is NOT the top-level `@n8n/di` other devDependencies pull in. Services must be fetched from
 * n8n-core's copy, or they are separate singletons that n8n-core never sees.
 */
/**
 * `npm run test:compat` maps n8n-core/n8n-workflow to the copies inside another n8n install
 * (jest.config.js, N8N_INPROCESS_RUNTIME). Fail loudly if that mapping did not take effect, so a
 * compatibility run can never pass on the pinned devDependencies by mistake.
 */
const inProcessRuntime = process.env.N8N_INPROCESS_RUNTIME;
if (inProcessRuntime) {
	for (const name of ['n8n-core', 'n8n-workflow']) {
		const resolved = require.resolve(name);
		if (!resolved.startsWith(inProcessRuntime)) {
			throw new Error(`N8N_INPROCESS_RUNTIME=${inProcessRuntime}, but ${name} resolves to ${resolved}`);
		}
	}
}

/** Version of the n8n-core the harness runs on (the pinned devDependency, or the mapped one). */
export const N8N_CORE_VERSION: string = require(`${dirname(require.resolve('n8n-core'))}/../package.json`).version;

/** True when N8N_CORE_VERSION is lower than `version` (plain x.y.z comparison). */
export function n8nCoreOlderThan(version: string): boolean {
	const a = N8N_CORE_VERSION.split('.').map(Number);
	const b = version.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
	return false;
}

const Container = require(
	require.resolve('@n8n/di', { paths: [dirname(require.resolve('n8n-core'))] }),
).Container as { get<T>(cls: ServiceClass<T>): T };

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export type NodeTypeInput = INodeType | IVersionedNodeType;

let coreReady: Promise<void> | undefined;

/**
 * Configures n8n-core once per module registry: binary data in `default` mode (kept in memory as
 * base64, like N8N_DEFAULT_BINARY_DATA_MODE=default) unless N8N_DEFAULT_BINARY_DATA_MODE is set
 * explicitly (e.g. `filesystem`, stored under the temp N8N_USER_FOLDER).
 */
export async function initN8nCore(): Promise<void> {
	coreReady ??= (async () => {
		const config = Container.get(BinaryDataConfig);
		if (!process.env.N8N_DEFAULT_BINARY_DATA_MODE) config.mode = 'default';
		await Container.get(BinaryDataService).init();
	})();
	await coreReady;
}

/**
 * `WorkflowExecute.run` takes an options object since n8n-core 2.x and positional arguments in 1.x
 * (`run(workflow, startNode, destinationNode, pinData)`); `npm run test:compat` runs this harness on
 * both.
 */
function startWorkflowExecute(engine: WorkflowExecute, workflow: Workflow, startNode: INode | undefined) {
	const run = engine.run as unknown as (...args: unknown[]) => ReturnType<WorkflowExecute['run']>;
	return run.length > 1 ? run.call(engine, workflow, startNode) : run.call(engine, { workflow, startNode });
}

// ---------------------------------------------------------------------------------------------
// node types

class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, NodeTypeInput>();

	constructor(types: Record<string, NodeTypeInput>) {
		for (const [name, type] of Object.entries(types)) this.types.set(name, type);
	}

	getByName(nodeType: string): NodeTypeInput {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

const isNodeTypes = (value: unknown): value is INodeTypes =>
	typeof (value as INodeTypes)?.getByNameAndVersion === 'function';

/** `description` of a node type (for versioned types: of its default version). */
export function describeNodeType(nodeType: NodeTypeInput) {
	return NodeHelpers.getVersionedNodeType(nodeType).description;
}

/** Default type version: the versioned type's `defaultVersion`, else the highest declared version. */
export function defaultTypeVersion(nodeType: NodeTypeInput): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

/** Seed: a start node that outputs the given items (each paired with the single start item). */
function createSeedNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Seed',
			name: SEED_NODE_TYPE,
			group: ['input'],
			version: 1,
			description: 'Outputs the items of the test',
			defaults: { name: SEED_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute() {
			return [items];
		},
	};
}

const EXECUTION_DATA_KEYS = new Set(['json', 'binary', 'pairedItem', 'error', 'index', 'metadata']);

/** `{ json }` items stay as they are (shallow copy); anything else is wrapped as `{ json: item }`. */
export function toExecutionData(item: IDataObject | INodeExecutionData): INodeExecutionData {
	const json = (item as INodeExecutionData).json;
	if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
		let isExecutionData = true;
		for (const key in item) {
			if (!EXECUTION_DATA_KEYS.has(key)) {
				isExecutionData = false;
				break;
			}
		}
		if (isExecutionData) {
			const copy = { ...(item as INodeExecutionData) };
			copy.pairedItem ??= { item: 0 };
			return copy;
		}
	}
	return { json: item as IDataObject, pairedItem: { item: 0 } };
}

// ---------------------------------------------------------------------------------------------
// runWorkflow

let executionCounter = 0;

export interface RunWorkflowOptions {
	nodes: INode[];
	connections: IConnections;
	/** Node types by the `type` the nodes use, or a ready `INodeTypes`. */
	nodeTypes: Record<string, NodeTypeInput> | INodeTypes;
	credentialTypes?: ICredentialType[];
	/**
	 * Credentials by type name, added to the store. Nodes refer to them with
	 * `credentials: { [type]: { id, name } }`; an entry whose `id` is missing/null is filled in.
	 */
	credentials?: Record<string, CredentialInput>;
	/** Reuse a store (e.g. from an earlier run) so persisted tokens carry over. */
	credentialStore?: CredentialStore;
	/** Name of the node to start from (default: the first node without incoming main connections). */
	startNode?: string;
	settings?: IWorkflowSettings;
	mode?: WorkflowExecuteMode;
}

export interface RunWorkflowResult {
	run: IRun;
	workflow: Workflow;
	credentialStore: CredentialStore;
	additionalData: IWorkflowExecuteAdditionalData;
}

/** Adds `credentials` to `store` (types already present in a reused store keep their data). */
function seedStore(store: CredentialStore, credentials: Record<string, CredentialInput> | undefined) {
	for (const [type, input] of Object.entries(credentials ?? {})) {
		if (!store.has(type)) store.add(type, input);
	}
}

export function createAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	executionId: string,
	workflowData: IWorkflowBase,
	mode: WorkflowExecuteMode,
): IWorkflowExecuteAdditionalData {
	const notSupported = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not supported by the in-process harness`);
	};
	return {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		externalSecretsProxy: new ExternalSecretsProxy(),
		executionId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		executeWorkflow: notSupported('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notSupported('startRunnerTask'),
	} as IWorkflowExecuteAdditionalData;
}

/** Runs a workflow with n8n-core's `WorkflowExecute` (mode `manual` unless told otherwise). */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	await initN8nCore();
	const mode = options.mode ?? 'manual';
	const store = options.credentialStore ?? new CredentialStore();
	seedStore(store, options.credentials);
	for (const node of options.nodes) {
		for (const [type, details] of Object.entries(node.credentials ?? {})) {
			if (!details.id) {
				const known = store.detailsFor(type);
				if (known) (node.credentials as INodeCredentials)[type] = known;
			}
		}
	}

	const registry = new CredentialTypeRegistry(options.credentialTypes ?? []);
	const credentialsHelper = new HarnessCredentialsHelper(registry, store);
	const nodeTypes = isNodeTypes(options.nodeTypes)
		? options.nodeTypes
		: new HarnessNodeTypes(options.nodeTypes);
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: HARNESS_WORKFLOW_ID,
		name: 'Harness workflow',
		nodes: options.nodes,
		connections: options.connections,
		active: false,
		nodeTypes,
		settings,
	});

	const executionId = `harness-${++executionCounter}`;
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: HARNESS_WORKFLOW_ID,
		name: workflow.name ?? 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: options.nodes,
		connections: options.connections,
		settings,
	};
	const additionalData = createAdditionalData(credentialsHelper, executionId, workflowData, mode);

	let startNode: INode | undefined;
	if (options.startNode) {
		startNode = workflow.getNode(options.startNode) ?? undefined;
		if (!startNode) throw new UnexpectedError(`Start node "${options.startNode}" not found`);
	} else {
		startNode = options.nodes.find(
			(node) => !workflow.connectionsByDestinationNode[node.name]?.[NodeConnectionTypes.Main]?.length,
		);
	}

	const run = await startWorkflowExecute(new WorkflowExecute(additionalData, mode), workflow, startNode);
	return { run, workflow, credentialStore: store, additionalData };
}

// ---------------------------------------------------------------------------------------------
// runNode

export interface RunNodeOptions {
	/** Instance of the node class under test, e.g. `new HuaweiCloud()`. */
	nodeType: NodeTypeInput;
	parameters?: INodeParameters;
	/** What the Seed node outputs: plain json objects or full `{ json, binary?, pairedItem? }` items. */
	items?: Array<IDataObject | INodeExecutionData>;
	/** Credentials by type name: `{ huaweiCloudIamApi: { data: {...} } }`. */
	credentials?: Record<string, CredentialInput>;
	/** Instances of the credential types involved (including `extends` parents). */
	credentialTypes?: ICredentialType[];
	/** Reuse a store from an earlier run (persisted tokens are reused; `credentials` only fill gaps). */
	credentialStore?: CredentialStore;
	onError?: OnError;
	typeVersion?: number;
	/** Node name (default: `description.defaults.name`, else displayName). */
	nodeName?: string;
	/** Node `type` (default: `n8n-nodes-cloud-batch.<description.name>`). */
	typeName?: string;
	/** Extra node settings: retryOnFail, maxTries, alwaysOutputData, executeOnce, ... */
	nodeSettings?: Partial<Omit<INode, 'parameters' | 'credentials' | 'type' | 'typeVersion' | 'name'>>;
	settings?: IWorkflowSettings;
}

export interface RunNodeResult {
	/** Output 0 of the node under test. */
	main: INodeExecutionData[];
	/** Output 1 (the error output) when `onError: 'continueErrorOutput'`, else []. */
	errorOutput: INodeExecutionData[];
	/**
	 * The error the run failed with (`run.data.resultData.error`). n8n stores it as a plain-object
	 * copy (`{ ...error, message, stack }`), so check `name`/`message`/`description`, not instanceof.
	 */
	error?: ExecutionError;
	/** Error recorded on the node's task even when continueOnFail swallowed it. */
	taskError?: ExecutionError;
	/** The node's task data (undefined if the node never ran, e.g. no input items). */
	taskData?: ITaskData;
	node: INode;
	run: IRun;
	credentialStore: CredentialStore;
}

/** Runs the 2-node workflow [Seed -> node under test] and returns the node's outputs. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const description = describeNodeType(options.nodeType);
	const typeName =
		options.typeName ??
		(description.name.includes('.') ? description.name : `${PACKAGE_NAME}.${description.name}`);
	const nodeName = options.nodeName ?? description.defaults?.name ?? description.displayName;
	if (nodeName === SEED_NODE_NAME) throw new UnexpectedError(`Node name "${SEED_NODE_NAME}" is reserved`);

	const store = options.credentialStore ?? new CredentialStore();
	seedStore(store, options.credentials);
	let credentials: INodeCredentials | undefined;
	for (const type of Object.keys(options.credentials ?? {})) {
		credentials ??= {};
		credentials[type] = store.detailsFor(type)!;
	}
	if (!credentials && options.credentialStore) {
		// reused store without explicit credentials: attach every type the node declares and the store has
		for (const { name } of NodeHelpers.getVersionedNodeType(options.nodeType, options.typeVersion)
			.description.credentials ?? []) {
			const details = store.detailsFor(name);
			if (details) (credentials ??= {})[name] = details;
		}
	}

	const items = (options.items ?? []).map(toExecutionData);
	const node: INode = {
		id: 'node-under-test',
		name: nodeName,
		type: typeName,
		typeVersion: options.typeVersion ?? defaultTypeVersion(options.nodeType),
		position: [250, 0],
		parameters: { ...options.parameters },
		...options.nodeSettings,
		...(credentials ? { credentials } : {}),
		...(options.onError ? { onError: options.onError } : {}),
	};
	const seed: INode = {
		id: 'seed',
		name: SEED_NODE_NAME,
		type: SEED_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	const { run } = await runWorkflow({
		nodes: [seed, node],
		connections: {
			[SEED_NODE_NAME]: {
				[NodeConnectionTypes.Main]: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]],
			},
		},
		nodeTypes: { [SEED_NODE_TYPE]: createSeedNodeType(items), [typeName]: options.nodeType },
		credentialTypes: options.credentialTypes,
		credentialStore: store,
		startNode: SEED_NODE_NAME,
		settings: options.settings,
	});

	const taskData = run.data.resultData.runData[nodeName]?.[0];
	const outputs = taskData?.data?.[NodeConnectionTypes.Main] ?? [];
	return {
		main: outputs[0] ?? [],
		errorOutput: options.onError === 'continueErrorOutput' ? (outputs[1] ?? []) : [],
		error: run.data.resultData.error,
		taskError: taskData?.error,
		taskData,
		node,
		run,
		credentialStore: store,
	};
}

// ---------------------------------------------------------------------------------------------
// binary data

/** The stored bytes of `item.binary[propertyName]` (works for inline and filesystem modes). */
export async function readBinary(item: INodeExecutionData, propertyName = 'data'): Promise<Buffer> {
	await initN8nCore();
	const binary = item.binary?.[propertyName];
	if (!binary) {
		throw new UnexpectedError(
			`Item has no binary property "${propertyName}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
		);
	}
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** An `IBinaryData` made by n8n-core's own prepareBinaryData (for Seed items that carry files). */
export async function createBinaryData(
	data: Buffer | string,
	fileName?: string,
	mimeType?: string,
): Promise<IBinaryData> {
	await initN8nCore();
	const buffer = typeof data === 'string' ? Buffer.from(data) : data;
	return await prepareBinaryData(buffer, 'harness-seed', HARNESS_WORKFLOW_ID, fileName, mimeType);
}

// ---------------------------------------------------------------------------------------------
// credential test

export interface TestCredentialOptions {
	/** Parent types when the credential `extends` others. */
	credentialTypes?: ICredentialType[];
	/** Override the credential's own `test` (e.g. a node's `testedBy` request). */
	testRequest?: ICredentialTestRequest;
}

export interface TestCredentialResult extends INodeCredentialTestResult {
	/** Store holding the tested credential; its log shows the preAuthentication call(s). */
	credentialStore: CredentialStore;
}

const CREDENTIAL_TEST_NODE_TYPE = 'n8n-nodes-base.noOp';

/**
 * Tests a credential the way n8n 2.8.4's CredentialsTester does for a request-style `test`: defaults
 * are applied, then a temp `n8n-nodes-base.noOp` node whose single property routes `test.request` runs
 * through n8n-core's RoutingNode, so `={{$credentials.x}}` in baseURL/url are resolved, preAuthentication
 * always runs (test node), then authenticate, then the request. Failures map like the tester's code
 * (rules of type responseCode / responseSuccessBody, non-2xx -> statusText, network -> error code).
 *
 * n8n 2.8.4 quirk, reproduced here: the tester looks at `error.cause.response`, but n8n-workflow
 * 2.8.0's ExecutionBaseError declares a `cause` class field that wipes Error causes, so for request
 * failures `responseCode` rules never apply and the message is NodeApiError's (e.g. "Forbidden -
 * perhaps check your credentials?", "The service refused the connection - perhaps it is offline").
 * `responseSuccessBody` rules (2xx answers) do apply.
 */
export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<TestCredentialResult> {
	await initN8nCore();
	const store = new CredentialStore();
	const testRequest = options.testRequest ?? credentialType.test;
	if (!testRequest) {
		return { status: 'Error', message: 'No testing function found for this credential.', credentialStore: store };
	}

	const registry = new CredentialTypeRegistry([credentialType, ...(options.credentialTypes ?? [])]);
	const credentialsHelper = new HarnessCredentialsHelper(registry, store);
	const mode: WorkflowExecuteMode = 'internal';
	const details = store.add(credentialType.name, { name: `${credentialType.displayName} (test)`, data });
	const workflowData: IWorkflowBase = {
		id: HARNESS_WORKFLOW_ID,
		name: 'Credential test',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [],
		connections: {},
	};
	const additionalData = createAdditionalData(
		credentialsHelper,
		`harness-credential-test-${++executionCounter}`,
		workflowData,
		mode,
	);

	let decryptedData: ICredentialDataDecryptedObject;
	try {
		decryptedData = credentialsHelper.applyDefaultsAndOverwrites(
			additionalData,
			JSON.parse(JSON.stringify(data)) as ICredentialDataDecryptedObject,
			credentialType.name,
			mode,
		);
	} catch (error) {
		return { status: 'Error', message: String((error as Error).message), credentialStore: store };
	}
	const credentialsDecrypted = {
		id: details.id!,
		name: details.name,
		type: credentialType.name,
		data: decryptedData,
	};

	const node: INode = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: CREDENTIAL_TEST_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		credentials: { [credentialType.name]: { id: details.id, name: details.name } },
	};
	const nodeTypeCopy: INodeType = {
		description: {
			displayName: 'No Operation, do nothing',
			name: CREDENTIAL_TEST_NODE_TYPE,
			group: ['organization'],
			version: 1,
			description: 'No Operation',
			defaults: { name: 'No Operation, do nothing' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	// the Workflow constructor adds the defaults, so node.parameters becomes { temp: '' }: that is
	// how the CLI's credentials helper recognises a credential test (and always pre-authenticates)
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({ [CREDENTIAL_TEST_NODE_TYPE]: nodeTypeCopy }),
	});
	const runExecutionData = createRunExecutionData({ resultData: { runData: {} } });
	const executeData: IExecuteData = { node, data: {}, source: null };
	const executeFunctions = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const routingNode = new RoutingNode(executeFunctions, nodeTypeCopy, credentialsDecrypted);

	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } })
			.cause;
		if (cause?.response) {
			const statusCode = cause.response.status;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message, credentialStore: store };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return {
					status: 'Error',
					message: cause.response.statusText || `Received HTTP status code: ${statusCode}`,
					credentialStore: store,
				};
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code, credentialStore: store };
		}
		return { status: 'Error', message: String((error as Error).message), credentialStore: store };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const responseData = response?.[0]?.[0]?.json;
			if (getPath(responseData, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message, credentialStore: store };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!', credentialStore: store };
}

/** lodash-style `get` for dotted paths (avoids a lodash import in tests). */
function getPath(value: unknown, path: string): unknown {
	let current = value;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}
