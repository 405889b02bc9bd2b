import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { HuaweiService } from '../../../credentials/common/huaweiCloud';
import { huaweiRegionOf, huaweiServiceEndpoint } from '../../../credentials/common/huaweiCloud';
import { locatorValueOf } from '../../shared/resourceLocator';
import type { ApiRequest, ApiResponse, RequestContext, RetryPolicy, ServiceError } from '../../shared/transport';
import { sendWithRetry } from '../../shared/transport';

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
): Promise<HuaweiTarget> {
	const authentication = ctx.getNodeParameter('authentication', 0) as HuaweiAuthentication;
	const options = ctx.getNodeParameter('options', 0, {}) as { endpoint?: string; project?: unknown };
	return await huaweiTargetFor(ctx, service, authentication, options.endpoint, locatorValueOf(options.project));
}

/** The target for an Authentication value and an optional Endpoint URL override (nodes and triggers). */
export async function huaweiTargetFor(
	ctx: RequestContext,
	service: HuaweiService,
	authentication: HuaweiAuthentication,
	endpoint: string | undefined,
	project?: string,
): Promise<HuaweiTarget> {
	const credentialType = HUAWEI_CREDENTIAL_TYPES[authentication] ?? HUAWEI_CREDENTIAL_TYPES.iamToken;
	const credentials = await ctx.getCredentials(credentialType);
	const override = String(endpoint ?? '').trim();
	if (override && !/^https?:\/\/[^/\s]+/i.test(override)) {
		throw new NodeOperationError(ctx.getNode(), `Endpoint URL "${override}" is not an http(s) URL`, {
			itemIndex: 0,
		});
	}
	return {
		credentialType,
		headers: project && credentialType === HUAWEI_CREDENTIAL_TYPES.akSk ? { 'X-Project-Id': project } : {},
		refreshTokenOn401: credentialType === HUAWEI_CREDENTIAL_TYPES.iamToken,
		endpoint: (override || huaweiServiceEndpoint(service, huaweiRegionOf(credentials))).replace(/\/+$/, ''),
		// Options > Project (a picker) overrides the credential's project
		projectId: project || String(credentials.projectId ?? '').trim(),
		needsToken: credentialType === HUAWEI_CREDENTIAL_TYPES.iamToken && !String(credentials.token ?? '').trim(),
	};
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
