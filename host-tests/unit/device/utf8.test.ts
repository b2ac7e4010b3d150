import assert from 'node:assert/strict';
import { decodeUtf8, encodeUtf8, utf8ByteLength } from '../../../firmware/moddable/utf8';

describe('device: UTF-8 for payloads and NVS sizes', function () {
  it('encodes and decodes like the platform codec, including astral characters', function () {
    for (const text of ['', 'online', 'Galerie d’Apollon — été', '🔔 alarme', 'a\u0000b']) {
      const bytes = encodeUtf8(text);
      assert.deepEqual(Array.from(bytes), Array.from(new TextEncoder().encode(text)), text);
      assert.equal(utf8ByteLength(text), bytes.length);
      assert.equal(decodeUtf8(bytes), text);
    }
  });

  it('turns lone surrogates and malformed bytes into U+FFFD instead of throwing', function () {
    assert.deepEqual(Array.from(encodeUtf8('a\ud800b')), [0x61, 0xef, 0xbf, 0xbd, 0x62]);
    assert.equal(utf8ByteLength('a\ud800b'), 5);
    const hostile = Uint8Array.from([0x41, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0xed, 0xa0, 0x80, 0xff, 0x42]);
    assert.equal(decodeUtf8(hostile), new TextDecoder().decode(hostile));
    assert.equal(decodeUtf8(Uint8Array.from([0x61, 0x62, 0x63]), 2), 'ab', 'only `length` bytes');
  });
});
