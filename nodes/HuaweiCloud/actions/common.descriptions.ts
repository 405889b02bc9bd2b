import type { INodeProperties } from 'n8n-workflow';

/** Options shared by every Huawei operation. */
export const endpointOption: INodeProperties = {
	displayName: 'Endpoint URL',
	name: 'endpoint',
	type: 'string',
	default: '',
	placeholder: 'https://metastudio.cn-north-4.myhuaweicloud.com',
	description:
		"Leave empty to use the service's endpoint for the credential's region. Set it for another site, a private endpoint or a test server.",
};

export const languageOption: INodeProperties = {
	displayName: 'Language',
	name: 'language',
	type: 'options',
	options: [
		{ name: 'English', value: 'en-us' },
		{ name: 'Chinese', value: 'zh-cn' },
	],
	default: 'en-us',
	description: 'Language of names and messages in the response (X-Language header)',
};
