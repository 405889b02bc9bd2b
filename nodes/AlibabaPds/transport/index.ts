import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { pdsEndpoint } from '../../../credentials/common/alibabaPds';
import type { ApiResponse, RequestContext, RetryPolicy, ServiceError } from '../../shared/transport';
import { expectArray, expectObject, sendWithRetry, ServiceCallError, unexpectedResponse } from '../../shared/transport';

export type PdsAuthentication = 'jwtApp' | 'accessKey';

export const PDS_CREDENTIAL_TYPES: Record<PdsAuthentication, string> = {
	jwtApp: 'alibabaPdsJwtAppApi',
	accessKey: 'alibabaPdsAccessKeyApi',
};

/** Child urls `/v2/batch` accepts (alibaba-pds.md 1.2, the official list). */
export const PDS_BATCH_CHILD_URLS = [
	'/file/get',
	'/file/update',
	'/file/search',
	'/file/copy',
	'/file/move',
	'/file/delete',
	'/file/get_download_url',
	'/file/get_share_link_download_url',
	'/recyclebin/trash',
	'/recyclebin/restore',
	'/file/put_usertags',
	'/file/delete_usertags',
	'/drive/get',
	'/user/get',
	'/group/get',
	'/share_link/create',
	'/share_link/update',
	'/share_link/cancel',
	'/share_link/list',
	'/share_link/get',
	'/share_link/get_share_token',
	'/async_task/get',
] as const;

/**
 * Child urls whose request can be sent twice without harm: reads, and updates that set the
 * same values again. Everything else (copy, create, move, delete, trash, restore, cancel)
 * changes state in a way a second send would repeat or contradict, so after a lost answer it
 * is reported as "may have been applied" instead of being sent again.
 */
export const PDS_RESEND_SAFE_CHILD_URLS: ReadonlySet<string> = new Set([
	'/file/get',
	'/file/search',
	'/file/update',
	'/file/get_download_url',
	'/file/get_share_link_download_url',
	'/file/put_usertags',
	'/file/delete_usertags',
	'/drive/get',
	'/user/get',
	'/group/get',
	'/share_link/update',
	'/share_link/list',
	'/share_link/get',
	'/share_link/get_share_token',
	'/async_task/get',
]);

/** `resource` of a batch call: the url family; the recycle bin belongs to `file`. */
export function batchResourceOf(url: string): string {
	const family = url.split('/')[1] ?? '';
	return family === 'recyclebin' ? 'file' : family;
}

/** PDS errors: `{code, message}` or `{Code, Message, RequestId}`; gateway errors only in headers. */
export function readPdsError(_status: number, body: unknown, headers: IDataObject): ServiceError {
	const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const code = data.code ?? data.Code ?? headers['x-ca-error-code'];
	const message = data.message ?? data.Message ?? headers['x-ca-error-message'] ?? (typeof body === 'string' && body ? body.slice(0, 300) : undefined);
	const requestId = data.RequestId ?? data.request_id ?? data.requestId ?? headers['x-ca-request-id'] ?? headers['x-request-id'];
	return {
		code: code !== undefined ? String(code) : undefined,
		message: message !== undefined ? String(message) : undefined,
		requestId: requestId !== undefined ? String(requestId) : undefined,
	};
}

export interface PdsTarget {
	credentialType: string;
	endpoint: string;
	refreshTokenOn401: boolean;
	/** A JWT app credential without a stored access token: the first request fetches one. */
	needsToken: boolean;
}

export async function resolvePdsTarget(ctx: IExecuteFunctions): Promise<PdsTarget> {
	return await pdsTargetFor(ctx, ctx.getNodeParameter('authentication', 0) as PdsAuthentication);
}

