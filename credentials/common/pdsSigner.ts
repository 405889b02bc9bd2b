import { createHmac } from 'node:crypto';

/**
 * Alibaba Cloud PDS AccessKey signature, the legacy ROA `acs` scheme the PDS gateway client
 * (`alibabacloud-gateway-pds`, signatureVersion v1) uses by default (alibaba-pds.md section 1.5.1):
 *
 *   Authorization: acs <AccessKeyId>:<base64(HMAC-SHA1(secret, StringToSign))>
 *   StringToSign = VERB\n Accept\n Content-MD5\n Content-Type\n Date\n
 *                  CanonicalizedHeaders CanonicalizedResource
 *
 * Pure functions only: the credential signs with them and the emulator verifies with them.
 */

export const PDS_API_VERSION = '2022-03-01';
export const PDS_SIGNATURE_METHOD = 'HMAC-SHA1';
export const PDS_SIGNATURE_VERSION = '1.0';

/** Query as ordered pairs (repeated keys allowed) or as a map; values raw, not URL-encoded. */
export type PdsQuery = Array<[string, string]> | Record<string, string | undefined>;

export interface PdsStringToSignInput {
	method: string;
	/** Path of the request, e.g. `/v2/batch`, exactly as it is sent. */
	pathname: string;
	query?: PdsQuery;
	/** Request headers, names in any case. */
	headers: Record<string, string | undefined>;
}

export interface PdsSigningInput extends PdsStringToSignInput {
	accessKeyId: string;
	accessKeySecret: string;
}

export interface PdsSignature {
	authorization: string;
	stringToSign: string;
	signature: string;
}

function compare(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function lowerCaseHeaders(headers: Record<string, string | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined || value === null) continue;
		out[name.toLowerCase()] = String(value);
	}
	return out;
}

/**
 * Every `x-acs-*` header, name lower-cased, sorted ascending, rendered `name:trim(value)\n`
 * (gateway `buildCanonicalizedHeaders` / `getSignedHeaders`).
 */
export function pdsCanonicalizedHeaders(headers: Record<string, string | undefined>): string {
	const lower = lowerCaseHeaders(headers);
	return Object.keys(lower)
		.filter((name) => name.startsWith('x-acs-'))
		.sort(compare)
		.map((name) => `${name}:${lower[name].trim()}\n`)
		.join('');
}

/**
 * The pathname, plus `?k1=v1&k2=v2` when there is a query: keys sorted, values not URL-encoded,
 * a bare `k` for an empty value (gateway `buildCanonicalizedResource`). Repeated keys (which the
 * gateway's map cannot hold) are kept as separate pairs, sorted by value.
 */
export function pdsCanonicalizedResource(pathname: string, query?: PdsQuery): string {
	const pairs: Array<[string, string]> = [];
	if (Array.isArray(query)) pairs.push(...query);
	else if (query) {
		for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) pairs.push([k, String(v)]);
	}
	if (pairs.length === 0) return pathname;
	const sorted = [...pairs].sort((a, b) => (a[0] === b[0] ? compare(a[1], b[1]) : compare(a[0], b[0])));
	return `${pathname}?${sorted.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`;
}

/** The exact string the `acs` scheme signs. Missing Accept/Content-MD5/Content-Type/Date give ''. */
export function pdsStringToSign(input: PdsStringToSignInput): string {
	const headers = lowerCaseHeaders(input.headers);
	return (
		`${input.method.toUpperCase()}\n` +
		`${headers['accept'] ?? ''}\n` +
		`${headers['content-md5'] ?? ''}\n` +
		`${headers['content-type'] ?? ''}\n` +
		`${headers['date'] ?? ''}\n` +
		pdsCanonicalizedHeaders(headers) +
		pdsCanonicalizedResource(input.pathname, input.query)
	);
}

