import type { IBinaryKeyData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputData, UnitFailure, UnitOutcome } from './batchEngine';
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
		/** Per-attempt timeout (default: the transport's). */
		timeoutMs?: number;
		readServiceError: ServiceErrorReader;
	},
): Promise<void> {
	const tasks: Array<() => Promise<void>> = [];
	// duplicate units share one outcome object: download its files once
	const seen = new Set<UnitOutcome>();
	// failed files per outcome, applied once every download has finished: the outcome's outputs
	// stay in place while sibling downloads still write into them
	const failedFiles = new Map<{ outputs: OutputData[] }, Set<number>>();
	const partFailures = new Map<{ outputs: OutputData[] }, UnitFailure[]>();
	for (const outcome of outcomes) {
		if (!outcome || isFailure(outcome) || seen.has(outcome)) continue;
		seen.add(outcome);
		outcome.outputs.forEach((output: OutputData, position) => {
			const link = output.json[options.linkField];
			if (typeof link !== 'string' || link === '') return;
			tasks.push(async () => {
				const fileName = String(output.json[options.fileNameField] ?? '') || undefined;
				try {
					const response = await sendWithRetry<ArrayBuffer>(
						ctx,
						{ method: 'GET', url: link, encoding: 'arraybuffer', timeoutMs: options.timeoutMs, service: 'the file storage' },
						options.retry,
						options.readServiceError,
					);
					const contentType = String(response.headers['content-type'] ?? '').split(';')[0] || undefined;
					const binary: IBinaryKeyData = {
						[options.binaryProperty]: await ctx.helpers.prepareBinaryData(
							Buffer.from(response.body),
							fileName,
							contentType,
						),
					};
					outcome.outputs[position] = { ...output, binary };
				} catch (error) {
					const failure = toUnitFailure(error, output.json);
					failure.message = `download of file "${fileName ?? link.split('?')[0]}" failed: ${failure.message}`;
					let failed = failedFiles.get(outcome);
					if (!failed) failedFiles.set(outcome, (failed = new Set()));
					failed.add(position);
					let list = partFailures.get(outcome);
					if (!list) partFailures.set(outcome, (list = []));
					list.push(failure);
				}
			});
		});
	}
	await runWithConcurrency(tasks, options.concurrency);
	// the files that could not be downloaded become errors of their own; the others are kept
	for (const [outcome, positions] of failedFiles) {
		const target = outcome as { outputs: OutputData[]; partFailures?: UnitFailure[] };
		target.outputs = target.outputs.filter((_, position) => !positions.has(position));
		target.partFailures = [...(target.partFailures ?? []), ...(partFailures.get(outcome) ?? [])];
	}
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
		timeoutMs: settings.downloadTimeoutMs,
		readServiceError,
	});
}
