/**
 * A small interpreter for the PDS file search query language (`/file/search` `query`), e.g.
 *   parent_file_id = 'root' and name match "report" and category in ['doc', 'image']
 * Supported: = != > >= < <= match prefix in, and / or / not, parentheses, single- or
 * double-quoted strings, numbers and true/false.
 */

export type QueryValue = string | number | boolean | QueryValue[];

export type QueryNode =
	| { kind: 'and' | 'or'; left: QueryNode; right: QueryNode }
	| { kind: 'not'; operand: QueryNode }
	| { kind: 'cmp'; field: string; op: string; value: QueryValue };

type Token =
	| { t: 'ident'; v: string }
	| { t: 'str'; v: string }
	| { t: 'num'; v: number }
	| { t: 'op'; v: string }
	| { t: 'punct'; v: string };

export class QuerySyntaxError extends Error {}

const OPERATORS = ['>=', '<=', '!=', '=', '>', '<'];
const WORD_OPERATORS = new Set(['match', 'prefix', 'in']);

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === '"' || c === "'") {
			let value = '';
			let j = i + 1;
			for (; j < text.length && text[j] !== c; j++) {
				if (text[j] === '\\' && j + 1 < text.length) j++;
				value += text[j];
			}
			if (j >= text.length) throw new QuerySyntaxError('unterminated string');
			tokens.push({ t: 'str', v: value });
			i = j + 1;
			continue;
		}
		if ('()[],'.includes(c)) {
			tokens.push({ t: 'punct', v: c });
			i++;
			continue;
		}
		const op = OPERATORS.find((o) => text.startsWith(o, i));
		if (op) {
			tokens.push({ t: 'op', v: op });
			i += op.length;
			continue;
		}
		const num = /^-?\d+(\.\d+)?/.exec(text.slice(i));
		if (num) {
			tokens.push({ t: 'num', v: Number(num[0]) });
			i += num[0].length;
			continue;
		}
		const ident = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
		if (ident) {
			tokens.push({ t: 'ident', v: ident[0] });
			i += ident[0].length;
			continue;
		}
		throw new QuerySyntaxError(`unexpected character ${JSON.stringify(c)}`);
	}
	return tokens;
}

export function parseQuery(text: string): QueryNode | undefined {
	const tokens = tokenize(text);
	if (tokens.length === 0) return undefined;
	let pos = 0;
	const peek = () => tokens[pos];
	const isWord = (word: string) => {
		const tok = peek();
		return tok?.t === 'ident' && tok.v.toLowerCase() === word;
	};
	const expectPunct = (p: string) => {
		const tok = tokens[pos++];
		if (tok?.t !== 'punct' || tok.v !== p) throw new QuerySyntaxError(`expected "${p}"`);
	};

	const value = (): QueryValue => {
		const tok = tokens[pos++];
		if (!tok) throw new QuerySyntaxError('expected a value');
		if (tok.t === 'str' || tok.t === 'num') return tok.v;
		if (tok.t === 'ident' && (tok.v === 'true' || tok.v === 'false')) return tok.v === 'true';
		if (tok.t === 'punct' && tok.v === '[') {
			const list: QueryValue[] = [];
			if (peek()?.t === 'punct' && peek().v === ']') {
				pos++;
				return list;
			}
			for (;;) {
				list.push(value());
				const next = tokens[pos++];
				if (next?.t === 'punct' && next.v === ']') return list;
				if (!(next?.t === 'punct' && next.v === ',')) throw new QuerySyntaxError('expected "," or "]"');
			}
		}
		throw new QuerySyntaxError('expected a value');
	};

	const primary = (): QueryNode => {
		const tok = peek();
		if (tok?.t === 'punct' && tok.v === '(') {
			pos++;
			const inner = or();
			expectPunct(')');
			return inner;
		}
		if (tok?.t !== 'ident') throw new QuerySyntaxError('expected a field name');
		pos++;
		const opTok = tokens[pos++];
		let op: string;
		if (opTok?.t === 'op') op = opTok.v;
		else if (opTok?.t === 'ident' && WORD_OPERATORS.has(opTok.v.toLowerCase())) op = opTok.v.toLowerCase();
		else throw new QuerySyntaxError(`expected an operator after ${tok.v}`);
		const v = value();
		if (op === 'in' && !Array.isArray(v)) throw new QuerySyntaxError('"in" needs a [list]');
		return { kind: 'cmp', field: tok.v, op, value: v };
	};

	const not = (): QueryNode => {
		if (isWord('not')) {
			pos++;
			return { kind: 'not', operand: not() };
		}
		return primary();
	};

	const and = (): QueryNode => {
		let left = not();
		while (isWord('and')) {
			pos++;
			left = { kind: 'and', left, right: not() };
		}
		return left;
	};

	const or = (): QueryNode => {
		let left = and();
		while (isWord('or')) {
			pos++;
			left = { kind: 'or', left, right: and() };
		}
		return left;
	};

	const tree = or();
	if (pos !== tokens.length) throw new QuerySyntaxError('unexpected text after the query');
	return tree;
}

/** Field lookup: returns the value (or values, for labels) of a field of a record. */
export type FieldGetter = (field: string) => unknown;

function compareValues(a: unknown, b: QueryValue, op: string): boolean {
	if (Array.isArray(a)) return a.some((item) => compareValues(item, b, op));
	if (a === undefined || a === null) return op === '!=';
	if (op === 'in') return (b as QueryValue[]).some((item) => compareValues(a, item, '='));
	if (op === 'match') return String(a).toLowerCase().includes(String(b).toLowerCase());
	if (op === 'prefix') return String(a).startsWith(String(b));
	let left: string | number | boolean = a as string | number | boolean;
	let right: string | number | boolean = b as string | number | boolean;
	if (typeof left === 'number' || typeof right === 'number') {
		left = Number(left);
		right = Number(right);
	} else if (typeof left === 'boolean' || typeof right === 'boolean') {
		left = String(left);
		right = String(right);
	}
	switch (op) {
		case '=':
			return left === right;
		case '!=':
			return left !== right;
		case '>':
			return left > right;
		case '>=':
			return left >= right;
		case '<':
			return left < right;
		case '<=':
			return left <= right;
	}
	return false;
}

export function evaluateQuery(node: QueryNode | undefined, get: FieldGetter): boolean {
	if (!node) return true;
	switch (node.kind) {
		case 'and':
			return evaluateQuery(node.left, get) && evaluateQuery(node.right, get);
		case 'or':
			return evaluateQuery(node.left, get) || evaluateQuery(node.right, get);
		case 'not':
			return !evaluateQuery(node.operand, get);
		case 'cmp':
			return compareValues(get(node.field), node.value, node.op);
	}
}
