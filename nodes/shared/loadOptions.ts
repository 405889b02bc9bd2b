import type { IDataObject, IHttpRequestOptions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { locatorValueOf } from './resourceLocator';

/**
 * A parameter of the node being edited, as the editor currently has it (pickers run before the
 * node is saved). Resource locators give their id.
 */
export function currentParameter(ctx: ILoadOptionsFunctions, path: string): string {
	let value: unknown;
	try {
		value = ctx.getCurrentNodeParameter(path);
	} catch {
		value = undefined;
	}
	if (value === undefined) {
		try {
			value = ctx.getNodeParameter(path, '');
		} catch {
			value = '';
		}
	}
	return locatorValueOf(value);
}

/**
 * One authenticated request of a picker (listSearch). The credential signs it or adds its token,
 * and n8n renews an expired token once, as for the node's own requests. A failed listing shows
 * the service's message in the picker.
 */
export async function pickerRequest<T>(
	ctx: ILoadOptionsFunctions,
	credentialType: string,
	options: IHttpRequestOptions,
	describe: (body: IDataObject) => string | undefined,
): Promise<T> {
	try {
		return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, {
			json: true,
			...options,
		})) as T;
	} catch (error) {
		const e = error as { message?: string; description?: string; context?: { data?: unknown }; response?: { data?: unknown } };
		const data = (e.response?.data ?? e.context?.data) as IDataObject | undefined;
		const detail = data && typeof data === 'object' ? describe(data) : undefined;
		throw new NodeOperationError(ctx.getNode(), `Could not load the list: ${detail ?? e.message ?? String(error)}`);
	}
}

/** Case-insensitive "contains" for pickers whose API has no search parameter. */
export function matchesFilter(filter: string | undefined, ...values: unknown[]): boolean {
	const wanted = String(filter ?? '').trim().toLowerCase();
	if (!wanted) return true;
	return values.some((v) => String(v ?? '').toLowerCase().includes(wanted));
}
