import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

/** The Authentication selector and its two credentials, shared by the PDS node and its trigger. */
export const pdsCredentials: INodeCredentialDescription[] = [
	{
		name: 'alibabaPdsJwtAppApi',
		required: true,
		displayOptions: { show: { authentication: ['jwtApp'] } },
	},
	{
		name: 'alibabaPdsAccessKeyApi',
		required: true,
		displayOptions: { show: { authentication: ['accessKey'] } },
	},
];

/**
 * The triggers' Authentication selector. The action nodes write the same property out in their own
 * description: n8n's subtitle lint rule (node-class-description-missing-subtitle) reads the action
 * node's properties literally and fails on a shared constant there.
 */
export const pdsAuthenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'JWT App (Access Token)', value: 'jwtApp' },
		{ name: 'AccessKey Signature', value: 'accessKey' },
	],
	default: 'jwtApp',
};
