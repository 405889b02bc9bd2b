import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { IAM_DEFAULT_ENDPOINT, huaweiRegionFields, huaweiRegionOf } from './common/huaweiCloud';
import type { TokenResponse } from './common/tokenRequest';
import { describeTokenFailure, redactSecrets, sendTokenRequest } from './common/tokenRequest';
import { toRequestOptions, toWireRequest } from './common/wireRequest';

/**
 * IAM user password login. `preAuthentication` fetches a project-scoped token (valid 24 h) into
 * the hidden expirable `token` field; n8n fetches a new one when it is empty and, once, after a
 * request is answered with 401.
 */
export class HuaweiCloudIamApi implements ICredentialType {
	name = 'huaweiCloudIamApi';

	displayName = 'Huawei Cloud IAM Token API';

	icon: Icon = { light: 'file:icons/huaweiCloud.svg', dark: 'file:icons/huaweiCloud.dark.svg' };

	documentationUrl = 'https://support.huaweicloud.com/intl/en-us/api-iam/iam_30_0001.html';

	properties: INodeProperties[] = [
		{
			displayName: 'IAM Endpoint',
			name: 'iamEndpoint',
			type: 'string',
			default: IAM_DEFAULT_ENDPOINT,
			description: 'Global IAM endpoint, or a regional one such as https://iam.cn-north-4.myhuaweicloud.com',
		},
		{
			displayName: 'Account Name (Domain Name)',
			name: 'domainName',
			type: 'string',
			default: '',
			required: true,
			description: 'Name of the Huawei Cloud account the IAM user belongs to',
		},
		{
			displayName: 'IAM User Name',
			name: 'userName',
			type: 'string',
			default: '',
			required: true,
			description:
				'An IAM user with programmatic access. Accounts upgraded to a HUAWEI ID cannot get tokens directly: create an IAM user.',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			description:
				'Scope of the token (My Credentials > API Credentials). Leave empty to scope by project name instead.',
		},
		{
			displayName: 'Project Name',
			name: 'projectName',
			type: 'string',
			default: '',
			placeholder: 'cn-north-4',
			description: 'Used when Project ID is empty. Defaults to the region, the name of its default project.',
		},
		...huaweiRegionFields(),
		{
			displayName: 'Token',
			name: 'token',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		return { token: await fetchIamToken(this, credentials) };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const wire = toWireRequest(requestOptions);
		wire.headers['x-auth-token'] = String(credentials.token ?? '');
		return toRequestOptions(requestOptions, wire);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.iamEndpoint}}',
			url: '/v3/projects',
			method: 'GET',
		},
	};
}

export function iamTokenRequestBody(credentials: ICredentialDataDecryptedObject): IDataObject {
	const projectId = String(credentials.projectId ?? '').trim();
	const projectName =
		String(credentials.projectName ?? '').trim() ||
		huaweiRegionOf(credentials);
	const domainName = String(credentials.domainName ?? '').trim();
	return {
		auth: {
			identity: {
				methods: ['password'],
				password: {
					user: {
						name: String(credentials.userName ?? '').trim(),
						password: String(credentials.password ?? ''),
						domain: { name: domainName },
					},
				},
			},
			scope: { project: projectId ? { id: projectId } : { name: projectName } },
		},
	};
}

async function fetchIamToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const endpoint = String(credentials.iamEndpoint || IAM_DEFAULT_ENDPOINT).replace(/\/+$/, '');
	const secrets = [String(credentials.password ?? '')];
	let response: TokenResponse;
	try {
		response = await sendTokenRequest(
			async (options) => await helper.helpers.httpRequest(options),
			{
				method: 'POST',
				url: `${endpoint}/v3/auth/tokens?nocatalog=true`,
				headers: { 'Content-Type': 'application/json;charset=utf8' },
				body: JSON.stringify(iamTokenRequestBody(credentials)),
				json: true,
			},
			secrets,
		);
	} catch (error) {
		throw new Error(`Huawei Cloud IAM login failed: ${redactSecrets((error as Error).message, secrets)}`);
	}
	if (response.statusCode >= 400 || response.statusCode < 200) {
		const hint = response.statusCode === 401 || response.statusCode === 400 ? ' Check the account name, user name, password and project.' : '';
		throw new Error(`Huawei Cloud IAM login failed: ${describeTokenFailure(response.statusCode, response.body, secrets)}.${hint}`);
	}
	const token = response.headers['x-subject-token'];
	if (typeof token !== 'string' || token === '') {
		throw new Error('Huawei Cloud IAM login answered without an X-Subject-Token header');
	}
	return token;
}
