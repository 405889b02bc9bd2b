/**
 * The Alibaba PDS operation of the benchmark: File > Get through POST /v2/batch (100 children
 * per call), one file id per input item, drive PDS_USER_DRIVE_ID. The AccessKey credential signs
 * every request (acs signature); `--auth token` uses the JWT app (one access token) instead.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { PDS_USER_DRIVE_ID, pdsAccessKeyCredentials, pdsJwtCredentials } from '../test/emulator/pds/fixtures';
import type { BaselineTemplate } from './baselineNode';
import type { BenchSettings } from './operations';

export function pdsCredentialType(settings: BenchSettings): string {
	return settings.auth === 'signature' ? 'alibabaPdsAccessKeyApi' : 'alibabaPdsJwtAppApi';
}

export function pdsCredentialData(settings: BenchSettings): ICredentialDataDecryptedObject {
	return settings.auth === 'signature'
		? pdsAccessKeyCredentials(settings.emulatorUrl)
		: pdsJwtCredentials(settings.emulatorUrl, 'service');
}

export function pdsParameters(settings: BenchSettings): INodeParameters {
	return {
		authentication: settings.auth === 'signature' ? 'accessKey' : 'jwtApp',
		resource: 'file',
		operation: 'get',
		driveId: PDS_USER_DRIVE_ID,
		fileId: '={{ $json.id }}',
		options: settings.concurrency === undefined ? {} : { concurrency: settings.concurrency },
	};
}

/** One direct call per file: `POST /v2/file/get` (every batch child is also a direct API). */
export function pdsBaseline(settings: BenchSettings): BaselineTemplate {
	return {
		method: 'POST',
		url: `${settings.emulatorUrl}/v2/file/get`,
		body: { drive_id: PDS_USER_DRIVE_ID, file_id: '{{id}}' },
		headers: { 'Content-Type': 'application/json' },
	};
}