/** The target for an Authentication value (nodes and triggers). */
export async function pdsTargetFor(ctx: RequestContext, authentication: PdsAuthentication): Promise<PdsTarget> {
	const credentialType = PDS_CREDENTIAL_TYPES[authentication] ?? PDS_CREDENTIAL_TYPES.jwtApp;
	const credentials = await ctx.getCredentials(credentialType);
	return {
		credentialType,
		endpoint: pdsEndpoint(credentials).replace(/\/+$/, ''),
		refreshTokenOn401: credentialType === PDS_CREDENTIAL_TYPES.jwtApp,
		needsToken: credentialType === PDS_CREDENTIAL_TYPES.jwtApp && !String(credentials.accessToken ?? '').trim(),
	};
}

export interface BatchChild {
	id: string;
	url: string;
	body: IDataObject;
}

export interface BatchChildResponse {
	id: string;
	status: number;
	body?: IDataObject;
}

/** One `/v2/batch` call: 1..100 children of one resource family. */
export async function pdsBatch(
	ctx: RequestContext,
	target: PdsTarget,
	children: BatchChild[],
	retry: RetryPolicy,
	timeoutMs?: number,
): Promise<{ responses: BatchChildResponse[]; requestId?: string }> {
	const response: ApiResponse<{ responses?: BatchChildResponse[] }> = await sendWithRetry(
		ctx,
		{
			resendSafe: children.every((child) => PDS_RESEND_SAFE_CHILD_URLS.has(child.url)),
			timeoutMs,
			service: 'PDS',
			credentialType: target.credentialType,
			refreshTokenOn401: target.refreshTokenOn401,
			method: 'POST',
			url: `${target.endpoint}/v2/batch`,
			headers: { 'Content-Type': 'application/json' },
			body: {
				resource: batchResourceOf(children[0].url),
				requests: children.map((child) => ({
					id: child.id,
					method: 'POST',
					url: child.url,
					body: child.body,
					headers: { 'Content-Type': 'application/json' },
				})),
			},
		},
		retry,
		readPdsError,
	);
	const requestId = response.headers['x-ca-request-id'] ?? response.headers['x-request-id'];
	const body = expectObject(ctx, 'PDS', response.body, 'an object with a "responses" array', response.headers);
	for (const child of expectArray(ctx, 'PDS', body.responses, '"responses"', response.headers)) {
		const c = child as BatchChildResponse | null;
		if (
			!c ||
			typeof c !== 'object' ||
			(typeof c.id !== 'string' && typeof c.id !== 'number') ||
			typeof c.status !== 'number' ||
			(c.body !== undefined && c.body !== null && (typeof c.body !== 'object' || Array.isArray(c.body)))
		) {
			throw unexpectedResponse(ctx, 'PDS', 'a child response without an "id", a numeric "status" and an object "body"', response.headers);
		}
	}
	return { responses: body.responses as BatchChildResponse[], requestId: requestId ? String(requestId) : undefined };
}

/**
 * One child request sent through `/v2/batch` on its own, for callers that need its body or an
 * error (the trigger's `/file/search`): a child status >= 400 is thrown like a failed request.
 */
export async function pdsBatchChild<T extends IDataObject>(
	ctx: RequestContext,
	target: PdsTarget,
	child: Omit<BatchChild, 'id'>,
	retry: RetryPolicy,
): Promise<T> {
	const { responses, requestId } = await pdsBatch(ctx, target, [{ id: '0', ...child }], retry);
	const response = responses.find((r) => String(r.id) === '0');
	if (!response) {
		throw new ServiceCallError(ctx.getNode(), { message: 'PDS returned no response for the child request' }, {
			message: `PDS returned no response for ${child.url}`,
			description: requestId ? `request id ${requestId}` : undefined,
		});
	}
	if (response.status >= 400) {
		const error = readPdsError(response.status, response.body, {});
		const message = `${error.code ?? `HTTP ${response.status}`}: ${error.message ?? 'request failed'}`;
		const id = error.requestId ?? requestId;
		throw new ServiceCallError(ctx.getNode(), { message, code: error.code ?? '', httpCode: String(response.status) }, {
			message,
			description: `${child.url}: HTTP ${response.status}` + (id ? `, request id ${id}` : ''),
			httpCode: String(response.status),
		});
	}
	return (response.body ?? {}) as T;
}
