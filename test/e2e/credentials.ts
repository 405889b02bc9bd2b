/**
 * Prints the n8n credentials the example workflows use (ids as in examples/*.json), pointed at an
 * emulator: `ts-node --transpile-only test/e2e/credentials.ts http://127.0.0.1:4010`.
 * Every value is an emulator fixture, not a real secret.
 */
import { huaweiAkSkCredentials, huaweiIamCredentials } from '../emulator/huawei/fixtures';
import { pdsJwtCredentials } from '../emulator/pds/fixtures';
import { wps365Credentials } from '../emulator/wps/fixtures';

export function exampleCredentials(emulatorUrl: string) {
	return [
		{
			id: 'exHuaweiIam01',
			name: 'Huawei Cloud IAM (emulator)',
			type: 'huaweiCloudIamApi',
			data: { ...huaweiIamCredentials(emulatorUrl), token: '' },
		},
		{
			id: 'exHuaweiAkSk01',
			name: 'Huawei Cloud AK/SK (emulator)',
			type: 'huaweiCloudAkSkApi',
			data: huaweiAkSkCredentials(emulatorUrl),
		},
		{
			id: 'exPdsJwtApp01',
			name: 'Alibaba PDS JWT app (emulator)',
			type: 'alibabaPdsJwtAppApi',
			data: pdsJwtCredentials(emulatorUrl),
		},
		{
			id: 'exWps365Kso01',
			name: 'WPS 365 KSO-1 (emulator)',
			type: 'wps365Api',
			data: wps365Credentials(emulatorUrl, 'KSO-1'),
		},
		{
			// the public cloud's API generation (KSO-1, no gateway prefix, token at /oauth2/token)
			id: 'exWps365Public01',
			name: 'WPS 365 public cloud style (emulator)',
			type: 'wps365Api',
			data: wps365Credentials(emulatorUrl, 'KSO-1', 'public'),
		},
	];
}

if (require.main === module) {
	const url = process.argv[2];
	if (!url) {
		console.error('usage: credentials.ts <emulator url>');
		process.exit(2);
	}
	process.stdout.write(JSON.stringify(exampleCredentials(url)));
}
