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

import {
	describePdsFailure,
	PDS_ENDPOINT_EXPRESSION,
	PDS_JWT_GRANT_TYPE,
	pdsDomainIdField,
	pdsEndpoint,
	pdsEndpointField,
	withPdsBaseUrl,
} from './common/alibabaPds';
import { createPdsAssertion, type PdsSubjectType } from './common/jwt';
import type { TokenResponse } from './common/tokenRequest';
import { sendTokenRequest } from './common/tokenRequest';
import { toRequestOptions, toWireRequest } from './common/wireRequest';

/**
 * PDS "JWT app" (server-side app): `preAuthentication` signs an RS256 assertion with the app's
 * private key and exchanges it at `POST /v2/oauth/token` (jwt-bearer grant) for an access token
 * (valid about 2 h) kept in the hidden expirable `accessToken` field. n8n fetches a new one when
 * the field is empty and, once, after a request is answered with 401.
 */
export class AlibabaPdsJwtAppApi implements ICredentialType {
	name = 'alibabaPdsJwtAppApi';

	displayName = 'Alibaba Cloud PDS (JWT App) API';

	icon: Icon = { light: 'file:icons/alibabaPds.svg', dark: 'file:icons/alibabaPds.dark.svg' };

	documentationUrl =
		'https://www.alibabacloud.com/help/en/pds/drive-and-photo-service-dev/user-guide/access-process-for-jwt-applications';

	properties: INodeProperties[] = [
		pdsDomainIdField,
		{
			displayName: 'App ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID (client_id) of an app of type JWT created in the PDS console',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
			description:
				'PEM RSA private key of the JWT app (the console keeps the public key). Used only to sign token requests.',
		},
		{
			displayName: 'Subject Type',
			name: 'subjectType',
			type: 'options',
			options: [
				{
					name: 'Service (Domain Super Administrator)',
					value: 'service',
					description: 'Domain-wide service account token',
				},
				{
					name: 'User',
					value: 'user',
					description: 'Token that acts as one PDS user',
				},
			],
			default: 'service',
		},
		{
			displayName: 'User ID',
			name: 'userId',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { subjectType: ['user'] } },
			description: 'ID of the PDS user the token acts as',
		},
		{
			displayName: 'Auto-Create User',
			name: 'autoCreateUser',
			type: 'boolean',
			default: false,
			displayOptions: { show: { subjectType: ['user'] } },
			description: 'Whether PDS should create the user (with the domain\'s initial drive) if it does not exist',
		},
		pdsEndpointField,
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
		return { accessToken: await fetchPdsJwtAccessToken(this, credentials) };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return applyPdsBearerToken(credentials, requestOptions);
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: PDS_ENDPOINT_EXPRESSION,
			// Read only: a user token lists its own drives, a service token the domain's drives.
			url: '={{ $credentials.subjectType === "user" ? "/v2/drive/list_my_drives" : "/v2/drive/list" }}',
			method: 'POST',
			body: { limit: 1 },
		},
	};
}

/** Form body of the jwt-bearer token request. */
export function pdsJwtTokenRequestBody(
	credentials: ICredentialDataDecryptedObject,
	now: Date = new Date(),
): { body: string; assertion: string } {
	const subjectType = (String(credentials.subjectType ?? 'service') || 'service') as PdsSubjectType;
	const clientId = String(credentials.clientId ?? '').trim();
	const assertion = createPdsAssertion({
		clientId,
		domainId: String(credentials.domainId ?? '').trim(),
		subjectType,
		userId: subjectType === 'user' ? String(credentials.userId ?? '').trim() : undefined,
		autoCreate: subjectType === 'user' && credentials.autoCreateUser === true,
		privateKey: String(credentials.privateKey ?? ''),
		now,
	});
	const body = new URLSearchParams({
		grant_type: PDS_JWT_GRANT_TYPE,
		client_id: clientId,
		assertion,
	}).toString();
	return { body, assertion };
}

/** Exchanges a fresh assertion for an access token. Errors carry no key, assertion or token. */
export async function fetchPdsJwtAccessToken(
	helper: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	let request: { body: string; assertion: string };
	let url: string;
	try {
		url = `${pdsEndpoint(credentials)}/v2/oauth/token`;
		request = pdsJwtTokenRequestBody(credentials);
	} catch (error) {
		throw new Error(`Alibaba Cloud PDS: cannot build the token request: ${(error as Error).message}`);
	}
	const secrets = [request.assertion, request.body, String(credentials.privateKey ?? '')];
	let full: TokenResponse;
	try {
		full = await sendTokenRequest(
			async (options) => await helper.helpers.httpRequest(options),
			{
				method: 'POST',
				url,
				headers: {
					'Content-Type': 'application/x-www-form-urlencoded',
					Accept: 'application/json',
				},
				body: request.body,
				json: true,
			},
			secrets,
		);
	} catch (error) {
		throw new Error(`Alibaba Cloud PDS token request failed: ${describePdsFailure(error, secrets)}`);
	}
	if (full.statusCode < 200 || full.statusCode >= 300) {
		const failure = { response: { status: full.statusCode, data: full.body } };
		throw new Error(`Alibaba Cloud PDS token request failed: ${describePdsFailure(failure, secrets)}`);
	}
	let response: unknown = full.body;
	if (typeof response === 'string') {
		try {
			response = JSON.parse(response) as unknown;
		} catch {
			throw new Error('Alibaba Cloud PDS token request answered with a body that is not JSON');
		}
	}
	const token = (response as IDataObject | undefined)?.access_token;
	if (typeof token !== 'string' || token === '') {
		throw new Error('Alibaba Cloud PDS token request answered without an access_token');
	}
	return token;
}

/**
 * Adds `Authorization: Bearer <token>` and `x-acs-bearer-token` (the PDS gateway client sets
 * both, alibaba-pds.md section 1.4). The query is folded into the URL and the body serialized
 * once, as for the signing credentials, so every PDS credential sends the same bytes.
 */
export function applyPdsBearerToken(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): IHttpRequestOptions {
	const token = String(credentials.accessToken ?? '');
	if (!token) throw new Error('Alibaba Cloud PDS: no access token yet (the token request did not run)');
	const options = withPdsBaseUrl(credentials, requestOptions);
	const wire = toWireRequest(options);
	const headers: Record<string, string> = { ...wire.headers };
	headers['accept'] ??= 'application/json';
	headers['authorization'] = `Bearer ${token}`;
	headers['x-acs-bearer-token'] = token;
	return toRequestOptions(options, { ...wire, headers });
}
