import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireValid } from '../../shared/itemInput';
import { listOrIdLocator } from '../../shared/resourceLocator';

import type { HuaweiService } from '../../../credentials/common/huaweiCloud';
import { huaweiServiceEndpoint } from '../../../credentials/common/huaweiCloud';

/** Endpoint URL option of one service; the placeholder is that service's own host. */
export function endpointOption(service: HuaweiService): INodeProperties {
	return {
		displayName: 'Endpoint URL',
		name: 'endpoint',
		type: 'string',
		default: '',
		placeholder: huaweiServiceEndpoint(service, 'cn-north-4'),
		description:
			"Leave empty to use the service's endpoint for the credential's region. Set it for another site, a private endpoint or a test server.",
	};
}

/** Project picker of the project-scoped services (MetaStudio, TaurusDB). */
export const projectOption: INodeProperties = listOrIdLocator({
	name: 'project',
	displayName: 'Project',
	description:
		"Project to work in, instead of the credential's Project ID. The list shows the projects of the credential's region. An IAM token is valid for its own project only: with IAM Token authentication, pick the credential's project or use AK/SK.",
	searchListMethod: 'searchProjects',
	placeholder: 'e.g. 3566d40215aaf45aac4e3aad37c2509b',
	idPattern: { regex: '^[A-Za-z0-9]{32}$', errorMessage: 'A project ID is 32 letters and digits' },
});

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

/** The Language option, checked: only the documented values go into the X-Language header. */
export function readLanguage(ctx: IExecuteFunctions, value: unknown): string {
	if (value === undefined || value === null || value === '') return 'en-us';
	const language = String(value);
	requireValid(ctx, ['en-us', 'zh-cn'].includes(language), 0, 'Language', `"${language.slice(0, 40)}" is not en-us or zh-cn`);
	return language;
}

/** The TaurusDB instance picker (listSearch searchTaurusInstances), or its ID. */
export function taurusInstanceLocator(description: string): INodeProperties {
	return listOrIdLocator({
		name: 'instanceId',
		displayName: 'Instance',
		description,
		required: true,
		searchListMethod: 'searchTaurusInstances',
		placeholder: 'e.g. 669a94abef9f4979b2dfba92f48f4042in07',
		idPattern: { regex: '^[A-Za-z0-9]{32}in07$', errorMessage: 'An instance ID is 36 letters and digits ending in "in07"' },
	});
}

/** The picker of a node of the chosen instance (listSearch searchTaurusNodes), or its ID; optional. */
export const taurusNodeLocator: INodeProperties = listOrIdLocator({
	name: 'nodeId',
	displayName: 'Node',
	description: 'Only files of this node of the instance. Leave empty for all nodes.',
	searchListMethod: 'searchTaurusNodes',
	placeholder: 'e.g. 2e723b45786148fc94c8737f5980786cno07',
	idPattern: { regex: '^[A-Za-z0-9]{32}no07$', errorMessage: 'A node ID is 36 letters and digits ending in "no07"' },
});
