import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requireValid } from '../../../shared/itemInput';

/** Share link fields of the Create and Update forms, mapped to the API's names. */
export function shareLinkFields(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject): IDataObject {
	const body: IDataObject = {};
	if (fields.shareName !== undefined && fields.shareName !== '') {
		requireValid(ctx, String(fields.shareName).length <= 128, itemIndex, 'Share Name', 'longer than 128 characters');
		body.share_name = String(fields.shareName);
	}
	if (fields.sharePwd !== undefined && fields.sharePwd !== '') {
		requireValid(ctx, String(fields.sharePwd).length <= 64, itemIndex, 'Password', 'longer than 64 characters');
		body.share_pwd = String(fields.sharePwd);
	}
	if (fields.expiration !== undefined && fields.expiration !== '') {
		const at = Date.parse(String(fields.expiration));
		requireValid(ctx, Number.isFinite(at), itemIndex, 'Expiration', 'is not a date');
		body.expiration = new Date(at).toISOString();
	}
	if (fields.description !== undefined && fields.description !== '') body.description = String(fields.description);
	return body;
}

/** The share link every operation but Create and List works on. */
export const shareIdField: INodeProperties = {
	displayName: 'Share ID',
	name: 'shareId',
	type: 'string',
	default: '',
	required: true,
	description: 'ID of the share link',
};
