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
