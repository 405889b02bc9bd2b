/**
 * The per-item baseline: the same work done the way a workflow does it without this package,
 * one HTTP request per input item, signed by the same credential type through n8n's
 * `httpRequestWithAuthentication`.
 *
 * `parallel` mirrors n8n's HTTP Request node v4 (n8n-nodes-base 2.8.4, HttpRequestV3.node.js)
 * without the "Batching" option: its item loop starts every item's request without waiting (it
 * only sleeps when batchInterval > 0) and then awaits them all with Promise.allSettled, so all
 * requests are in flight at once. `sequential` is one request after the other (Loop Over Items
 * with batch size 1, or Batching with 1 item per batch), what users set up to respect a rate
 * limit. A listing (TaurusDB) pages one page after the other within an item, like the HTTP
 * Request node's pagination.
 *
 * The HTTP Request node itself cannot be the baseline: with "Predefined Credential Type" it
 * calls the legacy `requestWithAuthentication`, whose options carry `uri` instead of `url`, and
 * this package's credentials (credentials/common/wireRequest.ts) then fail with "Invalid URL".
 * This node is leaner than the HTTP Request node (that one resolves a dozen parameters per item),
 * so the baseline's n8n overhead is, if anything, understated.
 *
 * Self-contained on purpose (type imports only): bench/n8nMode.ts transpiles this file into a
 * small community package so the real n8n runs the very same code.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeConnectionType,
} from 'n8n-workflow';

/** Package and node name of the baseline in the real n8n (the node type is `<package>.<name>`). */
export const BASELINE_PACKAGE = 'n8n-nodes-bench-baseline';
export const BASELINE_NODE_NAME = 'perItemHttp';
export const BASELINE_NODE_TYPE = `${BASELINE_PACKAGE}.${BASELINE_NODE_NAME}`;

export type BaselineMode = 'parallel' | 'sequential';

/**
 * One item's request. String values may hold `{{field}}`, replaced by the item's json field
 * (anywhere in url, qs, body and headers, also inside arrays).
 */
export interface BaselineTemplate {
	method: IHttpRequestOptions['method'];
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: IDataObject;
	/** Listing: `listField` of the response is a page; the next page passes the last entry's `cursorKey` as `cursorParam`. */
	pagination?: { listField: string; pageSize: number; cursorParam: string; cursorKey: string };
}

export interface BaselineStats {
	requests: number;
	/** Results received: 1 per id, the entries of every page of a listing. */
	units: number;
	failures: number;
	firstError?: string;
}

/** Filled in by the last execute() (the in-process worker reads it after the run). */
export const lastBaselineStats: BaselineStats = { requests: 0, units: 0, failures: 0 };

function fill(value: unknown, item: IDataObject): unknown {
	if (typeof value === 'string') {
		return value.replace(/\{\{(\w+)\}\}/g, (_, field: string) => String(item[field] ?? ''));
	}
	if (Array.isArray(value)) return value.map((v) => fill(v, item));
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [k, v] of Object.entries(value)) out[k] = fill(v, item) as IDataObject[keyof IDataObject];
		return out;
	}
	return value;
}

export class PerItemHttp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Per-item HTTP Request (benchmark baseline)',
		name: BASELINE_NODE_NAME,
		group: ['transform'],
		version: 1,
		description: 'One signed request per input item',
		defaults: { name: 'Per-item HTTP Request' },
		usableAsTool: true,
		inputs: ['main' as NodeConnectionType],
		outputs: ['main' as NodeConnectionType],
		credentials: [
			{ name: 'huaweiCloudAkSkApi', required: false },
			{ name: 'huaweiCloudIamApi', required: false },
			{ name: 'wps365Api', required: false },
			{ name: 'alibabaPdsAccessKeyApi', required: false },
			{ name: 'alibabaPdsJwtAppApi', required: false },
		],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'parallel' },
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: '' },
			{ displayName: 'Request Template (JSON)', name: 'template', type: 'string', default: '{}' },
			// resolved per item, like the URL / query / body expressions of an HTTP Request node
			{ displayName: 'Item', name: 'item', type: 'json', default: '={{ $json }}' },
			// `status`: one small item per response instead of the body (see bench/n8nMode.ts)
			{ displayName: 'Output', name: 'output', type: 'string', default: 'body' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const mode = this.getNodeParameter('mode', 0) as BaselineMode;
		const credentialType = this.getNodeParameter('credentialType', 0) as string;
		const template = JSON.parse(this.getNodeParameter('template', 0) as string) as BaselineTemplate;
		const statusOnly = this.getNodeParameter('output', 0, 'body') === 'status';
		const stats: BaselineStats = { requests: 0, units: 0, failures: 0 };
		const { pagination, ...request } = template;

		const runItem = async (itemIndex: number): Promise<IDataObject[]> => {
			const item = this.getNodeParameter('item', itemIndex) as IDataObject;
			const options = { ...(fill(request, item) as IHttpRequestOptions), json: true };
			const pages: IDataObject[] = [];
			let cursor: string | undefined;
			for (;;) {
				const qs = pagination
					? { ...options.qs, limit: pagination.pageSize, ...(cursor ? { [pagination.cursorParam]: cursor } : {}) }
					: options.qs;
				stats.requests++;
				const body = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					...options,
					qs,
				})) as IDataObject;
				pages.push(statusOnly ? { ok: true } : body);
				if (!pagination) {
					stats.units++;
					break;
				}
				const list = (body?.[pagination.listField] ?? []) as IDataObject[];
				stats.units += list.length;
				if (list.length < pagination.pageSize) break;
				cursor = String(list[list.length - 1][pagination.cursorKey]);
			}
			return pages;
		};

		let settled: Array<PromiseSettledResult<IDataObject[]>>;
		if (mode === 'parallel') {
			const promises: Array<Promise<IDataObject[]>> = [];
			for (let i = 0; i < items.length; i++) promises.push(runItem(i));
			settled = await Promise.allSettled(promises);
		} else {
			settled = [];
			for (let i = 0; i < items.length; i++) {
				try {
					settled.push({ status: 'fulfilled', value: await runItem(i) });
				} catch (reason) {
					settled.push({ status: 'rejected', reason });
				}
			}
		}

		const output: INodeExecutionData[] = [];
		settled.forEach((result, itemIndex) => {
			if (result.status === 'fulfilled') {
				for (const json of result.value) output.push({ json, pairedItem: { item: itemIndex } });
				return;
			}
			const message = String((result.reason as Error)?.message ?? result.reason);
			stats.failures++;
			stats.firstError ??= message;
			output.push({ json: { error: message }, pairedItem: { item: itemIndex } });
		});
		Object.assign(lastBaselineStats, { firstError: undefined }, stats);
		return [output];
	}
}
