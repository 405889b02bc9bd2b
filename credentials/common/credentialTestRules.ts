import type { IAuthenticateRuleResponseSuccessBody } from 'n8n-workflow';

/**
 * Test-button messages for the signed credentials (Huawei AK/SK, PDS AccessKey).
 *
 * n8n's credential tester reports a failed test request with the generic message of the HTTP
 * status ("Authorization failed - please check your credentials", "Forbidden - perhaps check your
 * credentials?"): the vendor's body is dropped, and its `responseCode` rules never match in n8n
 * 2.8 (the tester reads `error.cause.response`, which NodeApiError does not keep). So the test
 * request of these credentials sets `ignoreHttpStatusErrors`: the error body comes back as the
 * "response", and `responseSuccessBody` rules (checked in order, first match wins) turn each
 * documented vendor error code into a message naming the code, the vendor's text, the field that
 * is most likely wrong and, for signatures, the 15-minute clock rule. A last rule fails every
 * answer that lacks the key a successful answer has, so an unknown error is never reported as
 * "Connection successful".
 *
 * The messages are fixed texts (n8n's rules cannot quote the response); the code is in each.
 * Huawei's gateway codes are documented (APIG error code table, huawei-cloud.md section 6). PDS's
 * table of 401/403 codes is cut off in every copy of its page: the codes below are the emulator's
 * and Alibaba Cloud's common signature codes (SignatureDoesNotMatch, InvalidAccessKeyId.*,
 * InvalidTimeStamp.Expired, InvalidSecurityToken.*); any other answer gets the catch-all message.
 */

export interface VendorErrorCode {
	/** The vendor's error code, exactly as in the body. */
	code: string | number;
	/** What the vendor's message says (its documented wording), the likely field and what to do. */
	message: string;
}

/**
 * Rules for the error codes, looked up under every given body key (vendors differ in casing:
 * PDS answers `code` or `Code`), then the catch-all on `successKey`.
 */
export function credentialTestRules(options: {
	codeKeys: string[];
	codes: VendorErrorCode[];
	successKey: string;
	otherwise: string;
}): IAuthenticateRuleResponseSuccessBody[] {
	const rules: IAuthenticateRuleResponseSuccessBody[] = [];
	for (const { code, message } of options.codes) {
		for (const key of options.codeKeys) {
			rules.push({ type: 'responseSuccessBody', properties: { key, value: code, message } });
		}
	}
	rules.push({
		type: 'responseSuccessBody',
		properties: { key: options.successKey, value: undefined, message: options.otherwise },
	});
	return rules;
}

const HUAWEI_CLOCK =
	'the API gateway also rejects a request whose X-Sdk-Date differs from its clock by more than 15 minutes, so check that the n8n host clock is in sync (NTP)';

const HUAWEI_APIGW_0301 = (code: string) =>
	`${code} Incorrect IAM authentication information (HTTP 401 from the Huawei Cloud API gateway). ` +
	'The signature did not verify: most likely the Secret Access Key (SK) does not belong to the Access Key ID (AK), ' +
	'or the AK does not exist or is disabled; temporary keys also need their Security Token. ' +
	`Besides, ${HUAWEI_CLOCK}. Five failures in a row lock the AK for 5 minutes.`;

