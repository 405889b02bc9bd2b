import type { INodeProperties } from 'n8n-workflow';

/**
 * A node `subtitle` expression that reads like the operation the user picked ("Get audit log
 * download links") instead of the internal names ("getDownloadLinks: auditLog"). Built from the
 * `action` texts of the Operation fields; a chain of conditions because n8n's expression syntax
 * treats braces of object literals as template delimiters.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const labels = new Map<string, string>();
	for (const property of properties) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		const resources = (property.displayOptions?.show?.resource as string[] | undefined) ?? [''];
		for (const option of property.options ?? []) {
			const { value, action, name } = option as { value?: unknown; action?: string; name: string };
			if (typeof value !== 'string') continue;
			for (const resource of resources) {
				const key = `${resource}:${value}`;
				if (!labels.has(key)) labels.set(key, action ?? name);
			}
		}
	}
	const key = '$parameter["resource"] + ":" + $parameter["operation"]';
	const chain = [...labels]
		.map(([k, label]) => `${key} === ${JSON.stringify(k)} ? ${JSON.stringify(label)} : `)
		.join('');
	return `={{ ${chain}$parameter["operation"] }}`;
}
