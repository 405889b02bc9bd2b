/**
 * Credential fixtures of the browser test (`npm run test:ui`): for every credential type of the
 * package, the field values that work against the emulator, and one wrong secret with the vendor
 * message the Test button must then show. Printed as JSON for scripts/ui-test.mjs:
 * `ts-node --transpile-only test/ui/credentials.ts http://127.0.0.1:4010`.
 *
 * To cover a new credential type, add an entry here (the test fails for a type without one).
 * Every value is an emulator fixture, not a real secret.
 */
import { generateKeyPairSync } from 'node:crypto';

import { huaweiAkSkCredentials, huaweiIamCredentials } from '../emulator/huawei/fixtures';
import { pdsAccessKey, PDS_DOMAIN_ID, pdsJwtCredentials } from '../emulator/pds/fixtures';
import { wps365Credentials } from '../emulator/wps/fixtures';

export interface UiCredentialFixture {
	/** Credential type name (as in package.json n8n.credentials). */
	type: string;
	/** Values typed into the form; fields not listed keep their defaults. */
	data: Record<string, string | boolean>;
	/** One field set to a wrong value, and the message (regular expression) the test must show. */
	wrong: { field: string; value: string; message: string };
}

export function uiCredentialFixtures(emulatorUrl: string): UiCredentialFixture[] {
	const otherRsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
		.privateKey.export({ type: 'pkcs8', format: 'pem' })
		.toString();
	const wrongSecret = ['not', 'the', 'secret'].join('-');
	return [
		{
			type: 'huaweiCloudIamApi',
			data: huaweiIamCredentials(emulatorUrl),
			wrong: { field: 'password', value: wrongSecret, message: 'username or password is wrong' },
		},
		{
			type: 'huaweiCloudAkSkApi',
			data: huaweiAkSkCredentials(emulatorUrl),
			wrong: {
				field: 'secretAccessKey',
				value: wrongSecret,
				message: 'APIGW\\.0301 Incorrect IAM authentication information.*Secret Access Key \\(SK\\).*15 minutes',
			},
		},
		{
			type: 'alibabaPdsJwtAppApi',
			data: { ...pdsJwtCredentials(emulatorUrl), accessToken: '' },
			wrong: { field: 'privateKey', value: otherRsaKey, message: 'InvalidJWTSignature' },
		},
		{
			type: 'alibabaPdsAccessKeyApi',
			data: {
				domainId: PDS_DOMAIN_ID,
				accessKeyId: pdsAccessKey.accessKeyId,
				accessKeySecret: pdsAccessKey.accessKeySecret,
				endpoint: emulatorUrl,
			},
			wrong: {
				field: 'accessKeySecret',
				value: wrongSecret,
				message: 'InvalidSignature: .*AccessKey Secret is most likely wrong.*15 minutes',
			},
		},
		{
			type: 'wps365Api',
			data: wps365Credentials(emulatorUrl, 'KSO-1'),
			wrong: { field: 'appKey', value: wrongSecret, message: 'WPS 365 token request .*failed \\(HTTP 4\\d\\d' },
		},
	].map((fixture) => {
		// hidden token fields are not typed into the form
		const data: Record<string, string | boolean> = {};
		for (const [key, value] of Object.entries(fixture.data)) {
			if (['accessToken', 'token'].includes(key)) continue;
			data[key] = value as string | boolean;
		}
		return { ...fixture, data };
	});
}

if (require.main === module) {
	const url = process.argv[2];
	if (!url) {
		console.error('usage: credentials.ts <emulator url>');
		process.exit(2);
	}
	process.stdout.write(JSON.stringify(uiCredentialFixtures(url)));
}
