import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	isWpsSignatureScheme,
	normalizeGatewayPrefix,
	stripGatewayPrefix,
	type WpsSignatureScheme,
} from './wpsSigner';

/**
 * Endpoint rules of the `wps365Api` credential, shared with the WPS 365 node
 * (reference: wps365.md sections 0, 1.5, 1.6).
 *
 * - Public cloud: `https://openapi.wps.cn/v7/...`, KSO-1, no gateway prefix, token at
 *   `https://openapi.wps.cn/oauth2/token`.
 * - Private deployment, current generation: `{domain}/openapi/v7/...`, KSO-1, token at
 *   `{domain}/openapi/oauth2/token`.
 * - Private deployment, history generation: `{domain}/graph/v7/...`, WPS-4 or WPS-4-GM. Its token
 *   endpoint is not documented; `{domain}/openapi/oauth2/token` is assumed (configurable).
 */

export const WPS_PUBLIC_CLOUD_BASE_URL = 'https://openapi.wps.cn';

export const WPS_PUBLIC_CLOUD_TOKEN_URL = 'https://openapi.wps.cn/oauth2/token';

export const WPS_DEFAULT_SCHEME: WpsSignatureScheme = 'KSO-1';

/** `baseUrl` without trailing slashes (the public cloud when empty). */
export function wpsBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	let base = String(credentials.baseUrl ?? '').trim() || WPS_PUBLIC_CLOUD_BASE_URL;
	while (base.endsWith('/')) base = base.slice(0, -1);
	return base;
}

/** True when the base URL points at the public cloud (host `openapi.wps.cn`). */
export function isWpsPublicCloud(baseUrl: string): boolean {
	try {
		return new URL(baseUrl).hostname.toLowerCase() === 'openapi.wps.cn';
	} catch {
		return false;
	}
}

export function wpsSignatureScheme(credentials: ICredentialDataDecryptedObject): WpsSignatureScheme {
	const scheme = String(credentials.signatureScheme ?? '').trim() || WPS_DEFAULT_SCHEME;
	if (!isWpsSignatureScheme(scheme)) {
		throw new Error(`Unknown WPS signature scheme "${scheme}" (expected WPS-4, WPS-4-GM or KSO-1)`);
	}
	return scheme;
}

/**
 * The gateway prefix in effect. An empty field means the default of the deployment type:
 * `/graph` for WPS-4 and WPS-4-GM, none for KSO-1 on the public cloud, `/openapi` for KSO-1
 * elsewhere. `/` (or `none`) means explicitly no prefix.
 */
export function wpsGatewayPrefix(credentials: ICredentialDataDecryptedObject): string {
	const raw = String(credentials.gatewayPrefix ?? '').trim();
	if (raw === '/' || raw.toLowerCase() === 'none') return '';
	if (raw !== '') return normalizeGatewayPrefix(raw);
	if (wpsSignatureScheme(credentials) !== 'KSO-1') return '/graph';
	return isWpsPublicCloud(wpsBaseUrl(credentials)) ? '' : '/openapi';
}

/**
 * Base URL of the v7 API: `baseUrl` + gateway prefix (not doubled when `baseUrl` already ends
 * with it). A node calls `{wpsApiBaseUrl}/v7/files/batch_get_meta` (private deployments) or
 * `{wpsApiBaseUrl}/v7/files/batch_get` (public cloud).
 */
export function wpsApiBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const base = wpsBaseUrl(credentials);
	const prefix = wpsGatewayPrefix(credentials);
	if (prefix === '' || base.endsWith(prefix)) return base;
	return base + prefix;
}

/**
 * Whether the credential addresses the public cloud's API generation: KSO-1 with no gateway
 * prefix. The public cloud (https://openapi.wps.cn) is the only documented deployment without a
 * prefix, and its batch read is `GET /v7/files/batch_get`; private deployments serve
 * `POST {prefix}/v7/files/batch_get_meta` (wps365.md 1.6).
 */
export function wpsUsesPublicCloudApi(credentials: ICredentialDataDecryptedObject): boolean {
	return wpsSignatureScheme(credentials) === 'KSO-1' && wpsGatewayPrefix(credentials) === '';
}

/**
 * The path to sign for a request path: without the configured domain's own path and the gateway
 * prefix ("配置域名+/graph不参与签名"), i.e. relative to wpsApiBaseUrl. A path outside the API
 * base only loses a leading gateway prefix, if any.
 */
export function wpsSignedPath(credentials: ICredentialDataDecryptedObject, path: string): string {
	let apiPath = '';
	try {
		apiPath = new URL(wpsApiBaseUrl(credentials)).pathname;
	} catch {
		apiPath = '';
	}
	while (apiPath.endsWith('/')) apiPath = apiPath.slice(0, -1);
	if (apiPath !== '') {
		if (path === apiPath) return '/';
		if (path.startsWith(`${apiPath}/`)) return path.slice(apiPath.length);
	}
	return stripGatewayPrefix(path, wpsGatewayPrefix(credentials));
}

/**
 * The token endpoint: the `tokenUrl` field when set; else `https://openapi.wps.cn/oauth2/token`
 * for the public cloud and `{baseUrl}/openapi/oauth2/token` for a private deployment (documented
 * for the current generation, assumed for the history `/graph` generation).
 */
export function wpsTokenUrl(credentials: ICredentialDataDecryptedObject): string {
	const explicit = String(credentials.tokenUrl ?? '').trim();
	if (explicit) return explicit;
	const base = wpsBaseUrl(credentials);
	if (isWpsPublicCloud(base)) return `${new URL(base).origin}/oauth2/token`;
	// A base URL entered with the gateway prefix (`{domain}/openapi`) is not doubled.
	const domain = base.endsWith('/openapi')
		? base.slice(0, -'/openapi'.length)
		: base.endsWith('/graph')
			? base.slice(0, -'/graph'.length)
			: base;
	return `${domain}/openapi/oauth2/token`;
}
