import type { IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RetryPolicy } from './transport';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from './transport';

/** Downloads of whole files get longer than API calls unless the user sets a timeout. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 300_000;
const MAX_TIMEOUT_SECONDS = 3600;

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

/**
 * Batching fields for an operation's "Options" collection. `apiMaximum` is what one request may
 * carry; users may only lower it (e.g. to stay under a gateway's body size limit). Operations
 * that send one unit per request (apiMaximum 1) get no batch size field.
 */
/** What an operation adds to or leaves out of the batching fields. */
export interface BatchingFieldChoices {
	/** Appended to the Batch Size description (e.g. a deployment with another default). */
	batchSizeNote?: string;
	/** Whether the operation can run requests side by side (default true); a poll that reads pages one after another cannot. */
	concurrency?: boolean;
}

function batchingOptionFields(apiMaximum: number, unitNoun: string, { batchSizeNote = '', concurrency = true }: BatchingFieldChoices = {}): INodeProperties[] {
	const batchSizeDescription = [`How many ${unitNoun} to send in one request. ${apiMaximum} is the API maximum.`, batchSizeNote]
		.filter(Boolean)
		.join(' ');
	const batchSize: INodeProperties[] =
		apiMaximum > 1
			? [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: apiMaximum },
						default: apiMaximum,
						description: batchSizeDescription,
					},
				]
			: [];
	return [
		...batchSize,
		...(concurrency
			? [
					{
						displayName: 'Concurrent Requests',
						name: 'concurrency',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
						default: DEFAULT_CONCURRENCY,
						description: 'How many requests may be in flight at the same time',
					} satisfies INodeProperties,
				]
			: []),
		{
			displayName: 'Retries on Rate Limit or Outage',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 4, // = DEFAULT_RETRY_POLICY.maxRetries (the lint rule wants a literal)
			description:
				'How many times a request is retried after HTTP 429, 502, 503, 504 or a dropped connection, with exponential backoff that honours Retry-After. Requests that are not safe to repeat (copy, create) are not sent again once they may have reached the service.',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 0.1, maxValue: MAX_TIMEOUT_SECONDS, numberPrecision: 1 },
			default: 60, // = DEFAULT_TIMEOUT_MS / 1000
			description:
				'How long to wait for the answer to one request before giving up on it (file downloads wait 300 seconds unless this is set)',
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
	choices?: BatchingFieldChoices,
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...fields, ...batchingOptionFields(apiMaximum, unitNoun, choices)],
	};
}

export interface BatchSettings {
	batchSize: number;
	concurrency: number;
	retry: RetryPolicy;
	/** Per-attempt timeout of API requests. */
	timeoutMs: number;
	/** Per-attempt timeout of file downloads. */
	downloadTimeoutMs: number;
}

/**
 * A whole number option in [min, max], or the fallback when it is not set. Anything else (0,
 * -1, 1.5, "abc") is an error before anything is sent, not a silent clamp.
 */
export function readWholeNumberOption(
	ctx: { getNode(): INode },
	value: unknown,
	label: string,
	min: number,
	max: number,
	fallback: number,
	whole = true,
): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || n < min || n > max) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${label}: ${JSON.stringify(value)} is not ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`,
			{ itemIndex: 0, description: `Item 0, option "${label}". Nothing was sent.` },
		);
	}
	return n;
}

/** Reads the batching fields of the `options` collection (node-wide: taken from item 0). */
export function readBatchSettings(ctx: IExecuteFunctions, apiMaximum: number): BatchSettings {
	return batchSettingsFrom(ctx.getNodeParameter('options', 0, {}) as BatchOptionValues, apiMaximum, ctx);
}

export interface BatchOptionValues {
	batchSize?: unknown;
	concurrency?: unknown;
	maxRetries?: unknown;
	timeout?: unknown;
}

/**
 * The batching fields of an `options` collection already read (triggers read it without an
 * item). Values out of range are errors naming the option (see readWholeNumberOption).
 */
export function batchSettingsFrom(
	options: BatchOptionValues,
	apiMaximum: number,
	ctx: { getNode(): INode },
): BatchSettings {
	const timeoutSeconds = readWholeNumberOption(ctx, options.timeout, 'Request Timeout (Seconds)', 0.1, MAX_TIMEOUT_SECONDS, 0, false);
	return {
		batchSize: readWholeNumberOption(ctx, options.batchSize, 'Batch Size', 1, apiMaximum, apiMaximum),
		concurrency: readWholeNumberOption(ctx, options.concurrency, 'Concurrent Requests', 1, MAX_CONCURRENCY, DEFAULT_CONCURRENCY),
		retry: {
			...DEFAULT_RETRY_POLICY,
			maxRetries: readWholeNumberOption(ctx, options.maxRetries, 'Retries on Rate Limit or Outage', 0, 10, DEFAULT_RETRY_POLICY.maxRetries),
		},
		timeoutMs: timeoutSeconds ? Math.round(timeoutSeconds * 1000) : DEFAULT_TIMEOUT_MS,
		downloadTimeoutMs: timeoutSeconds ? Math.round(timeoutSeconds * 1000) : DEFAULT_DOWNLOAD_TIMEOUT_MS,
	};
}
