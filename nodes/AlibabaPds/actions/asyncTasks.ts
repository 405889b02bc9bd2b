import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { OutputData, UnitOutcome, WorkPlan } from '../../shared/batchEngine';
import { isFailure, toUnitFailure } from '../../shared/batchEngine';
import type { BatchSettings } from '../../shared/batchOptions';
import type { PdsTarget } from '../transport';
import { pdsBatch } from '../transport';
import type { ChildUnit } from './childOperation';

const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 5000;

/**
 * Folder copy, delete and trash may answer with an `async_task_id`. This polls
 * `/async_task/get`, 100 tasks per batch call, until every task has succeeded or failed or the
 * timeout has passed, and writes the final state into each output (a failed or unfinished task
 * fails its unit).
 */
export async function waitForAsyncTasks(
	ctx: IExecuteFunctions,
	plan: WorkPlan<ChildUnit>,
	target: PdsTarget,
	settings: BatchSettings,
	timeoutMs: number,
): Promise<void> {
	const pending = new Map<string, { index: number; output: OutputData }>();
	plan.outcomes.forEach((outcome, index) => {
		if (!outcome || isFailure(outcome)) return;
		const output = outcome.outputs[0];
		const taskId = output?.json.async_task_id;
		if (typeof taskId === 'string' && taskId !== '') pending.set(taskId, { index, output });
	});
	const deadline = Date.now() + timeoutMs;
	let delay = FIRST_POLL_MS;
	while (pending.size > 0) {
		await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
		const ids = [...pending.keys()];
		for (let start = 0; start < ids.length; start += settings.batchSize) {
			const chunk = ids.slice(start, start + settings.batchSize);
			let responses: Awaited<ReturnType<typeof pdsBatch>>['responses'];
			try {
				({ responses } = await pdsBatch(
					ctx,
					target,
					chunk.map((id, position) => ({ id: String(position), url: '/async_task/get', body: { async_task_id: id } })),
					settings.retry,
					settings.timeoutMs,
				));
			} catch (error) {
				// the task ran (or runs); only its state is unknown: fail these units, keep the others
				const failure = toUnitFailure(error);
				for (const taskId of chunk) {
					const entry = pending.get(taskId);
					if (!entry) continue;
					pending.delete(taskId);
					plan.outcomes[entry.index] = {
						failure: { ...failure, message: `state of async task ${taskId} unknown: ${failure.message}`, context: entry.output.json },
					};
				}
				continue;
			}
			for (const response of responses) {
				const taskId = chunk[Number(response.id)];
				const entry = taskId !== undefined ? pending.get(taskId) : undefined;
				if (!entry || response.status >= 400) continue;
				const task = response.body ?? {};
				if (task.state === 'Running') continue;
				pending.delete(taskId);
				settle(plan.outcomes, entry, task);
			}
		}
		if (Date.now() >= deadline) break;
		delay = Math.min(MAX_POLL_MS, delay * 2);
	}
	for (const [taskId, entry] of pending) {
		plan.outcomes[entry.index] = {
			failure: {
				message: `Async task ${taskId} had not finished after ${Math.round(timeoutMs / 1000)} s`,
				context: { ...entry.output.json, async_task_state: 'Running' },
			},
		};
	}
}

function settle(outcomes: Array<UnitOutcome | undefined>, entry: { index: number; output: OutputData }, task: IDataObject) {
	const json = { ...entry.output.json, async_task_state: task.state, async_task: task };
	if (task.state === 'Succeed') {
		outcomes[entry.index] = { outputs: [{ json }] };
		return;
	}
	outcomes[entry.index] = {
		failure: {
			message: `Async task ${String(task.async_task_id)} ${String(task.state)}: ${String(task.err_code || '')} ${String(task.message || '')}`.trim(),
			code: task.err_code ? String(task.err_code) : undefined,
			context: json,
		},
	};
}
