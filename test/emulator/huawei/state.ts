/**
 * Mutable in-memory data of the Huawei routes (issued IAM tokens, MetaStudio asset states). It
 * lives at module level, so every emulator started in one process shares it; startEmulator() and
 * reset() restore the seeded state.
 */
import { randomBytes } from 'node:crypto';

import { metaStudioAssets, type MetaStudioAssetStatus } from './fixtures';

export interface IssuedToken {
	token: string;
	userId: string;
	domainId: string;
	/** Project scope (undefined for a domain-scoped token). */
	projectId?: string;
	issuedAt: number;
	expiresAt: number;
	/** EmulatorContext.tokenGeneration at issue time; a later generation means expired. */
	generation: number;
}

export interface MetaStudioAssetState {
	id: string;
	status: MetaStudioAssetStatus;
	shared: boolean;
	deleted: boolean;
}

/** Tokens beyond this many are forgotten oldest first (benchmarks may log in a lot). */
const MAX_TOKENS = 50_000;

export const TOKEN_LIFETIME_MS = 24 * 3600_000;

class HuaweiStore {
	tokens = new Map<string, IssuedToken>();
	tokensIssued = 0;
	assets = new Map<string, MetaStudioAssetState>();

	constructor() {
		this.resetIam();
		this.resetMetaStudio();
	}

	resetIam(): void {
		this.tokens.clear();
		this.tokensIssued = 0;
	}

	resetMetaStudio(): void {
		this.assets = new Map(metaStudioAssets.map((a) => [a.id, { ...a }]));
	}

	issueToken(fields: Omit<IssuedToken, 'token' | 'expiresAt'>): IssuedToken {
		// Opaque, header-safe, a few hundred characters like a real (PKI) IAM token.
		const token = 'MIIEemu' + randomBytes(330).toString('base64url');
		const issued: IssuedToken = { ...fields, token, expiresAt: fields.issuedAt + TOKEN_LIFETIME_MS };
		this.tokens.set(token, issued);
		this.tokensIssued++;
		if (this.tokens.size > MAX_TOKENS) {
			const oldest = this.tokens.keys().next().value;
			if (oldest !== undefined) this.tokens.delete(oldest);
		}
		return issued;
	}
}

export const huaweiStore = new HuaweiStore();

/** Read access for tests and demos. */
export const huaweiState = {
	/** IAM tokens issued (POST /v3/auth/tokens successes) since the last reset. */
	get tokensIssued(): number {
		return huaweiStore.tokensIssued;
	},
	/** Current state of a MetaStudio asset; undefined once force-deleted or when unknown. */
	asset(id: string): Readonly<MetaStudioAssetState> | undefined {
		const asset = huaweiStore.assets.get(id);
		return asset ? { ...asset } : undefined;
	},
	reset(): void {
		huaweiStore.resetIam();
		huaweiStore.resetMetaStudio();
	},
};
