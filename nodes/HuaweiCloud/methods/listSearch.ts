import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { HuaweiService } from '../../../credentials/common/huaweiCloud';
import { huaweiRegionOf, huaweiServiceEndpoint, IAM_DEFAULT_ENDPOINT } from '../../../credentials/common/huaweiCloud';
import { currentParameter, matchesFilter, pickerRequest } from '../../shared/loadOptions';
import type { HuaweiAuthentication } from '../transport';
import { HUAWEI_CREDENTIAL_TYPES } from '../transport';

/** The instance listing returns at most 100 instances per call (`limit` 1..100). */
const INSTANCE_PAGE = 100;

function describeHuaweiError(body: IDataObject): string | undefined {
	const nested = (body.error && typeof body.error === 'object' ? body.error : {}) as IDataObject;
	const code = body.error_code ?? nested.code;
	const message = body.error_msg ?? nested.message ?? body.message;
	if (code === undefined && message === undefined) return undefined;
	return [code, message].filter((v) => v !== undefined).join(': ');
}

async function huaweiContext(ctx: ILoadOptionsFunctions, service: HuaweiService | 'iam') {
	const authentication = (currentParameter(ctx, 'authentication') || 'iamToken') as HuaweiAuthentication;
	const credentialType = HUAWEI_CREDENTIAL_TYPES[authentication] ?? HUAWEI_CREDENTIAL_TYPES.iamToken;
	const credentials = await ctx.getCredentials(credentialType);
	const region = huaweiRegionOf(credentials);
	let endpoint: string;
	if (service === 'iam') {
		endpoint = String(credentials.iamEndpoint || IAM_DEFAULT_ENDPOINT);
	} else {
		endpoint = currentParameter(ctx, 'options.endpoint') || huaweiServiceEndpoint(service, region);
	}
	const project = currentParameter(ctx, 'options.project');
	const projectId = project || String(credentials.projectId ?? '').trim();
	// AK/SK: the signed X-Project-Id must name the project of the path (see the node's transport)
	const headers = project && authentication === 'akSk' && service !== 'iam' ? { 'X-Project-Id': project } : undefined;
	return { credentialType, region, projectId, headers, endpoint: endpoint.replace(/\/+$/, '') };
}

/** TaurusDB instances of the project (`GET /v3/{project_id}/instances`), searched by name. */
export async function searchTaurusInstances(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const target = await huaweiContext(this, 'taurusdb');
	const offset = Number(paginationToken ?? 0) || 0;
	const name = String(filter ?? '').trim();
	const body = await pickerRequest<{ instances?: IDataObject[]; total_count?: number }>(
		this,
		target.credentialType,
		{
			method: 'GET',
			url: `${target.endpoint}/v3/${encodeURIComponent(target.projectId)}/instances`,
			headers: target.headers,
			// a leading * makes the name a "contains" match (documented for this API)
			qs: { offset, limit: INSTANCE_PAGE, ...(name ? { name: `*${name}` } : {}) },
		},
		describeHuaweiError,
	);
	const instances = body.instances ?? [];
	const next = offset + instances.length;
	return {
		results: instances.map((i) => ({ name: String(i.name ?? i.id), value: String(i.id), description: String(i.id) })),
		paginationToken: instances.length > 0 && next < Number(body.total_count ?? 0) ? String(next) : undefined,
	};
}

/** Nodes of the chosen TaurusDB instance (`GET /v3/{project_id}/instances/{instance_id}`). */
export async function searchTaurusNodes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const instanceId = currentParameter(this, 'instanceId');
	if (!instanceId) return { results: [] };
	const target = await huaweiContext(this, 'taurusdb');
	const body = await pickerRequest<{ instance?: { nodes?: IDataObject[] } }>(
		this,
		target.credentialType,
		{
			method: 'GET',
			url: `${target.endpoint}/v3/${encodeURIComponent(target.projectId)}/instances/${encodeURIComponent(instanceId)}`,
			headers: target.headers,
		},
		describeHuaweiError,
	);
	return {
		results: (body.instance?.nodes ?? [])
			.filter((n) => matchesFilter(filter, n.name, n.id))
			.map((n) => ({
				name: `${String(n.name ?? n.id)}${n.type ? ` (${String(n.type)})` : ''}`,
				value: String(n.id),
				description: String(n.id),
			})),
	};
}

/**
 * Projects of the account in the credential's region, from IAM (`GET /v3/auth/projects`): the
 * region's default project (named like the region) and its sub-projects (`<region>_<name>`).
 */
export async function searchProjects(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const target = await huaweiContext(this, 'iam');
	const body = await pickerRequest<{ projects?: IDataObject[] }>(
		this,
		target.credentialType,
		{ method: 'GET', url: `${target.endpoint}/v3/auth/projects` },
		describeHuaweiError,
	);
	return {
		results: (body.projects ?? [])
			.filter((p) => {
				const name = String(p.name ?? '');
				return name === target.region || name.startsWith(`${target.region}_`);
			})
			.filter((p) => matchesFilter(filter, p.name, p.id))
			.map((p) => ({ name: String(p.name), value: String(p.id), description: String(p.id) })),
	};
}
