import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RetryPolicy } from './transport';
import { DEFAULT_RETRY_POLICY } from './transport';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

/**
 * Batching fields for an operation's "Options" collection. `apiMaximum` is what one request may
 * carry; users may only lower it (e.g. to stay under a gateway's body size limit). Operations
 * that send one unit per request (apiMaximum 1) get no batch size field.
 */
function batchingOptionFields(apiMaximum: number, unitNoun: string): INodeProperties[] {
	const batchSize: INodeProperties[] =
		apiMaximum > 1
			? [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: apiMaximum },
						default: apiMaximum,
						description: `How many ${unitNoun} to send in one request. ${apiMaximum} is the API maximum.`,
					},
				]
			: [];
	return [
		...batchSize,
		{
			displayName: 'Concurrent Requests',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
			default: DEFAULT_CONCURRENCY,
			description: 'How many requests may be in flight at the same time',
		},
		{
			displayName: 'Retries on Rate Limit or Outage',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 4, // = DEFAULT_RETRY_POLICY.maxRetries (the lint rule wants a literal)
			description:
				'How many times a request is retried after HTTP 429, 502, 503, 504 or a dropped connection, with exponential backoff that honours Retry-After',
		},
	];
}

/**
 * The "Options" collection of an operation: its own options followed by the batching fields,
 * so every operation offers batch size, concurrency and retries in the same place.
 */
export function operationOptions(
	fields: INodeProperties[],
	apiMaximum: number,
	unitNoun: string,
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields, ...batchingOptionFields(apiMaximum, unitNoun)],
	};
}

export interface BatchSettings {
	batchSize: number;
	concurrency: number;
	retry: RetryPolicy;
}

function clamp(value: unknown, min: number, max: number, fallback: number): number {
	const n = Number(value);
	if (!Number.isFinite(n)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(n)));
}

/** Reads the batching fields of the `options` collection (node-wide: taken from item 0). */
export function readBatchSettings(ctx: IExecuteFunctions, apiMaximum: number): BatchSettings {
	return batchSettingsFrom(ctx.getNodeParameter('options', 0, {}) as BatchOptionValues, apiMaximum);
}

export interface BatchOptionValues {
	batchSize?: number;
	concurrency?: number;
	maxRetries?: number;
}

/** The batching fields of an `options` collection already read (triggers read it without an item). */
export function batchSettingsFrom(options: BatchOptionValues, apiMaximum: number): BatchSettings {
	return {
		batchSize: clamp(options.batchSize, 1, apiMaximum, apiMaximum),
		concurrency: clamp(options.concurrency, 1, MAX_CONCURRENCY, DEFAULT_CONCURRENCY),
		retry: {
			...DEFAULT_RETRY_POLICY,
			maxRetries: clamp(options.maxRetries, 0, 10, DEFAULT_RETRY_POLICY.maxRetries),
		},
	};
}
