import type { IDataObject } from 'n8n-workflow';

import { wpsApiBaseUrl } from '../../../credentials/common/wps365';
import type { ApiResponse, RequestContext, RetryPolicy, ServiceError } from '../../shared/transport';
import { describeValue, sendWithRetry, ServiceCallError, unexpectedResponse } from '../../shared/transport';

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
}

export async function resolveWpsTarget(ctx: RequestContext): Promise<WpsTarget> {
	const credentials = await ctx.getCredentials(WPS_CREDENTIAL_TYPE);
	const apiBase = wpsApiBaseUrl(credentials);
	return {
		apiBase,
		// X-Kso-Id-Type exists only in the current /openapi generation of private deployments
		idTypeApplies: String(credentials.signatureScheme || 'KSO-1') === 'KSO-1' && apiBase.endsWith('/openapi'),
		needsToken: !String(credentials.accessToken ?? '').trim(),
	};
}

/** POSTs JSON to a v7 API path; a non-zero `code` in an HTTP 200 is an error too. */
export async function wpsPost<T extends IDataObject>(
	ctx: RequestContext,
	apiBase: string,
	path: string,
	body: IDataObject,
	headers: IDataObject,
	retry: RetryPolicy,
	transport: { timeoutMs?: number; resendSafe?: boolean } = {},
): Promise<ApiResponse<T>> {
	const response = await sendWithRetry<T>(
		ctx,
		{
			timeoutMs: transport.timeoutMs,
			resendSafe: transport.resendSafe ?? false,
			service: 'WPS',
			credentialType: WPS_CREDENTIAL_TYPE,
			refreshTokenOn401: true,
			method: 'POST',
			url: apiBase + path,
			body,
			headers: { 'Content-Type': 'application/json', ...headers },
		},
		retry,
		readWpsError,
	);
	const answer = response.body as IDataObject | null;
	if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
		throw unexpectedResponse(ctx, 'WPS', `expected an object, got ${describeValue(answer)}`, response.headers);
	}
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
