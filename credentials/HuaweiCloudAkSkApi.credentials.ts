import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { HUAWEI_AKSK_TEST_RULES } from './common/credentialTestRules';
import { IAM_DEFAULT_ENDPOINT, huaweiRegionFields } from './common/huaweiCloud';
import { formatSdkDate, signHuaweiRequest } from './common/huaweiSigner';
import { toRequestOptions, toWireRequest } from './common/wireRequest';

/**
 * Signs every request with SDK-HMAC-SHA256. The query is folded into the URL and the body
 * serialized here, so the bytes n8n sends are the bytes that were signed.
 */
export class HuaweiCloudAkSkApi implements ICredentialType {
	name = 'huaweiCloudAkSkApi';

	displayName = 'Huawei Cloud AK/SK API';

	icon: Icon = { light: 'file:icons/huaweiCloud.svg', dark: 'file:icons/huaweiCloud.dark.svg' };

	documentationUrl = 'https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-provide.html';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Key ID (AK)',
			name: 'accessKeyId',
			type: 'string',
			default: '',
			required: true,
			description: 'Console > My Credentials > Access Keys',
		},
		{
			displayName: 'Secret Access Key (SK)',
			name: 'secretAccessKey',
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
				'Only for temporary AK/SK obtained from IAM (sent as X-Security-Token). Leave empty for permanent keys.',
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			description:
				'ID of the project of the region (My Credentials > API Credentials). Needed by MetaStudio and TaurusDB.',
		},
		{
			displayName: 'Account ID (Domain ID)',
			name: 'domainId',
			type: 'string',
			default: '',
			description:
				'Account ID (My Credentials > API Credentials). Sent as X-Domain-Id to global services such as OSM.',
		},
		...huaweiRegionFields(),
		{
			displayName: 'IAM Endpoint',
			name: 'iamEndpoint',
			type: 'string',
			default: IAM_DEFAULT_ENDPOINT,
			description:
				'Used only to test the credential (lists the projects the keys can see). Change it for a regional IAM endpoint.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return signHuaweiAkSk(credentials, requestOptions, new Date());
	}

	test: ICredentialTestRequest = {
		request: {
			// Lists the projects the keys can see: valid for every AK/SK, touches nothing.
			baseURL: '={{$credentials.iamEndpoint}}',
			url: '/v3/projects',
			method: 'GET',
			// The error body is checked by the rules, which name the vendor's code and the likely field.
			ignoreHttpStatusErrors: true,
		},
		rules: HUAWEI_AKSK_TEST_RULES,
	};
}

/**
 * The signing step of the credential, separate so tests can give it a fixed clock. Auth headers
 * (project, domain, security token) are added before signing so that they are signed too.
 */
export function signHuaweiAkSk(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	now: Date,
): IHttpRequestOptions {
	const wire = toWireRequest(requestOptions);
	const headers: Record<string, string> = { ...wire.headers };
	headers['host'] = wire.host;
	headers['x-sdk-date'] = formatSdkDate(now);
	const projectId = String(credentials.projectId ?? '').trim();
	const domainId = String(credentials.domainId ?? '').trim();
	const securityToken = String(credentials.securityToken ?? '').trim();
	// Global services (OSM) take the account id, project services the project id.
	if (wire.path.startsWith('/v2/servicerequest/') && domainId) headers['x-domain-id'] = domainId;
	// a node working in another project than the credential's (Options > Project) sends its own
	else if (projectId && !headers['x-project-id'] && !wire.path.startsWith('/v3/projects')) headers['x-project-id'] = projectId;
	if (securityToken) headers['x-security-token'] = securityToken;
	// Only headers that no HTTP client rewrites are signed: host, content-type and our x-* headers.
	const toSign: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (name === 'host' || name === 'content-type' || name.startsWith('x-')) toSign[name] = value;
	}
	const { authorization } = signHuaweiRequest({
		method: wire.method,
		path: wire.path,
		query: wire.query,
		headers: toSign,
		body: wire.body,
		accessKeyId: String(credentials.accessKeyId ?? '').trim(),
		secretAccessKey: String(credentials.secretAccessKey ?? ''),
	});
	// `host` is set by the HTTP client from the URL; sending it explicitly as well is harmless
	// but some proxies object, so it stays out of the outgoing header set.
	delete headers['host'];
	headers['authorization'] = authorization;
	return toRequestOptions(requestOptions, { ...wire, headers });
}
