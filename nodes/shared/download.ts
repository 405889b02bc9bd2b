import type { IBinaryKeyData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputData, UnitOutcome } from './batchEngine';
import { isFailure, runWithConcurrency, toUnitFailure } from './batchEngine';
import type { BatchSettings } from './batchOptions';
import type { RequestContext, RetryPolicy, ServiceErrorReader } from './transport';
import { sendWithRetry } from './transport';

/**
 * Downloads the file behind each output's link into a binary property. The links are pre-signed
 * (OBS, emulator), so no credential is sent. A failed download fails only that unit.
 */
export async function downloadLinkedFiles(
	ctx: RequestContext,
	outcomes: Array<UnitOutcome | undefined>,
	options: {
		linkField: string;
		fileNameField: string;
		binaryProperty: string;
		concurrency: number;
		retry: RetryPolicy;
		readServiceError: ServiceErrorReader;
	},
): Promise<void> {
	const tasks: Array<() => Promise<void>> = [];
	// duplicate units share one outcome object: download its files once
	const seen = new Set<UnitOutcome>();
	for (const outcome of outcomes) {
		if (!outcome || isFailure(outcome) || seen.has(outcome)) continue;
		seen.add(outcome);
		outcome.outputs.forEach((output: OutputData, position) => {
			const link = output.json[options.linkField];
			if (typeof link !== 'string' || link === '') return;
			tasks.push(async () => {
				try {
					const response = await sendWithRetry<ArrayBuffer>(
						ctx,
						{ method: 'GET', url: link, encoding: 'arraybuffer' },
						options.retry,
						options.readServiceError,
					);
					const contentType = String(response.headers['content-type'] ?? '').split(';')[0] || undefined;
					const fileName = String(output.json[options.fileNameField] ?? '') || undefined;
					const binary: IBinaryKeyData = {
						[options.binaryProperty]: await ctx.helpers.prepareBinaryData(
							Buffer.from(response.body),
							fileName,
							contentType,
						),
					};
					(outcome as { outputs: OutputData[] }).outputs[position] = { ...output, binary };
				} catch (error) {
					// turn the shared outcome object itself into a failure, so duplicates see it too
					const failed = outcome as unknown as { outputs?: OutputData[]; failure?: unknown };
					delete failed.outputs;
					failed.failure = toUnitFailure(error, output.json);
				}
			});
		});
	}
	await runWithConcurrency(tasks, options.concurrency);
}

/** The "Download Files" option pair every operation that returns file links offers. */
export function downloadOptions(what: string): INodeProperties[] {
	return [
		{
			displayName: 'Download Files',
			name: 'download',
			type: 'boolean',
			default: false,
			description: `Whether to also download each ${what} into a binary property of its output item`,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			hint: 'The name of the output binary field to put the file in',
			displayOptions: { show: { download: [true] } },
		},
	];
}

/**
 * Runs the downloads when the operation's "Download Files" option is on, into the binary
 * property the user named (default `data`).
 */
export async function downloadFilesIfRequested(
	ctx: IExecuteFunctions,
	outcomes: Array<UnitOutcome | undefined>,
	fields: { linkField: string; fileNameField: string },
	settings: BatchSettings,
	readServiceError: ServiceErrorReader,
): Promise<void> {
	const options = ctx.getNodeParameter('options', 0, {}) as { download?: boolean; binaryPropertyName?: string };
	if (!options.download) return;
	await downloadLinkedFiles(ctx, outcomes, {
		...fields,
		binaryProperty: options.binaryPropertyName || 'data',
		concurrency: settings.concurrency,
		retry: settings.retry,
		readServiceError,
	});
}
