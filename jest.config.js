/**
 * Unit and in-process workflow tests. The real-n8n end-to-end run is `npm run test:e2e`.
 *
 * N8N_INPROCESS_RUNTIME=<folder of a cached n8n install> runs the same tests against the n8n-core
 * and n8n-workflow inside that n8n (e.g. 1.123.81 or the newest 2.x) instead of the pinned
 * devDependencies; `npm run test:compat` does that for every n8n line.
 */
const path = require('node:path');

const runtime = process.env.N8N_INPROCESS_RUNTIME;
const fromRuntime = (name) => path.join(runtime, 'node_modules', name);

module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
	},
	moduleNameMapper: runtime
		? { '^n8n-core$': fromRuntime('n8n-core'), '^n8n-workflow$': fromRuntime('n8n-workflow') }
		: {},
	testTimeout: 60000,
	// loopback servers keep sockets alive briefly after close()
	forceExit: true,
};
