import { config } from '@n8n/node-cli/eslint';
import globals from 'globals';

/**
 * The n8n community-node rules in their strict (n8n Cloud) form for everything that ships
 * (nodes/, credentials/, package.json). Tests, the emulator, scripts and benchmarks never ship
 * and run on plain Node, so they may use timers, `process` and devDependencies.
 */
export default [
	...config,
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.e2e/**', 'packages-out/**', 'vendors/**'] },
	{
		files: ['test/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@n8n/community-nodes/no-http-request-with-manual-auth': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'no-console': 'off',
		},
	},
	{
		files: ['scripts/**/*.mjs', '*.js', '*.mjs'],
		languageOptions: { globals: { ...globals.node }, sourceType: 'module' },
		rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
	},
];
