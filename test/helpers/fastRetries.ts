/**
 * Scales the transport's and the token requests' retry backoff down to 2 ms for one test file
 * (registers beforeAll/afterAll): fault tests are about outcomes, not waiting. Node code has no test
 * hook; the exported policies are changed in memory and restored afterwards.
 */
import { TOKEN_RETRY } from '../../credentials/common/tokenRequest';
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/transport';

export function useFastRetries(baseDelayMs = 2): void {
	const saved = { api: DEFAULT_RETRY_POLICY.baseDelayMs, token: TOKEN_RETRY.baseDelayMs };
	beforeAll(() => {
		DEFAULT_RETRY_POLICY.baseDelayMs = baseDelayMs;
		TOKEN_RETRY.baseDelayMs = baseDelayMs;
	});
	afterAll(() => {
		DEFAULT_RETRY_POLICY.baseDelayMs = saved.api;
		TOKEN_RETRY.baseDelayMs = saved.token;
	});
}
