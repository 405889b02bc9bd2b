/** The shared engine's pieces that every node relies on, checked directly. */
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { chunkByLimits, runWithConcurrency } from '../../nodes/shared/batchEngine';
import { itemParameter } from '../../nodes/shared/itemInput';
import { backoffMs, retryAfterMs } from '../../nodes/shared/transport';
import { runNode } from '../helpers/inProcess';

describe('runWithConcurrency', () => {
	function track(count: number, log: string[], active: { now: number; max: number }) {
		return Array.from({ length: count }, (_, i) => async () => {
			log.push(`start ${i}`);
			active.now++;
			active.max = Math.max(active.max, active.now);
			await new Promise((resolve) => setTimeout(resolve, 5));
			active.now--;
			log.push(`end ${i}`);
		});
	}

	it('runs the first task alone when asked (token warm-up), then at most `limit` at once', async () => {
		const log: string[] = [];
		const active = { now: 0, max: 0 };
		await runWithConcurrency(track(9, log, active), 3, true);
		expect(log.indexOf('end 0')).toBeLessThan(log.indexOf('start 1'));
		expect(active.max).toBe(3);
		expect(log.filter((l) => l.startsWith('end'))).toHaveLength(9);
	});

	it('starts `limit` tasks at once without the warm-up', async () => {
		const log: string[] = [];
		const active = { now: 0, max: 0 };
		await runWithConcurrency(track(9, log, active), 4, false);
		expect(log.slice(0, 4)).toEqual(['start 0', 'start 1', 'start 2', 'start 3']);
		expect(active.max).toBe(4);
	});
});

describe('chunkByLimits', () => {
	it('keeps order and cuts at batchSize', () => {
		expect(chunkByLimits([1, 2, 3, 4, 5], { batchSize: 2 })).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunkByLimits([], { batchSize: 2 })).toEqual([]);
	});

	it('also cuts where the weights would pass maxWeight; an entry heavier than that goes alone', () => {
		const weight = (s: string) => s.length;
		expect(chunkByLimits(['aaa', 'bb', 'c', 'dddd', 'eeeeeeeeee', 'f'], { batchSize: 10, weight, maxWeight: 6 })).toEqual([
			['aaa', 'bb', 'c'],
			['dddd'],
			['eeeeeeeeee'],
			['f'],
		]);
		// both bounds at once: the first one reached cuts
		expect(chunkByLimits(['a', 'b', 'c', 'dddddd'], { batchSize: 2, weight, maxWeight: 6 })).toEqual([['a', 'b'], ['c'], ['dddddd']]);
	});
});

describe('retry timing', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
		expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
		expect(retryAfterMs({})).toBeUndefined();
	});

	it('backs off exponentially with jitter, capped', () => {
		const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
		expect(backoffMs(0, policy, () => 0)).toBe(50);
		expect(backoffMs(2, policy, () => 1)).toBe(400);
		expect(backoffMs(10, policy, () => 1)).toBe(1000);
	});
});

describe('itemParameter gives what getNodeParameter gives, per item', () => {
	/** Outputs, per item, n8n's value and itemParameter's value of the parameter `value`. */
	class ProbeNode implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			usableAsTool: true,
			description: 'test',
			defaults: { name: 'Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [{ displayName: 'A', name: 'a', type: 'string', default: '' }] },
			],
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [
				this.getInputData().map((_, i) => ({
					json: {
						n8n: this.getNodeParameter('value', i, '') as never,
						fast: itemParameter(this, 'value', i, '') as never,
						n8nOptions: this.getNodeParameter('options', i, {}) as never,
						fastOptions: itemParameter(this, 'options', i, {}) as never,
					},
					pairedItem: { item: i },
				})),
			];
		}
	}

	const items = [
		{ id: 'a1', n: 7, list: ['x', 'y'], nested: { deep: { id: 'd1' } }, obj: { k: 1 }, flag: true },
		{ id: 'b2', n: 0, list: [], nested: { deep: { id: 'd2' } }, obj: { k: 2 }, flag: false },
		{ id: '', nested: {} },
	];

	it.each([
		['a fixed value', 'plain, text'],
		['a scalar field', '={{ $json.id }}'],
		['a number field', '={{ $json.n }}'],
		['an array field', '={{ $json.list }}'],
		['a nested path', '={{ $json.nested.deep.id }}'],
		['a quoted path', '={{ $json["id"] }}'],
		['an object (left to n8n)', '={{ $json.obj }}'],
		['a missing field (left to n8n)', '={{ $json.missing }}'],
		['a computed expression (left to n8n)', '={{ $json.id + "-" + $itemIndex }}'],
		['a mixed template (left to n8n)', '=id {{ $json.id }}'],
	])('%s', async (_label, value) => {
		const result = await runNode({
			nodeType: new ProbeNode(),
			parameters: { value, options: { a: '={{ $json.id }}' } },
			items,
		});
		expect(result.error).toBeUndefined();
		for (const item of result.main) {
			expect(item.json.fast).toEqual(item.json.n8n);
			expect(item.json.fastOptions).toEqual(item.json.n8nOptions);
		}
	});
});
