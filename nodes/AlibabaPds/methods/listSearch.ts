import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { pdsEndpoint } from '../../../credentials/common/alibabaPds';
import { currentParameter, matchesFilter, pickerRequest } from '../../shared/loadOptions';
import type { PdsAuthentication } from '../transport';
import { PDS_CREDENTIAL_TYPES } from '../transport';

const PAGE = 100;

function describePdsError(body: IDataObject): string | undefined {
	const code = body.code ?? body.Code;
	const message = body.message ?? body.Message;
	if (code === undefined && message === undefined) return undefined;
	return [code, message].filter((v) => v !== undefined).join(': ');
}

/** POST `{endpoint}/v2{path}` with the node's PDS credential (a direct call, not a batch). */
async function pdsCall<T>(ctx: ILoadOptionsFunctions, path: string, body: IDataObject): Promise<T> {
	const authentication = (currentParameter(ctx, 'authentication') || 'jwtApp') as PdsAuthentication;
	const credentialType = PDS_CREDENTIAL_TYPES[authentication] ?? PDS_CREDENTIAL_TYPES.jwtApp;
	const credentials = await ctx.getCredentials(credentialType);
	return await pickerRequest<T>(
		ctx,
		credentialType,
		{
			method: 'POST',
			url: `${pdsEndpoint(credentials).replace(/\/+$/, '')}/v2${path}`,
			headers: { 'Content-Type': 'application/json' },
			body,
		},
		describePdsError,
	);
}

/** A PDS query string literal: double quotes and backslashes escaped. */
function quoted(text: string): string {
	return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

interface Page {
	items?: IDataObject[];
	next_marker?: string;
}

/** Drives the credential can see (`/drive/list`), searched by name within each page. */
export async function searchDrives(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = await pdsCall<Page>(this, '/drive/list', { limit: PAGE, ...(paginationToken ? { marker: paginationToken } : {}) });
	return {
		results: (page.items ?? [])
			.filter((d) => matchesFilter(filter, d.drive_name, d.drive_id))
			.map((d) => ({
				name: String(d.drive_name || d.drive_id),
				value: String(d.drive_id),
				description: `Drive ${String(d.drive_id)}${d.owner_type ? ` (${String(d.owner_type)})` : ''}`,
			})),
		paginationToken: page.next_marker || undefined,
	};
}

async function searchInDrive(
	ctx: ILoadOptionsFunctions,
	driveId: string,
	filter: string | undefined,
	paginationToken: string | undefined,
	foldersOnly: boolean,
): Promise<INodeListSearchResult> {
	if (!driveId) return { results: [] };
	const conditions = [
		...(foldersOnly ? ['type = "folder"'] : []),
		...(filter?.trim() ? [`name match ${quoted(filter.trim())}`] : []),
	];
	const page = await pdsCall<Page>(ctx, '/file/search', {
		drive_id: driveId,
		limit: PAGE,
		order_by: 'updated_at DESC',
		...(conditions.length ? { query: conditions.join(' and ') } : {}),
		...(paginationToken ? { marker: paginationToken } : {}),
	});
	const results: INodeListSearchItems[] = (page.items ?? []).map((f) => ({
		name: `${String(f.name ?? f.file_id)}${f.type === 'folder' ? '/' : ''}`,
		value: String(f.file_id),
		description: String(f.file_id),
	}));
	return { results, paginationToken: page.next_marker || undefined };
}

/** Files and folders of the drive picked in "Drive", newest first, searched by name. */
export async function searchFiles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchInDrive(this, currentParameter(this, 'driveId'), filter, paginationToken, false);
}

/** Folders of the destination drive ("To Drive", else "Drive"), the drive's root first. */
export async function searchDestinationFolders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const driveId = currentParameter(this, 'toDriveId') || currentParameter(this, 'driveId');
	const found = await searchInDrive(this, driveId, filter, paginationToken, true);
	const showRoot = !paginationToken && driveId !== '' && matchesFilter(filter, 'root', '/');
	return showRoot ? { ...found, results: [{ name: '/ (Top of the Drive)', value: 'root' }, ...found.results] } : found;
}
