import type { IDataObject } from 'n8n-workflow';

import { wpsApiBaseUrl, wpsUsesPublicCloudApi } from '../../../credentials/common/wps365';
import type { ApiResponse, RequestContext, RetryPolicy, ServiceError } from '../../shared/transport';
import { expectObject, sendWithRetry, ServiceCallError } from '../../shared/transport';

export const WPS_CREDENTIAL_TYPE = 'wps365Api';

/** WPS bodies: `{code, msg, detail}`; code 0 is success. OAuth errors also use `{code, msg}`. */
export function readWpsError(_status: number, body: unknown, headers: IDataObject): ServiceError {
	const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const message = [data.msg ?? data.message, data.detail].filter((v) => v !== undefined && v !== '').join(': ');
	const requestId = headers['x-request-id'] ?? headers['x-kso-request-id'] ?? data.request_id;
	return {
		code: data.code !== undefined ? String(data.code) : undefined,
		message: message || (typeof body === 'string' ? body.slice(0, 300) : undefined),
		requestId: requestId !== undefined ? String(requestId) : undefined,
	};
}

/** Where the node calls WPS, read from the credential once per run. */
export interface WpsTarget {
	/** KSO-1 on a private deployment (/openapi): the ID Type option applies. */
	idTypeApplies: boolean;
	/** Domain plus gateway prefix, e.g. `https://wps.example.com/openapi`. */
	apiBase: string;
	/** No app access token is stored yet: the first request fetches one. */
	needsToken: boolean;
	/**
	 * KSO-1 without a gateway prefix: the public cloud's API generation, whose batch read is
	 * `GET /v7/files/batch_get` instead of `POST /v7/files/batch_get_meta`.
	 */
	publicCloudApi: boolean;
}

export async function resolveWpsTarget(ctx: RequestContext): Promise<WpsTarget> {
	const credentials = await ctx.getCredentials(WPS_CREDENTIAL_TYPE);
	const apiBase = wpsApiBaseUrl(credentials);
	return {
		apiBase,
		// X-Kso-Id-Type exists only in the current /openapi generation of private deployments
		idTypeApplies: String(credentials.signatureScheme || 'KSO-1') === 'KSO-1' && apiBase.endsWith('/openapi'),
		needsToken: !String(credentials.accessToken ?? '').trim(),
		publicCloudApi: wpsUsesPublicCloudApi(credentials),
	};
}

/** What a v7 call sends besides its path: a JSON body (POST) or query parameters (GET). */
export type WpsCall =
	| { method: 'POST'; body: IDataObject }
	| { method: 'GET'; qs: IDataObject };

/**
 * Sends one v7 API call; a non-zero `code` in an HTTP 200 is an error too. The credential signs
 * the query exactly as it is sent (array values become repeated keys).
 */
export async function wpsRequest<T extends IDataObject>(
	ctx: RequestContext,
	apiBase: string,
	path: string,
	call: WpsCall,
	headers: IDataObject,
	retry: RetryPolicy,
	transport: { timeoutMs?: number; resendSafe?: boolean } = {},
): Promise<ApiResponse<T>> {
	const response = await sendWithRetry<T>(
		ctx,
		{
			timeoutMs: transport.timeoutMs,
			resendSafe: transport.resendSafe ?? call.method === 'GET',
			service: 'WPS',
			credentialType: WPS_CREDENTIAL_TYPE,
			refreshTokenOn401: true,
			method: call.method,
			url: apiBase + path,
			...(call.method === 'POST' ? { body: call.body } : { qs: call.qs }),
			headers: { 'Content-Type': 'application/json', ...headers },
		},
		retry,
		readWpsError,
	);
	const answer = expectObject(ctx, 'WPS', response.body, 'an object', response.headers);
	const code = answer.code;
	if (code !== undefined && code !== 0 && code !== '0') {
		const error = readWpsError(response.statusCode, answer, response.headers);
		const message = `WPS error ${error.code}: ${error.message ?? 'request failed'}`;
		throw new ServiceCallError(ctx.getNode(), { message, code: error.code ?? '', ...(error.requestId ? { requestId: error.requestId } : {}) }, {
			message,
			description: error.requestId ? `request id ${error.requestId}` : undefined,
		});
	}
	return response;
}
