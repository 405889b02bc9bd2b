import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { HuaweiService } from '../../../credentials/common/huaweiCloud';
import { DEFAULT_HUAWEI_REGION, IAM_DEFAULT_ENDPOINT, huaweiRegionOf, huaweiServiceEndpoint } from '../../../credentials/common/huaweiCloud';
import { locatorValueOf } from '../../shared/resourceLocator';
import type { ApiRequest, ApiResponse, RequestContext, RetryPolicy, ServiceError } from '../../shared/transport';
import { DEFAULT_RETRY_POLICY, describeValue, sendWithRetry, unexpectedResponse } from '../../shared/transport';

export type HuaweiAuthentication = 'iamToken' | 'akSk';

export const HUAWEI_CREDENTIAL_TYPES: Record<HuaweiAuthentication, string> = {
	iamToken: 'huaweiCloudIamApi',
	akSk: 'huaweiCloudAkSkApi',
};

/** Where and as whom the node calls a Huawei service. */
export interface HuaweiTarget {
	credentialType: string;
	/** IAM tokens are renewed by n8n after a 401; AK/SK signatures have nothing to renew. */
	refreshTokenOn401: boolean;
	endpoint: string;
	projectId: string;
	/** An IAM token credential without a stored token: the first request fetches one. */
	needsToken: boolean;
	/** Headers of every request (X-Project-Id when Options > Project overrides the credential's). */
	headers: IDataObject;
}

/**
 * Resolves the credential type from the Authentication field, and the endpoint from the
 * credential's region unless the Endpoint URL option overrides it.
 */
export async function resolveHuaweiTarget(
	ctx: IExecuteFunctions,
	service: HuaweiService,
	transport: { retry: RetryPolicy; timeoutMs?: number } = { retry: DEFAULT_RETRY_POLICY },
): Promise<HuaweiTarget> {
	const authentication = ctx.getNodeParameter('authentication', 0) as HuaweiAuthentication;
	const options = ctx.getNodeParameter('options', 0, {}) as { endpoint?: string; project?: unknown };
	return await huaweiTargetFor(ctx, service, authentication, options.endpoint, locatorValueOf(options.project), transport);
}

/** The target for an Authentication value and an optional Endpoint URL override (nodes and triggers). */
export async function huaweiTargetFor(
	ctx: RequestContext,
	service: HuaweiService,
	authentication: HuaweiAuthentication,
	endpoint: string | undefined,
	project?: string,
	transport: { retry: RetryPolicy; timeoutMs?: number } = { retry: DEFAULT_RETRY_POLICY },
): Promise<HuaweiTarget> {
	const credentialType = HUAWEI_CREDENTIAL_TYPES[authentication] ?? HUAWEI_CREDENTIAL_TYPES.iamToken;
	const credentials = await ctx.getCredentials(credentialType);
	const override = String(endpoint ?? '').trim();
	if (override && !/^https?:\/\/[^/\s]+/i.test(override)) {
		throw new NodeOperationError(ctx.getNode(), `Endpoint URL "${override}" is not an http(s) URL`, {
			itemIndex: 0,
		});
	}
	const target: HuaweiTarget = {
		credentialType,
		headers: project && credentialType === HUAWEI_CREDENTIAL_TYPES.akSk ? { 'X-Project-Id': project } : {},
		refreshTokenOn401: credentialType === HUAWEI_CREDENTIAL_TYPES.iamToken,
		endpoint: (override || huaweiServiceEndpoint(service, huaweiRegionOf(credentials))).replace(/\/+$/, ''),
		// Options > Project (a picker) overrides the credential's project
		projectId: project || String(credentials.projectId ?? '').trim(),
		needsToken: credentialType === HUAWEI_CREDENTIAL_TYPES.iamToken && !String(credentials.token ?? '').trim(),
	};
	if (!target.projectId && service !== 'osm') {
		if (credentialType !== HUAWEI_CREDENTIAL_TYPES.iamToken) {
			throw new NodeOperationError(ctx.getNode(), 'The AK/SK credential has no Project ID', {
				description: `${service === 'metastudio' ? 'MetaStudio' : 'TaurusDB'} needs the project id in the request path: set Project ID in the credential (My Credentials > API Credentials).`,
			});
		}
		target.projectId = await lookUpProjectId(ctx, credentials, transport);
		// the lookup fetched the token if there was none
		target.needsToken = false;
	}
	return target;
}

/**
 * An IAM credential scoped by project name has no project id, but the service paths need it:
 * IAM's project lookup (`GET /v3/projects?name=`) with the credential's own token gives it. The
 * request also fetches the token, once, before any batch request.
 */
async function lookUpProjectId(
	ctx: RequestContext,
	credentials: IDataObject,
	transport: { retry: RetryPolicy; timeoutMs?: number },
): Promise<string> {
	const name =
		String(credentials.projectName ?? '').trim() || String(credentials.region ?? '').trim() || DEFAULT_HUAWEI_REGION;
	const iamEndpoint = String(credentials.iamEndpoint || IAM_DEFAULT_ENDPOINT).replace(/\/+$/, '');
	const response = await sendWithRetry<{ projects?: Array<{ id?: unknown; name?: unknown }> }>(
		ctx,
		{
			credentialType: HUAWEI_CREDENTIAL_TYPES.iamToken,
			refreshTokenOn401: true,
			method: 'GET',
			url: `${iamEndpoint}/v3/projects`,
			qs: { name },
			timeoutMs: transport.timeoutMs,
			service: 'IAM',
		},
		transport.retry,
		readHuaweiError,
	);
	const projects = (response.body as { projects?: unknown } | null)?.projects;
	if (!Array.isArray(projects)) {
		throw unexpectedResponse(ctx, 'IAM', `expected a "projects" array, got ${describeValue(projects ?? response.body)}`, response.headers);
	}
	const project = projects.find((p) => p && typeof p === 'object' && (p as IDataObject).name === name) as IDataObject | undefined;
	if (!project || typeof project.id !== 'string' || project.id === '') {
		throw new NodeOperationError(ctx.getNode(), `IAM knows no project named "${name}" for this user`, {
			description: 'Set Project ID (or the right Project Name) in the Huawei Cloud IAM credential.',
		});
	}
	return project.id;
}

/** Huawei error bodies: `{error_code, error_msg}`, gateway `{error_code, error_msg, request_id}`, IAM `{error:{code,message}}`. */
export function readHuaweiError(_status: number, body: unknown, headers: IDataObject): ServiceError {
	const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const nested = (data.error && typeof data.error === 'object' ? data.error : {}) as IDataObject;
	const code = data.error_code ?? nested.code;
	const message = data.error_msg ?? nested.message ?? data.message ?? (typeof body === 'string' ? body.slice(0, 300) : undefined);
	const requestId = headers['x-request-id'] ?? data.request_id;
	return {
		code: code !== undefined ? String(code) : undefined,
		message: message !== undefined ? String(message) : undefined,
		requestId: requestId !== undefined ? String(requestId) : undefined,
	};
}

export async function huaweiRequest<T>(
	ctx: RequestContext,
	target: HuaweiTarget,
	request: Omit<ApiRequest, 'credentialType' | 'url'> & { path: string },
	retry: RetryPolicy,
): Promise<ApiResponse<T>> {
	const { path, ...rest } = request;
	return await sendWithRetry<T>(
		ctx,
		{
			...rest,
			headers: { ...target.headers, ...rest.headers },
			credentialType: target.credentialType,
			refreshTokenOn401: target.refreshTokenOn401,
			url: target.endpoint + path,
		},
		retry,
		readHuaweiError,
	);
}
