/**
 * In-memory stand-in for the n8n 2.8.4 CLI's `CredentialsHelper` (packages/cli/src/credentials-helper.ts),
 * built on n8n-workflow's abstract `ICredentialsHelper` as n8n-core 2.8.1 expects it.
 *
 * What it mirrors from the CLI:
 * - `getDecrypted`: stored data (a JSON round-trip copy, like the encrypted DB row) -> defaults applied
 *   with `NodeHelpers.getNodeParameters(props, data, true, false, null, null)` (so keys that are not
 *   declared credential properties are dropped, as in n8n) -> `={{ }}` expressions resolved.
 * - `authenticate`: function-style -> called; generic -> each `properties.<headers|qs|body|auth>.<key>`
 *   resolved with `{ $credentials }` through the running workflow's expression engine.
 * - `preAuthentication`: first property with `type === 'hidden' && typeOptions.expirable === true`; the
 *   credential type's `preAuthentication` (with `this = helpers`) runs when that value is `''`, when
 *   `credentialsExpired` is true, or for a credential test (temp `n8n-nodes-base.noOp` node with
 *   `parameters.temp === ''`). Output without the expirable key is ignored. Otherwise
 *   `Object.assign(credentials, output)` is persisted via `updateCredentials` and returned.
 *
 * Every preAuthentication call and every persisted update is recorded on the `CredentialStore`.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsEncrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IVersionedNodeType,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentials,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';
import { getAdditionalKeys } from 'n8n-core';

/** Credential data as handed to the harness: what a user saved in the credential dialog. */
export interface CredentialInput {
	id?: string;
	name?: string;
	data: ICredentialDataDecryptedObject;
}

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	/** Persisted data (JSON copy). Mutating it directly bypasses the update log. */
	data: ICredentialDataDecryptedObject;
}

export interface PreAuthenticationCall {
	type: string;
	credentialId: string | undefined;
	/** `credentialsExpired` as passed by n8n-core: true for the forced refresh after a 401. */
	forced: boolean;
	/** True when triggered by a credential test (temp noOp node). */
	isCredentialTest: boolean;
	/** The expirable property's value before the call. */
	previousValue: unknown;
	/** What the credential type's preAuthentication returned (undefined if it threw). */
	output?: IDataObject;
	error?: unknown;
}

export interface CredentialUpdate {
	type: string;
	id: string;
	data: ICredentialDataDecryptedObject;
}

const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * Persisted credentials plus a log of preAuthentication calls and updates. Share one store between
 * runs (`runNode({ credentialStore })`) to check that a refreshed token is reused by the next run.
 */
export class CredentialStore {
	readonly preAuthCalls: PreAuthenticationCall[] = [];

	readonly updates: CredentialUpdate[] = [];

	private readonly byId = new Map<string, StoredCredential>();

	private nextId = 1;

	/** Adds a credential and returns the `node.credentials[type]` entry that refers to it. */
	add(type: string, input: CredentialInput): INodeCredentialsDetails {
		const id = input.id ?? `cred-${this.nextId++}`;
		const name = input.name ?? `${type} account`;
		this.byId.set(id, { id, name, type, data: jsonCopy(input.data ?? {}) });
		return { id, name };
	}

	has(type: string): boolean {
		for (const entry of this.byId.values()) if (entry.type === type) return true;
		return false;
	}

	/** Node-credential details (id, name) of the first stored credential of `type`. */
	detailsFor(type: string): INodeCredentialsDetails | undefined {
		for (const entry of this.byId.values()) {
			if (entry.type === type) return { id: entry.id, name: entry.name };
		}
		return undefined;
	}

	/** The stored entry, looked up like the CLI does: by id (and type); by name as a fallback. */
	find(details: INodeCredentialsDetails | undefined, type: string): StoredCredential {
		if (details?.id) {
			const entry = this.byId.get(details.id);
			if (entry && entry.type === type) return entry;
			throw new UnexpectedError(`Credential with ID "${details.id}" does not exist for type "${type}".`);
		}
		for (const entry of this.byId.values()) {
			if (entry.type === type && (!details?.name || entry.name === details.name)) return entry;
		}
		throw new UnexpectedError(`No credential of type "${type}" in the harness store.`);
	}

	/** A copy of the persisted data of a credential (first of its type unless `id` is given). */
	getData(type: string, id?: string): ICredentialDataDecryptedObject {
		return jsonCopy(this.find(id ? { id, name: '' } : undefined, type).data);
	}

	/** Replaces persisted data (what `updateCredentials` does), recording the update. */
	persist(details: INodeCredentialsDetails | undefined, type: string, data: ICredentialDataDecryptedObject): void {
		const entry = this.find(details, type);
		entry.data = jsonCopy(data);
		this.updates.push({ type, id: entry.id, data: jsonCopy(data) });
	}

	/** Number of preAuthentication calls, optionally only of one type and/or only forced ones. */
	preAuthCount(type?: string, filter: { forced?: boolean } = {}): number {
		return this.preAuthCalls.filter(
			(c) => (type === undefined || c.type === type) && (filter.forced === undefined || c.forced === filter.forced),
		).length;
	}

	/** Clears the call/update logs (keeps the persisted data). */
	resetLog(): void {
		this.preAuthCalls.length = 0;
		this.updates.length = 0;
	}
}

/** Credential types by name, with `extends` resolution like the CLI's CredentialTypes. */
export class CredentialTypeRegistry {
	private readonly byName = new Map<string, ICredentialType>();

	private readonly propertiesCache = new Map<string, INodeProperties[]>();

	constructor(types: ICredentialType[] = []) {
		for (const type of types) this.byName.set(type.name, type);
	}