/** The AK/SK credential's test: `GET {iamEndpoint}/v3/projects`, which answers `{projects: [...]}`. */
export const HUAWEI_AKSK_TEST_RULES = credentialTestRules({
	codeKeys: ['error_code', 'error.code'],
	codes: [
		{ code: 'APIGW.0301', message: HUAWEI_APIGW_0301('APIGW.0301') },
		{ code: 'APIG.0301', message: HUAWEI_APIGW_0301('APIG.0301') },
		{
			code: 'APIGW.0101',
			message:
				'APIGW.0101 The API does not exist or has not been published (HTTP 404): check the IAM Endpoint field (e.g. https://iam.myhuaweicloud.com).',
		},
		{
			code: 'APIGW.0308',
			message:
				'APIGW.0308 The throttling threshold has been reached (HTTP 429): the keys may be fine; test again in a minute.',
		},
		{
			code: 401,
			message:
				'IAM answered 401 Unauthorized: check the Access Key ID (AK), the Secret Access Key (SK) and, for temporary keys, the Security Token; ' +
				`${HUAWEI_CLOCK}.`,
		},
		{
			code: 403,
			message:
				'IAM answered 403 Forbidden: the signature is valid, but the IAM user of these keys may not list projects (the test calls GET /v3/projects). ' +
				'Grant it read access to IAM, or ignore the test if the nodes work.',
		},
	],
	successKey: 'projects',
	otherwise:
		'Huawei Cloud IAM did not answer with a project list: check the IAM Endpoint field, the Access Key ID (AK) and the Secret Access Key (SK); ' +
		`${HUAWEI_CLOCK}.`,
});

const PDS_CLOCK =
	'PDS rejects a request whose Date header differs from its clock by more than 15 minutes, so check that the n8n host clock is in sync (NTP)';

/** The PDS AccessKey credential's test: `POST {endpoint}/v2/drive/list`, which answers `{items: [...]}`. */
export const PDS_ACCESS_KEY_TEST_RULES = credentialTestRules({
	codeKeys: ['code', 'Code'],
	codes: [
		{
			code: 'InvalidSignature',
			message:
				'InvalidSignature: the request signature does not match (HTTP 403). The AccessKey Secret is most likely wrong (it must belong to the AccessKey ID); ' +
				`${PDS_CLOCK}.`,
		},
		{
			code: 'SignatureDoesNotMatch',
			message:
				'SignatureDoesNotMatch: the request signature does not match (HTTP 403). The AccessKey Secret is most likely wrong (it must belong to the AccessKey ID); ' +
				`${PDS_CLOCK}.`,
		},
		{
			code: 'InvalidAccessKeyId.NotFound',
			message:
				'InvalidAccessKeyId.NotFound: the specified AccessKey is not found (HTTP 403). Check the AccessKey ID field (a RAM user\'s AccessKey ID).',
		},
		{
			code: 'InvalidAccessKeyId.Inactive',
			message:
				'InvalidAccessKeyId.Inactive: the AccessKey is disabled (HTTP 403). Enable it in the RAM console or use another AccessKey ID.',
		},
		{
			code: 'RequestTimeTooSkewed',
			message: `RequestTimeTooSkewed: the Date header is too far from the server time (HTTP 403). ${PDS_CLOCK}.`,
		},
		{
			code: 'InvalidTimeStamp.Expired',
			message: `InvalidTimeStamp.Expired: the request time is too far from the server time (HTTP 403). ${PDS_CLOCK}.`,
		},
		{
			code: 'InvalidSecurityToken.Missing',
			message:
				'InvalidSecurityToken.Missing: this AccessKey is a temporary STS key and needs its Security Token (HTTP 403). Fill in the Security Token field.',
		},
		{
			code: 'InvalidSecurityToken.Mismatch',
			message:
				'InvalidSecurityToken.Mismatch: the Security Token does not belong to this AccessKey (HTTP 403). Check the Security Token field (STS tokens expire).',
		},
		{
			code: 'InvalidSecurityToken.Expired',
			message:
				'InvalidSecurityToken.Expired: the STS Security Token has expired (HTTP 403). Get new temporary credentials.',
		},
		{
			code: 'Forbidden',
			message:
				'Forbidden: the signature is valid but the RAM user may not call PDS (HTTP 403). Attach the AliyunPDSFullAccess policy, and check the Domain ID field.',
		},
	],
	successKey: 'items',
	otherwise:
		'Alibaba Cloud PDS did not answer with a drive list: check the Domain ID and Endpoint fields, the AccessKey ID and the AccessKey Secret; ' +
		`${PDS_CLOCK}.`,
});
