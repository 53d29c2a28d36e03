/**
 * ECDSA P-256 over a digest given as is: what KMS Sign does with `MessageType: 'DIGEST'`. node:crypto
 * cannot do it (`sign(null, data, ecKey)` hashes `data` with SHA-256 first), so the tests that stand in
 * for KMS sign with this textbook implementation (SEC 1 §4.1.3; BigInt, affine coordinates, not constant
 * time: for tests only). OpenSSL then checks its signatures, which keeps it honest.
 */
import { type KeyObject, randomBytes } from 'node:crypto';

const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const a = p - 3n;
const G = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};
type Point = { x: bigint; y: bigint } | null;

const mod = (v: bigint, m: bigint) => ((v % m) + m) % m;
function inverse(v: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(v, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0, m);
}

function add(P: Point, Q: Point): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  if (P.x === Q.x && mod(P.y + Q.y, p) === 0n) return null;
  const slope =
    P.x === Q.x && P.y === Q.y
      ? mod((3n * P.x * P.x + a) * inverse(2n * P.y, p), p)
      : mod((Q.y - P.y) * inverse(Q.x - P.x, p), p);
  const x = mod(slope * slope - P.x - Q.x, p);
  return { x, y: mod(slope * (P.x - x) - P.y, p) };
}

function multiply(k: bigint, P: Point): Point {
  let result: Point = null;
  let addend = P;
  for (let bits = k; bits > 0n; bits >>= 1n) {
    if (bits & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function derInteger(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** The ECDSA signature (DER) of a 32-byte SHA-256 digest with a P-256 private key, nothing hashed again. */
export function signP256Digest(digest: Uint8Array, privateKey: KeyObject): Buffer {
  if (digest.length !== 32) throw new Error('a SHA-256 digest is 32 bytes');
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.d) throw new Error('not a P-256 private key');
  const d = toBigInt(Buffer.from(jwk.d, 'base64url'));
  const e = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(32)), n);
    if (k === 0n) continue;
    const R = multiply(k, G);
    const r = mod(R?.x ?? 0n, n);
    if (r === 0n) continue;
    const s = mod(inverse(k, n) * (e + r * d), n);
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}
