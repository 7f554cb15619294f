import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsciiJsonDecoder, asciiJsonText } from './ascii-json.ts';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('asciiJsonText', () => {
  it('parses to the same value as the UTF-8 text, for any JSON value, in ASCII only', () => {
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.constantFrom(0, 2), (v, indent) => {
      const text = JSON.stringify(v, null, indent);
      const ascii = asciiJsonText(utf8(text));
      expect(/^[\x00-\x7f]*$/.test(ascii)).toBe(true);
      expect(JSON.parse(ascii)).toEqual(JSON.parse(text));
    }), { numRuns: 200 });
  });

  it('escapes Chinese, astral characters and U+2028 inside strings, keeps ASCII as it is', () => {
    const text = '{"title":"2025年民生实事","e":"😀\u2028","n":[1,2.5e3,true,null],"k":"a\\"b"}';
    const ascii = asciiJsonText(utf8(text));
    expect(ascii).toBe('{"title":"2025\\u5e74\\u6c11\\u751f\\u5b9e\\u4e8b","e":"\\ud83d\\ude00\\u2028","n":[1,2.5e3,true,null],"k":"a\\"b"}');
    expect(JSON.parse(ascii)).toEqual(JSON.parse(text));
    expect(asciiJsonText(utf8('{"a":"plain"}'))).toBe('{"a":"plain"}');
    // A slice of a larger buffer: only its own bytes.
    const big = utf8('xx{"中":1}yy');
    expect(asciiJsonText(big.subarray(2, big.length - 2))).toBe('{"\\u4e2d":1}');
  });

  it('refuses what JSON.parse refuses: other than ASCII outside a string, a byte-order mark; bad UTF-8 becomes U+FFFD', () => {
    expect(() => JSON.parse(asciiJsonText(utf8('{"a":1}中')))).toThrow(SyntaxError);
    expect(() => JSON.parse(asciiJsonText(utf8('\ufeff{"a":1}')))).toThrow(SyntaxError);
    expect(JSON.parse(asciiJsonText(Buffer.from([0x22, 0xff, 0xfe, 0x22])))).toBe(Buffer.from([0x22, 0xff, 0xfe, 0x22]).toString('utf8').slice(1, -1));
  });
});

describe('AsciiJsonDecoder', () => {
  it('gives the same text whatever the chunks, characters cut in two included', () => {
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.array(fc.nat(), { maxLength: 6 }), (v, cuts) => {
      const bytes = utf8(JSON.stringify(v));
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const d = new AsciiJsonDecoder();
      let from = 0;
      for (const p of [...points, bytes.length]) {
        d.push(bytes.subarray(from, p));
        from = p;
      }
      expect(d.end()).toBe(asciiJsonText(bytes));
    }), { numRuns: 200 });
    const d = new AsciiJsonDecoder();
    for (const byte of utf8('["民生",1]')) d.push(Uint8Array.of(byte));
    expect(d.end()).toBe('["\\u6c11\\u751f",1]');
  });
});
