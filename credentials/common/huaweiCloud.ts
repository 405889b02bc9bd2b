import type { INodeProperties } from 'n8n-workflow';

/** Region -> host rules shared by the Huawei credentials and the Huawei node. */

export const DEFAULT_HUAWEI_REGION = 'cn-north-4';

export const IAM_DEFAULT_ENDPOINT = 'https://iam.myhuaweicloud.com';

/** TaurusDB's host differs per region (huawei-cloud.md section 3.6). */
const TAURUSDB_HOST_PREFIX: Record<string, string> = {
	'tr-west-1': 'gaussdbformysql',
	'ap-southeast-1': 'gaussdbformysql',
	'ap-southeast-2': 'gaussdbformysql',
	'cn-north-11': 'gaussdbformysql',
	'me-east-1': 'gaussdbformysql',
	'af-south-1': 'gaussdb-mysql',
	'cn-east-5': 'gaussdb-mysql',
	'la-north-2': 'gaussdb-mysql',
};

/**
 * Public regions for the credentials' Region dropdown (region id and the name the console shows),
 * from Huawei Cloud's "Regions and Endpoints" list. New or private regions: "Other" + Custom Region.
 */
export const HUAWEI_REGIONS: ReadonlyArray<readonly [id: string, name: string]> = [
	['af-south-1', 'AF-Johannesburg'],
	['ap-southeast-1', 'CN-Hong Kong'],
	['ap-southeast-2', 'AP-Bangkok'],
	['ap-southeast-3', 'AP-Singapore'],
	['ap-southeast-4', 'AP-Jakarta'],
	['ap-southeast-5', 'AP-Manila'],
	['cn-east-2', 'CN East-Shanghai2'],
	['cn-east-3', 'CN East-Shanghai1'],
	['cn-east-5', 'CN East-Qingdao'],
	['cn-north-1', 'CN North-Beijing1'],
	['cn-north-2', 'CN North-Beijing2'],
	['cn-north-4', 'CN North-Beijing4'],
	['cn-north-9', 'CN North-Ulanqab1'],
	['cn-north-11', 'CN North-Ulanqab-HuaweiCloud-AI'],
	['cn-south-1', 'CN South-Guangzhou'],
	['cn-southwest-2', 'CN Southwest-Guiyang1'],
	['eu-west-101', 'EU-Dublin'],
	['la-north-2', 'LA-Mexico City2'],
	['la-south-2', 'LA-Santiago'],
	['me-east-1', 'ME-Riyadh'],
	['sa-brazil-1', 'LA-Sao Paulo1'],
	['tr-west-1', 'TR-Istanbul'],
];

/** The Region dropdown and the Custom Region field it reveals, shared by both Huawei credentials. */
export function huaweiRegionFields(): INodeProperties[] {
	return [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				...HUAWEI_REGIONS.map(([id, name]) => ({ name: `${name} (${id})`, value: id })).sort((a, b) =>
					a.name.localeCompare(b.name),
				),
				{ name: 'Other (Enter Below)', value: CUSTOM_REGION },
			],
			default: DEFAULT_HUAWEI_REGION,
			description: 'Region of your resources; selects the service endpoints (and the token project by default)',
		},
		{
			displayName: 'Custom Region',
			name: 'customRegion',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. cn-north-7',
			description: 'Region ID not in the list, as shown in the console (My Credentials > API Credentials)',
			displayOptions: { show: { region: [CUSTOM_REGION] } },
		},
	];
}

/** Value of the Region dropdown that reveals the Custom Region field. */
export const CUSTOM_REGION = 'other';

/** The region of a Huawei credential: the dropdown's choice, or the typed one behind "Other". */
export function huaweiRegionOf(credentials: { region?: unknown; customRegion?: unknown }): string {
	const region = String(credentials.region ?? '').trim();
	if (region === CUSTOM_REGION) return String(credentials.customRegion ?? '').trim() || DEFAULT_HUAWEI_REGION;
	return region || DEFAULT_HUAWEI_REGION;
}

export type HuaweiService = 'osm' | 'metastudio' | 'taurusdb';

/**
 * Default endpoint of a service in a region. OSM is a global service with two sites: the China
 * site in cn-south-1 and the International site in ap-southeast-3.
 */
export function huaweiServiceEndpoint(service: HuaweiService, region: string): string {
	const r = (region || DEFAULT_HUAWEI_REGION).trim();
	switch (service) {
		case 'osm':
			return `https://osm.${r.startsWith('cn-') ? 'cn-south-1' : 'ap-southeast-3'}.myhuaweicloud.com`;
		case 'metastudio':
			return `https://metastudio.${r}.myhuaweicloud.com`;
		case 'taurusdb':
			return `https://${TAURUSDB_HOST_PREFIX[r] ?? 'gaussdb'}.${r}.myhuaweicloud.com`;
	}
}
