import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { huaweiAuthenticationProperty, huaweiCredentials } from '../HuaweiCloud/authentication';
import type { AuditLogFile } from '../HuaweiCloud/actions/auditLog/getDownloadLinks.operation';
import {
	INSTANCE_ID,
	listAuditLogFiles,
	NODE_ID,
	TAURUSDB_MAX_PAGE,
} from '../HuaweiCloud/actions/auditLog/getDownloadLinks.operation';
import { endpointOption, languageOption, taurusInstanceLocator, taurusNodeLocator } from '../HuaweiCloud/actions/common.descriptions';
import { searchTaurusInstances, searchTaurusNodes } from '../HuaweiCloud/methods/listSearch';
import { formatHuaweiTime, parseDateValue } from '../HuaweiCloud/helpers/time';
import type { HuaweiAuthentication } from '../HuaweiCloud/transport';
import { huaweiTargetFor, readHuaweiError } from '../HuaweiCloud/transport';
import type { BatchOptionValues } from '../shared/batchOptions';
import { batchSettingsFrom, operationOptions } from '../shared/batchOptions';
import type { OutputData, UnitOutcome } from '../shared/batchEngine';
import { isFailure } from '../shared/batchEngine';
import { downloadLinkedFiles, downloadOptions } from '../shared/download';
import { locatorValueOf } from '../shared/resourceLocator';
import {
	isManualPoll,
	lookbackHoursOf,
	lookbackOption,
	nothingToShow,
	readPollWindow,
	savePollWindow,
	takeNew,
} from '../shared/pollWindow';

/** How far back the manual test looks for the newest file (at least). */
const MANUAL_LOOKBACK_HOURS = 24;

interface TriggerOptions extends BatchOptionValues {
	lookbackHours?: number;
	download?: boolean;
	binaryPropertyName?: string;
	endpoint?: string;
	language?: string;
}

export class HuaweiCloudTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Huawei Cloud Trigger',
		name: 'huaweiCloudTrigger',
		icon: { light: 'file:huaweiCloud.svg', dark: 'file:huaweiCloud.dark.svg' },
		group: ['trigger'],
		version: 1,
		// $parameter gives a picker's id (n8n extracts it), as it gives the plain string of older workflows
		subtitle: '={{"New audit log file: " + $parameter["instanceId"]}}',
		description: 'Starts the workflow when a new TaurusDB full-SQL audit log file appears',
		defaults: { name: 'Huawei Cloud Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: huaweiCredentials,
		properties: [
			huaweiAuthenticationProperty,
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New Audit Log File',
						value: 'newAuditLogFile',
						description: 'A TaurusDB full-SQL audit log file appeared',
					},
				],
				default: 'newAuditLogFile',
			},
			taurusInstanceLocator('The TaurusDB instance whose new audit log files start the workflow'),
			taurusNodeLocator,
			operationOptions(
				[lookbackOption, ...downloadOptions('new audit log file'), endpointOption('taurusdb'), languageOption],
				1,
				'listings',
			),
		],
	};

	methods = {
		listSearch: { searchTaurusInstances, searchTaurusNodes },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// pickers now; plain strings in workflows saved before
		const instanceId = locatorValueOf(this.getNodeParameter('instanceId', ''));
		const nodeId = locatorValueOf(this.getNodeParameter('nodeId', ''));
		if (!INSTANCE_ID.test(instanceId)) {
			throw new NodeOperationError(this.getNode(), `Instance ID: "${instanceId}" is not 36 letters and digits ending in "in07"`);
		}
		if (nodeId !== '' && !NODE_ID.test(nodeId)) {
			throw new NodeOperationError(this.getNode(), `Node ID: "${nodeId}" is not 36 letters and digits ending in "no07"`);
		}
		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const settings = batchSettingsFrom(options, 1, this);
		const authentication = this.getNodeParameter('authentication', 'iamToken') as HuaweiAuthentication;
		const target = await huaweiTargetFor(this, 'taurusdb', authentication, options.endpoint);
		const timeZone = this.getTimezone();
		const lookbackHours = lookbackHoursOf(options);
		const now = Date.now();

		const list = async (from: number) =>
			await listAuditLogFiles(
				this,
				target,
				{
					instanceId,
					nodeId,
					startTime: formatHuaweiTime(new Date(from), timeZone),
					endTime: formatHuaweiTime(new Date(now), timeZone),
					maxFiles: Infinity,
					pageSize: TAURUSDB_MAX_PAGE,
					language: options.language,
				},
				settings.retry,
			);
		const timeOf = (file: AuditLogFile) => parseDateValue(file.updated_time, timeZone)?.getTime() ?? NaN;

		let files: AuditLogFile[];
		let save: (() => void) | undefined;
		if (isManualPoll(this)) {
			// the newest file of the last day (or of the lookback, when longer), state untouched
			const listed = await list(now - Math.max(MANUAL_LOOKBACK_HOURS, lookbackHours) * 3600_000);
			const newest = listed.reduce<AuditLogFile | undefined>(
				(best, f) => (best === undefined || timeOf(f) > timeOf(best) ? f : best),
				undefined,
			);
			if (!newest) {
				throw nothingToShow(this, `audit log files of instance ${instanceId} in the last ${Math.max(MANUAL_LOOKBACK_HOURS, lookbackHours)} hours`);
			}
			files = [newest];
		} else {
			const fingerprint = `${instanceId}/${nodeId}`;
			const window = readPollWindow(this, now, lookbackHours, fingerprint);
			const listed = await list(window.start);
			const { fresh, next } = takeNew(
				window,
				listed.map((entry) => ({ entry, key: entry.name, time: timeOf(entry) })),
				now,
			);
			files = fresh;
			save = () => savePollWindow(this, next, fingerprint);
		}

		let outputs: OutputData[] = files.map((json) => ({ json: json as IDataObject }));
		if (options.download && outputs.length > 0) {
			const outcome: UnitOutcome = { outputs };
			await downloadLinkedFiles(this, [outcome], {
				linkField: 'download_link',
				fileNameField: 'name',
				binaryProperty: options.binaryPropertyName || 'data',
				concurrency: settings.concurrency,
				retry: settings.retry,
				readServiceError: readHuaweiError,
			});
			if (isFailure(outcome)) {
				// nothing is saved: the next poll lists these files again
				throw new NodeOperationError(this.getNode(), `Download failed: ${outcome.failure.message}`, {
					description: outcome.failure.description,
				});
			}
			outputs = outcome.outputs;
		}
		save?.();
		if (outputs.length === 0) return null;
		return [outputs as INodeExecutionData[]];
	}
}