	getByName(name: string): ICredentialType {
		const type = this.byName.get(name);
		if (!type) {
			throw new UnexpectedError(`Unknown credential type "${name}" (pass its instance in credentialTypes)`);
		}
		return type;
	}

	has(name: string): boolean {
		return this.byName.has(name);
	}

	getParentTypes(name: string): string[] {
		const parents = this.byName.get(name)?.extends ?? [];
		const all = [...parents];
		for (const parent of parents) all.push(...this.getParentTypes(parent));
		return all;
	}

	/** Properties including those of `extends` parents (the type's own take precedence). */
	getProperties(name: string): INodeProperties[] {
		const cached = this.propertiesCache.get(name);
		if (cached) return cached;
		const type = this.getByName(name);
		let properties: INodeProperties[];
		if (type.extends === undefined) {
			properties = type.properties;
		} else {
			properties = [];
			for (const parent of type.extends) {
				NodeHelpers.mergeNodeProperties(properties, this.getProperties(parent));
			}
			NodeHelpers.mergeNodeProperties(properties, type.properties);
		}
		this.propertiesCache.set(name, properties);
		return properties;
	}
}

/** What `getCredentials` returns: an `ICredentials` over the store entry (no encryption in-process). */
class HarnessCredentials extends ICredentials {
	constructor(
		details: INodeCredentialsDetails,
		type: string,
		private readonly entry: StoredCredential,
		private readonly store: CredentialStore,
	) {
		super(details, type);
		this.id = entry.id;
	}

	getData(): ICredentialDataDecryptedObject {
		return jsonCopy(this.entry.data);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.entry.id, name: this.entry.name, type: this.type, data: JSON.stringify(this.entry.data) };
	}

	setData(data: ICredentialDataDecryptedObject): void {
		this.store.persist({ id: this.entry.id, name: this.entry.name }, this.type, data);
	}
}

const mockNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType | IVersionedNodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getKnownTypes: () => ({}),
};

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

/** `true` for the temp node n8n's credentials tester builds (see testCredential). */
export const isCredentialTestNode = (node: INode | undefined): boolean =>
	node?.parameters?.temp === '' && node?.type === 'n8n-nodes-base.noOp';

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		readonly credentialTypes: CredentialTypeRegistry,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	/**
	 * Asked by n8n-core >= 2.3x before every credential read (abstract there, absent in 2.8): as the
	 * CLI, a credential type is usable by every node unless it restricts itself to its supportedNodes.
	 */
	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.has(credentialType)) return true;
		const type = this.credentialTypes.getByName(credentialType) as ICredentialType & { restrictToSupportedNodes?: boolean };
		return !type.restrictToSupportedNodes || (type.supportedNodes ?? []).includes(nodeType);
	}

	/** n8n-core >= 2.3x calls this on its OAuth paths only; none of this package's credentials is OAuth. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return (await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const credentialType = this.credentialTypes.getByName(typeName);
		const { authenticate } = credentialType;
		if (authenticate) {
			if (typeof authenticate === 'function') {
				return await authenticate(credentials, requestOptions as IHttpRequestOptions);
			}
			if (typeof authenticate === 'object' && authenticate.type === 'generic') {
				if (requestOptions.headers === undefined) requestOptions.headers = {};
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = this.resolveValue(key, { $credentials: credentials }, workflow, node);
						const valueResolved = this.resolveValue(value, { $credentials: credentials }, workflow, node);
						if (!target[outerKey]) target[outerKey] = {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		const isTestingCredentials = isCredentialTestNode(node);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (!(credentials[expirableProperty.name] === '' || credentialsExpired || isTestingCredentials)) {
			return undefined;
		}

		const call: PreAuthenticationCall = {
			type: typeName,
			credentialId: node.credentials?.[typeName]?.id ?? undefined,
			forced: credentialsExpired,
			isCredentialTest: isTestingCredentials,
			previousValue: credentials[expirableProperty.name],
		};
		this.store.preAuthCalls.push(call);
		let output: IDataObject;
		try {
			output = await credentialType.preAuthentication.call(helpers, credentials);
		} catch (error) {
			call.error = error;
			throw error;
		}
		call.output = output;

		// if the output lacks the expirable property, n8n does not update anything
		if (output[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			await this.updateCredentials(
				node.credentials[credentialType.name],
				credentialType.name,
				Object.assign(credentials, output) as ICredentialDataDecryptedObject,
			);
			return Object.assign(credentials, output) as ICredentialDataDecryptedObject;
		}
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		const entry = this.store.find(nodeCredentials, type);
		return new HarnessCredentials({ id: entry.id, name: entry.name }, type, entry, this.store);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		const decryptedDataOriginal = credentials.getData();
		if (raw === true) return decryptedDataOriginal;
		return this.applyDefaultsAndOverwrites(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Defaults + expression resolution, as the CLI does after decrypting (no overwrites here). */
	applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData | undefined,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		if (!containsExpression(decryptedData)) return decryptedData;

		const additionalKeys = additionalData
			? getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false })
			: {};
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [{ ...mockNode }],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			decryptedData = workflow.expression.getComplexParameterValue(
				mockNode,
				decryptedData as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decryptedData,
			) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.setData(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credentials = await this.getCredentials(nodeCredentials, type);
		credentials.setData({ ...credentials.getData(), oauthTokenData: data.oauthTokenData });
	}

	private resolveValue(
		parameterValue: string,
		additionalKeys: IWorkflowDataProxyAdditionalKeys,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}
}

function containsExpression(value: unknown): boolean {
	if (typeof value === 'string') return isExpression(value);
	if (Array.isArray(value)) return value.some(containsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(containsExpression);
	return false;
}
