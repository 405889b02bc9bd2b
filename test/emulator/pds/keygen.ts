/**
 * Deterministic RSA key generation for emulator fixtures: the same seed always gives the same
 * key pair, in every process (the CLI emulator and a demo script agree without sharing files),
 * and no private key has to be committed. Test use only: the "randomness" is a public seed.
 */
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';

/** SHA-256 in counter mode over the seed: a reproducible byte stream. */
class SeededBytes {
	private counter = 0;
	private buffer = Buffer.alloc(0);

	constructor(private readonly seed: string) {}

	take(n: number): Buffer {
		while (this.buffer.length < n) {
			const block = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
			this.buffer = Buffer.concat([this.buffer, block]);
		}
		const out = this.buffer.subarray(0, n);
		this.buffer = this.buffer.subarray(n);
		return Buffer.from(out);
	}
}

function toBigInt(bytes: Buffer): bigint {
	return BigInt(`0x${bytes.toString('hex') || '0'}`);
}

function toBytes(value: bigint): Buffer {
	let hex = value.toString(16);
	if (hex.length % 2) hex = `0${hex}`;
	return Buffer.from(hex, 'hex');
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
	let result = 1n;
	let b = base % modulus;
	let e = exponent;
	while (e > 0n) {
		if (e & 1n) result = (result * b) % modulus;
		b = (b * b) % modulus;
		e >>= 1n;
	}
	return result;
}

function modInverse(a: bigint, m: bigint): bigint {
	let [oldR, r] = [a % m, m];
	let [oldS, s] = [1n, 0n];
	while (r !== 0n) {
		const q = oldR / r;
		[oldR, r] = [r, oldR - q * r];
		[oldS, s] = [s, oldS - q * s];
	}
	if (oldR !== 1n) throw new Error('not invertible');
	return ((oldS % m) + m) % m;
}

const SMALL_PRIMES: number[] = (() => {
	const primes: number[] = [];
	for (let n = 3; primes.length < 300; n += 2) if (primes.every((p) => n % p !== 0)) primes.push(n);
	return primes;
})();

function isProbablePrime(n: bigint, rng: SeededBytes, rounds = 24): boolean {
	for (const p of SMALL_PRIMES) {
		const bp = BigInt(p);
		if (n === bp) return true;
		if (n % bp === 0n) return false;
	}
	let d = n - 1n;
	let s = 0;
	while ((d & 1n) === 0n) {
		d >>= 1n;
		s++;
	}
	const byteLength = Math.ceil(n.toString(16).length / 2);
	for (let i = 0; i < rounds; i++) {
		const a = (toBigInt(rng.take(byteLength)) % (n - 3n)) + 2n;
		let x = modPow(a, d, n);
		if (x === 1n || x === n - 1n) continue;
		let composite = true;
		for (let r = 1; r < s; r++) {
			x = (x * x) % n;
			if (x === n - 1n) {
				composite = false;
				break;
			}
		}
		if (composite) return false;
	}
	return true;
}

function generatePrime(bits: number, rng: SeededBytes, e: bigint): bigint {
	for (;;) {
		const bytes = rng.take(bits / 8);
		bytes[0] |= 0xc0; // top two bits: the product has exactly 2*bits bits
		bytes[bytes.length - 1] |= 0x01;
		const candidate = toBigInt(bytes);
		if ((candidate - 1n) % e === 0n) continue;
		if (isProbablePrime(candidate, rng)) return candidate;
	}
}

const b64u = (value: bigint) => toBytes(value).toString('base64url');

/** A 2048-bit (default) RSA private key derived from `seed`. */
export function deterministicRsaPrivateKey(seed: string, bits = 2048): KeyObject {
	const rng = new SeededBytes(seed);
	const e = 65537n;
	const p = generatePrime(bits / 2, rng, e);
	let q = generatePrime(bits / 2, rng, e);
	while (q === p) q = generatePrime(bits / 2, rng, e);
	const n = p * q;
	const phi = (p - 1n) * (q - 1n);
	const d = modInverse(e, phi);
	return createPrivateKey({
		key: {
			kty: 'RSA',
			n: b64u(n),
			e: b64u(e),
			d: b64u(d),
			p: b64u(p),
			q: b64u(q),
			dp: b64u(d % (p - 1n)),
			dq: b64u(d % (q - 1n)),
			qi: b64u(modInverse(q, p)),
		},
		format: 'jwk',
	});
}
