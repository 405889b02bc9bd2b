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

/** A picker waits at most this long for the service (the editor shows an error instead of a spinner). */
export const PICKER_TIMEOUT_MS = 20_000;

/**
 * One authenticated request of a picker (listSearch). The credential signs it or adds its token,
 * and n8n renews an expired token once, as for the node's own requests. A failed listing shows
 * the service's message in the picker; an unreachable host (e.g. the public endpoint of a region
 * when Options > Endpoint URL is not set on a private network) fails within PICKER_TIMEOUT_MS,
 * naming the host.
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
			timeout: PICKER_TIMEOUT_MS,
			...options,
		})) as T;
	} catch (error) {
		const e = error as { message?: string; code?: string; description?: string; context?: { data?: unknown }; response?: { data?: unknown } };
		const data = (e.response?.data ?? e.context?.data) as IDataObject | undefined;
		const detail = data && typeof data === 'object' ? describe(data) : undefined;
		const message = e.message ?? String(error);
		// n8n replaces the network error codes by sentences (NodeApiError's common errors)
		const unreachable =
			/timeout|timed out|ETIMEDOUT|ECONNABORTED|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|refused the connection|cannot be established|unreachable|DNS server|connection was aborted/i;
		if (!detail && unreachable.test(`${e.code ?? ''} ${message} ${e.description ?? ''}`)) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Could not load the list: no answer from ${hostOf(options.url)} (${message}); check the region or Options > Endpoint URL`,
			);
		}
		throw new NodeOperationError(ctx.getNode(), `Could not load the list: ${detail ?? message}`);
	}
}

function hostOf(url: string | undefined): string {
	const match = /^[a-z]+:\/\/([^/?#]+)/i.exec(String(url ?? ''));
	return match ? match[1] : String(url ?? '');
}

/** Case-insensitive "contains" for pickers whose API has no search parameter. */
export function matchesFilter(filter: string | undefined, ...values: unknown[]): boolean {
	const wanted = String(filter ?? '').trim().toLowerCase();
	if (!wanted) return true;
	return values.some((v) => String(v ?? '').toLowerCase().includes(wanted));
}
