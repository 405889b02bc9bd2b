import { randomBytes } from 'node:crypto';

import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { PDS_ACCESS_KEY_TEST_RULES } from './common/credentialTestRules';
import {
	PDS_ENDPOINT_EXPRESSION,
	pdsDomainIdField,
	pdsEndpointField,
	withPdsBaseUrl,
} from './common/alibabaPds';
import {
	PDS_API_VERSION,
	PDS_SIGNATURE_METHOD,
	PDS_SIGNATURE_VERSION,
	formatPdsDate,
	pdsActionFromPath,
	signPdsRequest,
} from './common/pdsSigner';
import { toRequestOptions, toWireRequest } from './common/wireRequest';

/**
 * Signs every request with the PDS-documented AccessKey scheme `acs <AK>:<HMAC-SHA1>` (the PDS
 * gateway client's default, alibaba-pds.md section 1.5.1). The query is folded into the URL and
 * the body serialized here, so the bytes n8n sends are the bytes that were signed.
 */
export class AlibabaPdsAccessKeyApi implements ICredentialType {
	name = 'alibabaPdsAccessKeyApi';

	displayName = 'Alibaba Cloud PDS (AccessKey) API';

	icon: Icon = { light: 'file:icons/alibabaPds.svg', dark: 'file:icons/alibabaPds.dark.svg' };

	documentationUrl =
		'https://www.alibabacloud.com/help/en/pds/drive-and-photo-service-dev/user-guide/call-api-operations-by-using-an-accesskey-pair';

	properties: INodeProperties[] = [
		pdsDomainIdField,
		{
			displayName: 'AccessKey ID',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
			description: 'AccessKey of a RAM user with the AliyunPDSFullAccess policy (pds:*)',
		},
		{
			displayName: 'AccessKey Secret',
			name: 'accessKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Security Token',
			name: 'securityToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for temporary STS credentials (sent and signed as x-acs-security-token). Leave empty for permanent keys.',
		},
		pdsEndpointField,
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signPdsAccessKey(credentials, requestOptions, new Date());
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: PDS_ENDPOINT_EXPRESSION,
			// Lists one drive of the domain: the AccessKey doc's own example operation, read only.
			url: '/v2/drive/list',
			method: 'POST',
			body: { limit: 1 },
			// The error body is checked by the rules, which name the vendor's code and the likely field.
			ignoreHttpStatusErrors: true,
		},
		rules: PDS_ACCESS_KEY_TEST_RULES,
	};
}

/** A random `x-acs-signature-nonce` (32 hex characters, as the SDK's nonces). */
export function pdsSignatureNonce(): string {
	return randomBytes(16).toString('hex');
}

/**
 * The signing step of the credential, separate so tests can give it a fixed clock and nonce.
 * Headers are those the PDS SDK sends: Accept, Content-Type `application/json; charset=utf-8`
 * for JSON bodies, Date (RFC 1123), and the x-acs-* set, plus x-acs-security-token for STS.
 */
export function signPdsAccessKey(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	now: Date,
	nonce: string = pdsSignatureNonce(),
): IHttpRequestOptions {
	const options = withPdsBaseUrl(credentials, requestOptions);
	const wire = toWireRequest(options);
	const headers: Record<string, string> = { ...wire.headers };
	headers['accept'] ??= 'application/json';
	if (wire.body !== '') {
		const contentType = headers['content-type'];
		if (!contentType || /^application\/json\s*$/i.test(contentType)) {
			headers['content-type'] = 'application/json; charset=utf-8';
		}
	}
	headers['date'] = formatPdsDate(now);
	headers['x-acs-version'] = PDS_API_VERSION;
	headers['x-acs-action'] = pdsActionFromPath(wire.path);
	headers['x-acs-signature-nonce'] = nonce;
	headers['x-acs-signature-method'] = PDS_SIGNATURE_METHOD;
	headers['x-acs-signature-version'] = PDS_SIGNATURE_VERSION;
	const securityToken = String(credentials.securityToken ?? '').trim();
	if (securityToken) headers['x-acs-security-token'] = securityToken;
	else delete headers['x-acs-security-token'];
	const { authorization } = signPdsRequest({
		method: wire.method,
		pathname: wire.path,
		query: wire.query,
		headers,
		accessKeyId: String(credentials.accessKeyId ?? '').trim(),
		accessKeySecret: String(credentials.accessKeySecret ?? ''),
	});
	headers['authorization'] = authorization;
	return toRequestOptions(options, { ...wire, headers });
}
