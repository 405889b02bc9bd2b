import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { wpsSignatureScheme, wpsSignedPath, wpsTokenUrl } from './common/wps365';
import { formatWpsDate, signWpsRequest } from './common/wpsSigner';
import { describeTokenFailure, redactSecrets, sendTokenRequest } from './common/tokenRequest';
import { toRequestOptions, toWireRequest } from './common/wireRequest';

/**
 * An n8n expression over `$credentials` that first works out, as `wpsApiBaseUrl()` and
 * `wpsUsesPublicCloudApi()` (credentials/common/wps365.ts) do, `b` (base URL), `p` (gateway prefix
 * in effect) and `pub` (the public cloud's API generation), then evaluates `result`. The
 * credential test needs them as expressions because n8n resolves it from `$credentials` alone;
 * test/unit/wpsCredential.test.ts keeps the two in step.
 */
function wpsCredentialExpression(result: string): string {
	return [
		'={{ (c => {',
		'let b = String(c.baseUrl || "").trim() || "https://openapi.wps.cn";',
		'while (b.endsWith("/")) b = b.slice(0, -1);',
		'const s = String(c.signatureScheme || "KSO-1");',
		'let p = String(c.gatewayPrefix || "").trim();',
		'if (p === "/" || p.toLowerCase() === "none") p = "";',
		'else if (p !== "") { while (p.endsWith("/")) p = p.slice(0, -1); if (p !== "" && !p.startsWith("/")) p = "/" + p; }',
		'else if (s !== "KSO-1") p = "/graph";',
		'else p = String(b.split("/")[2] || "").split(":")[0].toLowerCase() === "openapi.wps.cn" ? "" : "/openapi";',
		'const pub = s === "KSO-1" && p === "";',
		result,
		'})($credentials) }}',
	].join(' ');
}

export const WPS_API_BASE_URL_EXPRESSION = wpsCredentialExpression('return p === "" || b.endsWith(p) ? b : b + p;');

/** The id the credential test asks for: it does not exist, so the answer only proves access. */
const TEST_FILE_ID = 'n8n-credential-test';

/**
 * WPS 365 / Kingsoft Office open platform. Every request carries `Authorization: Bearer <app
 * token>` (fetched by preAuthentication with the client_credentials grant) plus a WPS-4,
 * WPS-4-GM or KSO-1 signature. The query is folded into the URL and the body serialized here,
 * so the bytes n8n sends are the bytes that were signed.
 */
export class Wps365Api implements ICredentialType {
	name = 'wps365Api';

	displayName = 'WPS 365 API';

	icon: Icon = { light: 'file:icons/wps365.svg', dark: 'file:icons/wps365.dark.svg' };

	documentationUrl =
		'https://open.wps.cn/documents/app-integration-dev/wps365/server/api-description/signature-description';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://openapi.wps.cn',
			required: true,
			placeholder: 'https://wps.example.com',
			description:
				'The configured domain of a private deployment (scheme and host, without /graph or /openapi), or https://openapi.wps.cn for the public WPS 365 cloud',
		},
		{
			displayName: 'Signature Scheme',
			name: 'signatureScheme',
			type: 'options',
			options: [
				{
					name: 'KSO-1',
					value: 'KSO-1',
					description:
						'Public cloud and current private deployments (/openapi): X-Kso-Date, X-Kso-Authorization, HMAC-SHA256',
				},
				{
					name: 'WPS-4',
					value: 'WPS-4',
					description:
						'Older private deployments (/graph): Wps-Docs-Date, Wps-Docs-Authorization, HMAC-SHA256',
				},
				{
					name: 'WPS-4-GM',
					value: 'WPS-4-GM',
					description:
						'Older private deployments (/graph) with GM/T cryptography: HMAC-SM3 (needs a Node.js whose OpenSSL has SM3)',
				},
			],
			default: 'KSO-1',
		},
		// one field per scheme, so the placeholder shows the prefix that scheme uses
		...(
			[
				['WPS-4', '/graph', '/graph'],
				['WPS-4-GM', '/graph', '/graph'],
				['KSO-1', '/openapi', '/openapi on a private deployment, none for the public cloud'],
			] as const
		).map(
			([scheme, placeholder, usual]): INodeProperties => ({
				displayName: 'Gateway Prefix',
				name: 'gatewayPrefix',
				type: 'string',
				default: '',
				placeholder,
				displayOptions: { show: { signatureScheme: [scheme] } },
				description: `Path between the domain and /v7 that the gateway strips; it is not signed. Leave empty for the usual value (${usual}). Enter / for no prefix.`,
			}),
		),
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			required: true,
			description: 'The application ID (AppId / access key, client_id)',
		},
		// The App Key is the app secret (client_secret and HMAC key), despite its name.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'App Key',
			name: 'appKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The application secret (AppKey / secret key, client_secret); it signs every request',
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			placeholder: 'https://wps.example.com/openapi/oauth2/token',
			description:
				'Where the app access token is requested (client_credentials grant). Leave empty for https://openapi.wps.cn/oauth2/token on the public cloud and {Base URL}/openapi/oauth2/token on a private deployment. The token endpoint of the older /graph generation is not documented: set it here if it differs.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		const token = await fetchWps365AccessToken(
			async (options) => await this.helpers.httpRequest(options),
			credentials,
		);
		return { accessToken: token.accessToken };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signWps365Request(credentials, requestOptions, new Date());
	}

	test: ICredentialTestRequest = {
		request: {
			// Reads the metadata of an id that does not exist: read-only, valid for every app with
			// file read permission. Private deployments leave it out of data.items; the public cloud
			// (GET batch_get, mode=detailed) lists it in data.failures. Both answer code 0.
			baseURL: WPS_API_BASE_URL_EXPRESSION,
			url: wpsCredentialExpression(
				`return pub ? "/v7/files/batch_get?file_ids=${TEST_FILE_ID}&mode=detailed" : "/v7/files/batch_get_meta";`,
			),
			method: wpsCredentialExpression('return pub ? "GET" : "POST";') as IHttpRequestMethods,
			headers: { 'Content-Type': 'application/json' },
			// n8n drops an empty body from a GET before the credential signs the request
			body: wpsCredentialExpression(`return pub ? {} : { file_ids: ["${TEST_FILE_ID}"] };`),
		},
	};
}

