/**
 * IAM: `POST /v3/auth/tokens` (password method, project or domain scope), `GET /v3/projects`
 * (the credential test), `GET /v3/auth/projects` and `GET /v3/auth/domains`.
 */
import type { EmulatorContext, EmulatorRequest, EmulatorResponse, RouteModule } from '../types';
import { authenticate } from './auth';
import { HUAWEI_REGION, huaweiAccount, huaweiPermanentKey, huaweiTemporaryKey } from './fixtures';
import { formatIsoMicros, iamError, json, Query } from './http';
import { huaweiStore } from './state';

const WRONG_CREDENTIALS = iamError(401, 'The username or password is wrong.', 'Unauthorized');

function badRequest(message: string): EmulatorResponse {
	return iamError(400, message, 'Bad Request');
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
	return typeof value === 'string' && value.length > 0;
}

function catalog(ctx: EmulatorContext) {
	const endpoint = (type: string, name: string) => ({
		type,
		name,
		id: `emu-${type}`,
		endpoints: [
			{ id: `emu-${type}-${HUAWEI_REGION}`, interface: 'public', region: HUAWEI_REGION, region_id: HUAWEI_REGION, url: ctx.baseUrl },
		],
	});
	return [
		endpoint('identity', 'iam'),
		endpoint('osm', 'osm'),
		endpoint('metastudio', 'metastudio'),
		endpoint('gaussdb', 'gaussdb'),
	];
}

function createToken(req: EmulatorRequest, ctx: EmulatorContext): EmulatorResponse {
	let body: unknown;
	try {
		body = JSON.parse(req.bodyText);
	} catch {
		return badRequest('The request body is not valid JSON.');
	}
	const auth = isObject(body) ? body.auth : undefined;
	const identity = isObject(auth) ? auth.identity : undefined;
	if (!isObject(auth) || !isObject(identity)) return badRequest('auth.identity is required.');
	const methods = identity.methods;
	if (!Array.isArray(methods) || methods.length !== 1 || methods[0] !== 'password') {
		return badRequest('auth.identity.methods must be ["password"].');
	}
	const password = identity.password;
	const user = isObject(password) ? password.user : undefined;
	if (!isObject(user) || !nonEmptyString(user.password)) {
		return badRequest('auth.identity.password.user with name, password and domain is required.');
	}
	const domain = user.domain;
	if (!nonEmptyString(user.id)) {
		if (!nonEmptyString(user.name) || !isObject(domain) || !(nonEmptyString(domain.name) || nonEmptyString(domain.id))) {
			return badRequest('auth.identity.password.user with name, password and domain is required.');
		}
	}

	const userMatches = nonEmptyString(user.id)
		? user.id === huaweiAccount.userId
		: user.name === huaweiAccount.userName &&
			isObject(domain) &&
			(domain.name === undefined || domain.name === huaweiAccount.domainName) &&
			(domain.id === undefined || domain.id === huaweiAccount.domainId);
	if (!userMatches || user.password !== huaweiAccount.password) return WRONG_CREDENTIALS;

	// Scope: project (by id or name) or domain (by id or name). Unknown scope -> 400 is the
	// emulator's choice; the real IAM message text is not documented.
	const scope = auth.scope;
	if (!isObject(scope)) return badRequest('auth.scope (project or domain) is required.');
	let project: { id: string; name: string } | undefined;
	if (isObject(scope.project)) {
		const { id, name } = scope.project;
		if (!nonEmptyString(id) && !nonEmptyString(name)) return badRequest('auth.scope.project needs an id or a name.');
		project = huaweiAccount.projects.find((p) => (nonEmptyString(id) ? p.id === id : p.name === name));
		if (!project) return badRequest('The project in auth.scope does not exist in this account.');
	} else if (isObject(scope.domain)) {
		const { id, name } = scope.domain;
		const matches = nonEmptyString(id) ? id === huaweiAccount.domainId : name === huaweiAccount.domainName;
		if (!matches) return badRequest('The domain in auth.scope is not the account of the user.');
	} else {
		return badRequest('auth.scope must contain a project or a domain.');
	}

	const issuedAt = ctx.now().getTime();
	const issued = huaweiStore.issueToken({
		userId: huaweiAccount.userId,
		domainId: huaweiAccount.domainId,
		projectId: project?.id,
		issuedAt,
		generation: ctx.tokenGeneration,
	});
	const domainRef = { id: huaweiAccount.domainId, name: huaweiAccount.domainName };
	const token: Record<string, unknown> = {
		expires_at: formatIsoMicros(new Date(issued.expiresAt)),
		issued_at: formatIsoMicros(new Date(issuedAt)),
		methods: ['password'],
		...(project ? { project: { id: project.id, name: project.name, domain: domainRef } } : { domain: domainRef }),
		roles: [
			{ id: 'emu-role-0001', name: 'te_admin' },
			{ id: 'emu-role-0002', name: 'op_gated_metastudio' },
		],
		user: {
			id: huaweiAccount.userId,
			name: huaweiAccount.userName,
			domain: domainRef,
			password_expires_at: '',
		},
	};
	const query = new Query(req.rawQuery);
	if (!query.get('nocatalog')) token.catalog = catalog(ctx);
	return json(201, { token }, { 'x-subject-token': issued.token });
}

