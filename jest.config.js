/** Unit and in-process workflow tests. The real-n8n end-to-end run is `npm run test:e2e`. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
	},
	testTimeout: 60000,
	// loopback servers keep sockets alive briefly after close()
	forceExit: true,
};
