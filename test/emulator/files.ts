/**
 * Download targets: `GET /__files/<kind>/<name>` answers deterministic bytes (a short text that
 * names the file) with a plausible content type. Vendor modules hand out these URLs (OSM
 * attachment urls, TaurusDB download_link, ...) and may register a kind to give files their real
 * display name, content type or body.
 */
import type { EmulatorRequest, EmulatorResponse } from './types';

export const FILES_PREFIX = '/__files/';

export interface DownloadFile {
	/** Display name (Content-Disposition); may contain any Unicode. */
	fileName: string;
	/** Defaults to a type guessed from the file name's extension. */
	contentType?: string;
	/** Defaults to a short text naming the kind and the file. */
	body?: string | Buffer;
}

/** Returns undefined when `name` does not exist in that kind (-> 404). */
export type DownloadResolver = (name: string) => DownloadFile | undefined;

const resolvers = new Map<string, DownloadResolver>();

/** Lets a vendor module describe the files of one kind (e.g. 'osm', 'taurusdb'). */
export function registerDownloadKind(kind: string, resolver: DownloadResolver): void {
	resolvers.set(kind, resolver);
}

/** `${baseUrl}/__files/<kind>/<name>` with the name percent-encoded. */
export function downloadUrl(baseUrl: string, kind: string, name: string): string {
	return `${baseUrl}${FILES_PREFIX}${encodeURIComponent(kind)}/${encodeURIComponent(name)}`;
}

const CONTENT_TYPES: Record<string, string> = {
	pdf: 'application/pdf',
	txt: 'text/plain; charset=utf-8',
	log: 'text/plain; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	json: 'application/json',
	xml: 'application/xml',
	html: 'text/html; charset=utf-8',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	zip: 'application/zip',
	gz: 'application/gzip',
	doc: 'application/msword',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xls: 'application/vnd.ms-excel',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	mp4: 'video/mp4',
	sql: 'application/sql',
};

export function contentTypeFor(fileName: string): string {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName);
	return (match && CONTENT_TYPES[match[1].toLowerCase()]) || 'application/octet-stream';
}

/** Deterministic body of a file: the same kind and name always give the same bytes. */
export function defaultFileBody(kind: string, name: string): string {
	return `Emulated download\nkind: ${kind}\nname: ${name}\n`;
}

function contentDisposition(fileName: string): string {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	const encoded = encodeURIComponent(fileName).replace(
		/['()*]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
	);
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function safeDecode(value: string): string | undefined {
	try {
		return decodeURIComponent(value);
	} catch {
		return undefined;
	}
}

/** Answers `GET|HEAD /__files/<kind>/<name>`; undefined for every other request. */
export function handleFileDownload(req: EmulatorRequest): EmulatorResponse | undefined {
	if (!req.rawPath.startsWith(FILES_PREFIX)) return undefined;
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		return { status: 405, headers: { allow: 'GET, HEAD' }, body: { error_code: 'EMULATOR.405', error_msg: 'Method not allowed' } };
	}
	const rest = req.rawPath.slice(FILES_PREFIX.length);
	const slash = rest.indexOf('/');
	const kind = slash > 0 ? safeDecode(rest.slice(0, slash)) : undefined;
	const name = slash > 0 ? safeDecode(rest.slice(slash + 1)) : undefined;
	if (!kind || !name) {
		return { status: 404, body: { error_code: 'EMULATOR.404', error_msg: 'Expected /__files/<kind>/<name>' } };
	}
	const resolver = resolvers.get(kind);
	const file: DownloadFile | undefined = resolver ? resolver(name) : { fileName: name };
	if (!file) {
		return { status: 404, body: { error_code: 'EMULATOR.404', error_msg: `No such file: ${kind}/${name}` } };
	}
	const body = file.body ?? defaultFileBody(kind, name);
	const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
	return {
		status: 200,
		headers: {
			'content-type': file.contentType ?? contentTypeFor(file.fileName),
			'content-disposition': contentDisposition(file.fileName),
			'cache-control': 'no-store',
		},
		body: bytes,
	};
}
