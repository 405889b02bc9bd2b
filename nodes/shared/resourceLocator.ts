import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';

import { itemParameter } from './itemInput';

function isLocator(value: unknown): value is INodeParameterResourceLocator {
	return value !== null && typeof value === 'object' && (value as IDataObject).__rl === true;
}

/**
 * The id behind a parameter that is a resource locator now but was a plain string in saved
 * workflows: accepts both `{__rl: true, mode, value}` and `'id'`. URL modes are resolved by n8n
 * (`extractValue`), the other modes hold the id itself.
 */
export function readLocatorValue(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const raw = itemParameter<unknown>(ctx, name, itemIndex, '');
	if (isLocator(raw)) {
		if (raw.mode === 'url') {
			return String(ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
		}
		return String(raw.value ?? '').trim();
	}
	return String(raw ?? '').trim();
}

/** The id of a locator or plain value already read (e.g. a field of a collection). */
export function locatorValueOf(raw: unknown): string {
	if (isLocator(raw)) return String(raw.value ?? '').trim();
	return String(raw ?? '').trim();
}
