import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** The Authentication selector and its two credentials, shared by the Huawei Cloud node and its trigger. */
export const huaweiCredentials: INodeCredentialDescription[] = [
	{
		name: 'huaweiCloudIamApi',
		required: true,
		displayOptions: { show: { authentication: ['iamToken'] } },
	},
	{
		name: 'huaweiCloudAkSkApi',
		required: true,
		displayOptions: { show: { authentication: ['akSk'] } },
	},
];

/**
 * The triggers' Authentication selector. The action nodes write the same property out in their own
 * description: n8n's subtitle lint rule (node-class-description-missing-subtitle) reads the action
 * node's properties literally and fails on a shared constant there.
 */
export const huaweiAuthenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'IAM Token (User Password)', value: 'iamToken' },
		{ name: 'AK/SK Signature', value: 'akSk' },
	],
	default: 'iamToken',
};