function projectList(req: EmulatorRequest, ctx: EmulatorContext): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	const name = new Query(req.rawQuery).get('name');
	const projects = huaweiAccount.projects
		.filter((p) => name === undefined || p.name === name)
		.map((p) => ({
			id: p.id,
			name: p.name,
			domain_id: huaweiAccount.domainId,
			parent_id: huaweiAccount.domainId,
			enabled: true,
			is_domain: false,
			description: '',
			links: { self: `${ctx.baseUrl}/v3/projects/${p.id}` },
		}));
	return json(200, {
		projects,
		links: { self: `${ctx.baseUrl}${req.rawPath}`, previous: null, next: null },
	});
}

function domainList(req: EmulatorRequest, ctx: EmulatorContext): EmulatorResponse {
	const auth = authenticate(req, ctx);
	if (!auth.ok) return auth.response;
	return json(200, {
		domains: [
			{
				id: huaweiAccount.domainId,
				name: huaweiAccount.domainName,
				enabled: true,
				description: '',
				links: { self: `${ctx.baseUrl}/v3/domains/${huaweiAccount.domainId}` },
			},
		],
		links: { self: `${ctx.baseUrl}${req.rawPath}` },
	});
}

export const iamModule: RouteModule = {
	name: 'huawei-iam',
	handle(req, ctx) {
		const path = req.rawPath.replace(/\/+$/, '');
		if (path === '/v3/auth/tokens' && req.method === 'POST') return createToken(req, ctx);
		if ((path === '/v3/projects' || path === '/v3/auth/projects') && req.method === 'GET') {
			return projectList(req, ctx);
		}
		if (path === '/v3/auth/domains' && req.method === 'GET') return domainList(req, ctx);
		return undefined;
	},
	reset() {
		huaweiStore.resetIam();
	},
	stats() {
		return { tokensIssued: huaweiStore.tokensIssued, tokensKnown: huaweiStore.tokens.size };
	},
	describe() {
		return [
			`Huawei IAM  POST /v3/auth/tokens  domain ${huaweiAccount.domainName} (id ${huaweiAccount.domainId}), user ${huaweiAccount.userName} / ${huaweiAccount.password}`,
			`            projects: ${huaweiAccount.projects.map((p) => `${p.name}=${p.id}`).join(', ')}`,
			`Huawei AK/SK permanent ${huaweiPermanentKey.accessKeyId} / ${huaweiPermanentKey.secretAccessKey}`,
			`            temporary ${huaweiTemporaryKey.accessKeyId} / ${huaweiTemporaryKey.secretAccessKey} (+ X-Security-Token from fixtures)`,
		];
	},
};
