import { describe, expect, it } from 'vitest';
import { createStreamingSha256, sha256 } from '#sha256';
import { toHex } from '../hex';

// FIPS 180-2 examples, plus a million 'a'.
const KNOWN = [
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
] as const;
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('#sha256 (the engine of this platform)', () => {
  it.each(KNOWN)('sha256(%j) matches the FIPS 180-2 answer', (text, hex) => {
    expect(toHex(sha256(utf8(text)))).toBe(hex);
  });

  it('returns a plain 32-byte Uint8Array', () => {
    const digest = sha256(utf8('abc'));
    expect(digest).toBeInstanceOf(Uint8Array);
    expect(digest.constructor).toBe(Uint8Array);
    expect(digest.length).toBe(32);
  });

  it('streams to the same digest whatever the chunking', async () => {
    const million = new Uint8Array(1_000_000).fill(0x61);
    const expected = 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0';
    for (const chunkSize of [1_000_000, 65_536, 4_097, 63]) {
      const hash = await createStreamingSha256();
      for (let i = 0; i < million.length; i += chunkSize) {
        hash.update(million.subarray(i, i + chunkSize));
      }
      expect(toHex(hash.digest()), `chunks of ${chunkSize}`).toBe(expected);
    }
  });

  it('streams the empty input', async () => {
    const hash = await createStreamingSha256();
    expect(toHex(hash.digest())).toBe(KNOWN[0][1]);
  });

  it('hashes independent streams independently', async () => {
    const a = await createStreamingSha256();
    const b = await createStreamingSha256();
    a.update(utf8('ab'));
    b.update(utf8('x'));
    a.update(utf8('c'));
    expect(toHex(a.digest())).toBe(KNOWN[1][1]);
    expect(toHex(b.digest())).toBe(toHex(sha256(utf8('x'))));
  });
});