export interface Wps365Token {
	accessToken: string;
	/** Seconds, as returned (0 when the server gave none). */
	expiresIn: number;
	tokenType: string;
}

/**
 * Gets an app access token: POST form `grant_type=client_credentials&client_id&client_secret`
 * to the token URL. Error bodies (`{code, msg}`) become an error naming the HTTP status, code and
 * message; the request (which holds the secret) is never echoed.
 */
export async function fetchWps365AccessToken(
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>,
	credentials: ICredentialDataDecryptedObject,
): Promise<Wps365Token> {
	const url = wpsTokenUrl(credentials);
	const appId = String(credentials.appId ?? '').trim();
	const appKey = String(credentials.appKey ?? '');
	if (!appId || !appKey) throw new Error('WPS 365: App ID and App Key are required');
	const body = new URLSearchParams([
		['grant_type', 'client_credentials'],
		['client_id', appId],
		['client_secret', appKey],
	]).toString();
	const secrets = [appKey];
	let response: { statusCode?: number; body?: unknown };
	try {
		response = await sendTokenRequest(
			httpRequest,
			{
				method: 'POST',
				url,
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body,
			},
			secrets,
		);
	} catch (error) {
		// Only the message: the error object of the HTTP client carries the request body.
		const message = error instanceof Error ? error.message : String(error);
		throw new Error(`WPS 365 token request to ${url} failed: ${redactSecrets(message, secrets)}`);
	}
	const status = Number(response?.statusCode ?? 0);
	const data = parseJsonObject(response?.body);
	const accessToken = typeof data.access_token === 'string' ? data.access_token : '';
	const code = data.code;
	const hasErrorCode = code !== undefined && code !== null && code !== 0 && code !== '0';
	if (status >= 200 && status < 300 && accessToken && !hasErrorCode) {
		return {
			accessToken,
			expiresIn: Number(data.expires_in ?? 0) || 0,
			tokenType: typeof data.token_type === 'string' ? data.token_type : 'Bearer',
		};
	}
	const parts: string[] = [];
	if (status) parts.push(`HTTP ${status}`);
	if (code !== undefined && code !== null && typeof code !== 'object') parts.push(`code ${String(code)}`);
	const rawMsg =
		typeof data.msg === 'string'
			? data.msg
			: typeof data.error_description === 'string'
				? data.error_description
				: typeof data.error === 'string'
					? data.error
					: typeof response?.body === 'string' && /<html|<title/i.test(response.body)
						? describeTokenFailure(status, response.body, secrets).replace(/^HTTP \d+: /, '')
						: 'no access_token in the response';
	const msg = redactSecrets(rawMsg, secrets);
	const hint =
		status === 401 || status === 403 || /client|secret|app/i.test(msg)
			? ' Check the App ID and App Key.'
			: '';
	throw new Error(redactSecrets(`WPS 365 token request to ${url} failed (${parts.join(', ')}): ${msg}.${hint}`, secrets));
}

function parseJsonObject(body: unknown): IDataObject {
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		if (Buffer.isBuffer(body)) return parseJsonObject(body.toString('utf8'));
		return body as IDataObject;
	}
	if (typeof body === 'string' && body.trim().startsWith('{')) {
		try {
			const parsed: unknown = JSON.parse(body);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as IDataObject;
		} catch {
			return {};
		}
	}
	return {};
}

/**
 * The signing step of the credential, separate so tests can give it a fixed clock. Adds
 * `Authorization: Bearer`, the date header and the signature header of the configured scheme;
 * the signed URI is the URL path without the configured domain path and gateway prefix, plus the
 * query. Content-Type defaults to `application/json` (it is part of the signature).
 */
export function signWps365Request(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	now: Date,
): IHttpRequestOptions {
	const scheme = wpsSignatureScheme(credentials);
	const wire = toWireRequest(requestOptions);
	const headers: Record<string, string> = { ...wire.headers };
	headers['content-type'] ??= 'application/json';
	for (const name of [
		'authorization',
		'wps-docs-date',
		'wps-docs-authorization',
		'x-kso-date',
		'x-kso-authorization',
	]) {
		delete headers[name];
	}
	const accessToken = String(credentials.accessToken ?? '').trim();
	if (accessToken) headers['Authorization'] = `Bearer ${accessToken}`;
	const path = wpsSignedPath(credentials, wire.path);
	const signature = signWpsRequest({
		scheme,
		method: wire.method,
		uri: wire.queryString ? `${path}?${wire.queryString}` : path,
		contentType: headers['content-type'],
		date: formatWpsDate(now),
		body: wire.body,
		appId: String(credentials.appId ?? '').trim(),
		appKey: String(credentials.appKey ?? ''),
	});
	Object.assign(headers, signature.headers);
	return toRequestOptions(requestOptions, { ...wire, headers });
}
