/** Small request/response helpers shared by the Huawei routes. */
import { randomUUID } from 'node:crypto';

import type { EmulatorRequest, EmulatorResponse } from '../types';

/**
 * Query pairs as a real server decodes them: split on `&` and the first `=`, a raw `+` becomes a
 * space, then percent-decoding (malformed escapes are kept as they are). Repeated keys stay separate.
 */
export function parseQuery(rawQuery: string): Array<[string, string]> {
	const pairs: Array<[string, string]> = [];
	if (!rawQuery) return pairs;
	for (const part of rawQuery.split('&')) {
		if (part === '') continue;
		const eq = part.indexOf('=');
		const name = eq < 0 ? part : part.slice(0, eq);
		const value = eq < 0 ? '' : part.slice(eq + 1);
		pairs.push([formDecode(name), formDecode(value)]);
	}
	return pairs;
}

function formDecode(value: string): string {
	const spaced = value.replace(/\+/g, ' ');
	try {
		return decodeURIComponent(spaced);
	} catch {
		return spaced;
	}
}

export class Query {
	readonly pairs: Array<[string, string]>;

	constructor(rawQuery: string) {
		this.pairs = parseQuery(rawQuery);
	}

	get(name: string): string | undefined {
		return this.pairs.find(([k]) => k === name)?.[1];
	}

	getAll(name: string): string[] {
		return this.pairs.filter(([k]) => k === name).map(([, v]) => v);
	}

	has(name: string): boolean {
		return this.pairs.some(([k]) => k === name);
	}
}

/** A header as one string (Node joins repeated headers; arrays only for set-cookie). */
export function header(req: EmulatorRequest, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	if (value === undefined) return undefined;
	return Array.isArray(value) ? value.join(', ') : value;
}

export function requestIdOf(req: EmulatorRequest): string {
	return req.requestId ?? randomUUID().replace(/-/g, '');
}

export function json(status: number, body: unknown, headers?: Record<string, string>): EmulatorResponse {
	return { status, body, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } };
}

/** `{"error_code", "error_msg"}` (OSM, MetaStudio, TaurusDB service errors). */
export function serviceError(status: number, code: string, message: string): EmulatorResponse {
	return json(status, { error_code: code, error_msg: message });
}

/** API gateway authentication failure (HTTP 401 APIGW.0301). */
export function apigwError(req: EmulatorRequest, detail: string): EmulatorResponse {
	return json(401, {
		error_msg: `Incorrect IAM authentication information: ${detail}`,
		error_code: 'APIGW.0301',
		request_id: requestIdOf(req),
	});
}

/** Keystone-style IAM error `{"error":{"code","message","title"}}`. */
export function iamError(status: number, message: string, title: string): EmulatorResponse {
	return json(status, { error: { code: status, message, title } });
}

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `yyyy-mm-ddThh:mm:ss+0800` */
export function formatBeijing(ms: number): string {
	return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19) + '+0800';
}

/** ISO 8601 UTC with microseconds, as IAM prints token times: `2024-01-04T09:05:22.701000Z`. */
export function formatIsoMicros(date: Date): string {
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Parses `yyyy-mm-ddThh:mm:ss+hhmm` / `-hhmm` (offset without colon) strictly; undefined when the
 * text does not have that exact form or names an impossible date.
 */
export function parseOffsetTime(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2})(\d{2})$/.exec(text);
	if (!m) return undefined;
	const [year, month, day, hour, minute, second, offH, offM] = [1, 2, 3, 4, 5, 6, 8, 9].map((i) =>
		Number(m[i]),
	);
	if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
	if (offH > 14 || offM > 59) return undefined;
	const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
	if (day < 1 || day > daysInMonth) return undefined;
	const sign = m[7] === '-' ? -1 : 1;
	return Date.UTC(year, month - 1, day, hour, minute, second) - sign * (offH * 60 + offM) * 60_000;
}