/** base64(HMAC-SHA1(secret, stringToSign)): the openapi-util `getROASignature` primitive. */
export function pdsSignature(stringToSign: string, accessKeySecret: string): string {
	return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

export function pdsAuthorizationHeader(accessKeyId: string, signature: string): string {
	return `acs ${accessKeyId}:${signature}`;
}

export function signPdsRequest(input: PdsSigningInput): PdsSignature {
	const stringToSign = pdsStringToSign(input);
	const signature = pdsSignature(stringToSign, input.accessKeySecret);
	return {
		authorization: pdsAuthorizationHeader(input.accessKeyId, signature),
		stringToSign,
		signature,
	};
}

/** Splits `acs <AK>:<signature>`; undefined when the header is not in that form. */
export function parsePdsAuthorization(
	header: string | undefined,
): { accessKeyId: string; signature: string } | undefined {
	const match = /^acs\s+([^:\s]+):(\S+)$/.exec((header ?? '').trim());
	return match ? { accessKeyId: match[1], signature: match[2] } : undefined;
}

/** RFC 1123 GMT date as the `Date` header wants it (`Wed, 23 Jan 2013 06:43:08 GMT`). */
export function formatPdsDate(date: Date): string {
	return date.toUTCString();
}

/** `x-acs-action` of the PDS 2022-03-01 operations this package calls (from the SDK's client). */
const PDS_ACTIONS: Record<string, string> = {
	'/v2/batch': 'Batch',
	'/v2/oauth/token': 'Token',
	'/v2/file/get': 'GetFile',
	'/v2/file/update': 'UpdateFile',
	'/v2/file/search': 'SearchFile',
	'/v2/file/list': 'ListFile',
	'/v2/file/create': 'CreateFile',
	'/v2/file/copy': 'CopyFile',
	'/v2/file/move': 'MoveFile',
	'/v2/file/delete': 'DeleteFile',
	'/v2/file/get_download_url': 'GetDownloadUrl',
	'/v2/file/get_share_link_download_url': 'GetShareLinkDownloadUrl',
	'/v2/file/put_usertags': 'FilePutUserTags',
	'/v2/file/delete_usertags': 'FileDeleteUserTags',
	'/v2/recyclebin/trash': 'TrashFile',
	'/v2/recyclebin/restore': 'RestoreFile',
	'/v2/drive/get': 'GetDrive',
	'/v2/drive/list': 'ListDrive',
	'/v2/drive/list_my_drives': 'ListMyDrives',
	'/v2/user/get': 'GetUser',
	'/v2/group/get': 'GetGroup',
	'/v2/share_link/create': 'CreateShareLink',
	'/v2/share_link/update': 'UpdateShareLink',
	'/v2/share_link/cancel': 'CancelShareLink',
	'/v2/share_link/list': 'ListShareLink',
	'/v2/share_link/get': 'GetShareLink',
	'/v2/share_link/get_share_token': 'GetShareLinkToken',
	'/v2/async_task/get': 'GetAsyncTask',
};

function pascal(words: string): string {
	return words
		.split(/[_\-/]+/)
		.filter((w) => w !== '')
		.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
		.join('');
}

/**
 * `x-acs-action` for a request path. Known operations use the SDK's action name; other paths
 * `/v2/<resource>/<verb>[_<object>]` give `<Verb><Resource><Object>` (the SDK's usual pattern,
 * e.g. `/v2/drive/get` GetDrive, `/v2/group/add_member` AddGroupMember).
 * Any prefix before `/v2/` (a proxy or emulator mount point) is ignored.
 */
export function pdsActionFromPath(pathname: string): string {
	const index = pathname.indexOf('/v2/');
	const path = (index >= 0 ? pathname.slice(index) : pathname).replace(/\/+$/, '');
	const known = PDS_ACTIONS[path];
	if (known) return known;
	const parts = path.split('/').filter((p) => p !== '' && p !== 'v2');
	if (parts.length === 0) return '';
	if (parts.length === 1) return pascal(parts[0]);
	const [verb, ...rest] = parts[parts.length - 1].split('_');
	return pascal(verb) + pascal(parts.slice(0, -1).join('_')) + pascal(rest.join('_'));
}
