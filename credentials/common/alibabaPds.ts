import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

/** Endpoint rules and error text shared by the PDS credentials (and the PDS node). */

export const PDS_DOCUMENTATION_URL =
	'https://www.alibabacloud.com/help/en/pds/drive-and-photo-service-dev/developer-reference/api-pds-2022-03-01-batch';

export const PDS_JWT_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * API endpoint of a credential: the `endpoint` override without trailing slashes, otherwise
 * `https://{domainId}.api.aliyunpds.com` (alibaba-pds.md section 1.1).
 */
export function pdsEndpoint(credentials: ICredentialDataDecryptedObject): string {
	const override = String(credentials.endpoint ?? '').trim();
	if (override) return override.replace(/\/+$/, '');
	const domainId = String(credentials.domainId ?? '').trim();
	if (!domainId) throw new Error('The PDS domain ID is required (or set an endpoint)');
	return `https://${domainId}.api.aliyunpds.com`;
}

/** n8n expression of the same rule, for `baseURL` of credential test requests. */
export const PDS_ENDPOINT_EXPRESSION =
	'={{ $credentials.endpoint ? String($credentials.endpoint).trim().replace(/\\/+$/, "") : "https://" + String($credentials.domainId).trim() + ".api.aliyunpds.com" }}';

/** Adds the credential's endpoint as `baseURL` when the request has neither one nor a full URL. */
export function withPdsBaseUrl(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	if (requestOptions.baseURL || /^https?:\/\//i.test(requestOptions.url ?? '')) return requestOptions;
	return { ...requestOptions, baseURL: pdsEndpoint(credentials) };
}

/**
 * A short description of a failed PDS call: HTTP status plus PDS `code`/`message` (either
 * casing, as the gateway reads them). Never includes the request; any string in `hide` that
 * still shows up (e.g. an assertion echoed by a proxy) is masked.
 */
export function describePdsFailure(error: unknown, hide: string[] = []): string {
	const e = error as {
		message?: string;
		code?: string;
		response?: { status?: number; data?: unknown };
		cause?: { response?: { status?: number; data?: unknown }; code?: string; message?: string };
		httpCode?: string;
	};
	const response = e?.response ?? e?.cause?.response;
	const status = response?.status ?? e?.httpCode;
	let data = response?.data;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data) as unknown;
		} catch {
			// keep the text
		}
	}
	const mask = (value: string): string => {
		let out = value;
		for (const secret of [...hide].sort((a, b) => b.length - a.length)) {
			if (secret) out = out.split(secret).join('***');
		}
		// Anything that still looks like a JWT (an echoed assertion or token) is masked too.
		return out.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?/g, '***');
	};
	let detail = '';
	if (typeof data === 'string') {
		const text = data.trim();
		const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
		detail = /^<!doctype html|^<html|<title[\s>]/i.test(text)
			? title
				? `an HTML page ("${mask(title).slice(0, 100)}")`
				: 'an HTML page'
			: mask(text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')).slice(0, 300);
	}
	else if (data && typeof data === 'object') {
		const d = data as Record<string, unknown>;
		const code = d.code ?? d.Code;
		const message = d.message ?? d.Message ?? d.error_description ?? d.error;
		detail = mask(
			[code, message]
				.filter((v) => v !== undefined && v !== null && v !== '')
				.map(String)
				.join(': '),
		).slice(0, 300);
	}
	const text = status
		? `HTTP ${status}${detail ? ` ${detail}` : ''}`
		: mask(
				[e?.code ?? e?.cause?.code, e?.message ?? e?.cause?.message ?? String(error)]
					.filter(Boolean)
					.join(' '),
			);
	return text;
}

/** Fields both PDS credentials have (same names, same meaning). */
export const pdsDomainIdField: INodeProperties = {
	displayName: 'Domain ID',
	name: 'domainId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'bj1234',
	description: 'ID of the PDS domain (PDS console > Domain); also the first label of the API host',
};

export const pdsEndpointField: INodeProperties = {
	displayName: 'Endpoint',
	name: 'endpoint',
	type: 'string',
	default: '',
	placeholder: 'https://bj1234.api.aliyunpds.com',
	description: 'Leave empty for https://{domainId}.api.aliyunpds.com',
};
