/**
 * `npm run demo`: the emulator plus a real n8n running every workflow of examples/, printing
 * each item's result (or error) next to the input item it belongs to.
 */
import { startExampleSuite } from './lib/exampleSuite.mjs';

const MAX_ROWS = 8;

function summarize(json) {
	if (json.error !== undefined) return `ERROR ${String(json.error).slice(0, 110)}`;
	const keys = ['id', 'accessory_id', 'accessory_name', 'asset_id', 'action', 'status', 'name', 'size', 'type', 'modified_at', 'updated_time'];
	const parts = keys.filter((k) => json[k] !== undefined).map((k) => `${k}=${JSON.stringify(json[k])}`);
	return parts.join(' ').slice(0, 140) || JSON.stringify(json).slice(0, 140);
}

function printOutput(title, items) {
	console.log(`  ${title}: ${items.length} item(s)`);
	for (const item of items.slice(0, MAX_ROWS)) {
		const binary = item.binary ? ` [binary: ${Object.values(item.binary).map((b) => `${b.fileName} ${b.fileSize ?? ''}`.trim()).join(', ')}]` : '';
		console.log(`    input #${item.pairedItem?.item ?? '?'} -> ${summarize(item.json)}${binary}`);
	}
	if (items.length > MAX_ROWS) console.log(`    ... and ${items.length - MAX_ROWS} more`);
}

const suite = await startExampleSuite();
let failures = 0;
try {
	for (const example of suite.examples) {
		const requestsSoFar = async () => (await suite.control('GET', 'requests?limit=0')).total;
		const before = await requestsSoFar();
		const result = await suite.instance.execute(example.id);
		const after = await requestsSoFar();
		const node = example.workflow.nodes.find((n) => n.type.startsWith('n8n-nodes-cloud-batch.'));
		console.log(`\n${example.workflow.name}  (examples/${example.file}, ${result.ms} ms in n8n` +
			(before !== undefined && after !== undefined ? `, ${after - before} HTTP requests` : '') + ')');
		console.log(`  ${example.workflow.meta?.description ?? ''}`);
		if (result.error) {
			failures++;
			console.log(`  WORKFLOW FAILED: ${result.error.message}`);
			continue;
		}
		printOutput(`"${node.name}" output`, result.nodeOutput(node.name, 0));
		if (node.onError === 'continueErrorOutput') printOutput(`"${node.name}" error output`, result.nodeOutput(node.name, 1));
	}
} finally {
	await suite.stop();
}
console.log(failures === 0 ? '\nAll example workflows ran.' : `\n${failures} example workflow(s) failed.`);
process.exit(failures === 0 ? 0 : 1);
