/**
 * TaurusDB wants `yyyy-mm-ddThh:mm:ss+hhmm` (numeric offset without a colon). Users give n8n
 * date values: ISO strings with or without an offset, `$now`-style DateTime objects, or the
 * Huawei form itself. Values without an offset are read in the workflow's time zone.
 */

interface DateLike {
	toISO?: () => string | null;
	toJSDate?: () => Date;
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function pad(n: number, width = 2): string {
	return String(Math.abs(n)).padStart(width, '0');
}

/** Offset of `timeZone` from UTC at `instant`, in minutes. */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(instant);
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
	return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * `2023-02-30` is not a date (Date.parse would roll it over to 2 March): the day must exist in
 * its month, and the time fields be in range.
 */
function calendarDateExists(text: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
	if (!m) return true; // other forms are left to Date.parse
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	if (month < 1 || month > 12 || day < 1) return false;
	if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
	if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
	return true;
}

/** Parses a user-supplied date value into an instant; undefined when it is not a date. */
export function parseDateValue(value: unknown, timeZone: string): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	if (value && typeof value === 'object') {
		const d = value as DateLike;
		if (typeof d.toJSDate === 'function') return parseDateValue(d.toJSDate(), timeZone);
		if (typeof d.toISO === 'function') return parseDateValue(d.toISO(), timeZone);
		return undefined;
	}
	if (typeof value === 'number') return parseDateValue(new Date(value), timeZone);
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	let text = value.trim().replace(' ', 'T');
	if (!calendarDateExists(text)) return undefined;
	// `+0800` -> `+08:00`, which Date.parse understands
	text = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	if (HAS_OFFSET.test(text)) {
		const ms = Date.parse(text);
		return Number.isFinite(ms) ? new Date(ms) : undefined;
	}
	// no offset: wall-clock time in the workflow's time zone
	const asUtc = Date.parse(`${text}Z`);
	if (!Number.isFinite(asUtc)) return undefined;
	const offset = zoneOffsetMinutes(new Date(asUtc), timeZone);
	const instant = new Date(asUtc - offset * 60000);
	// correct once more across a DST change between the two instants
	const corrected = zoneOffsetMinutes(instant, timeZone);
	return corrected === offset ? instant : new Date(asUtc - corrected * 60000);
}

/** `2023-07-24T09:27:00+0800`: the instant in `timeZone` with its numeric offset. */
export function formatHuaweiTime(instant: Date, timeZone: string): string {
	const offset = zoneOffsetMinutes(instant, timeZone);
	const local = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offset * 60000);
	const sign = offset < 0 ? '-' : '+';
	return (
		`${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
		`T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
		`${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`
	);
}
