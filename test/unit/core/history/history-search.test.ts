// Full-text search over history: any input a person types is safe (never FTS5 syntax, never an error),
// words are ANDed with a prefix on the last one, results newest first with «» snippets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toFtsQuery } from '../../../../electron/core/history/fts-query';
import { HistoryStore } from '../../../../electron/core/history/history-store';
import { openDatabase } from '../../../../electron/core/storage/database';

const BOB = 'sip:bob@beta.test';
const CAROL = 'sip:carol@gamma.test';

function seeded(): HistoryStore {
  const h = new HistoryStore(openDatabase(':memory:'));
  const texts: [string, string, number][] = [
    [BOB, 'Lunch at noon? The Café Müller has a new menu', 1000],
    [BOB, 'NEAR the station, platform "9"', 2000],
    [CAROL, 'lunch tomorrow instead', 3000],
    [CAROL, 'Straße und Grüße aus Köln', 4000],
    [BOB, '東京で会いましょう', 5000],
    [CAROL, 'a OR b AND c NOT d * ^ - + : ( ) { }', 6000],
    [BOB, 'Привет, как дела? Ελληνικά κείμενα', 7000],
  ];
  texts.forEach(([conversationId, text, at], i) => h.appendOutgoing({ id: `m${i}`, conversationId, direction: 'out', text, at, state: 'delivered' }));
  return h;
}

const ids = (h: HistoryStore, q: string, options = {}) => h.search(q, options).map((hit) => hit.message.id);

describe('toFtsQuery', () => {
  test('quotes every word, doubles quotes, prefixes the last word unless the input ends with a space', () => {
    assert.equal(toFtsQuery('hello world'), '"hello" "world"*');
    assert.equal(toFtsQuery('hello world '), '"hello" "world"');
    assert.equal(toFtsQuery('say "hi"'), '"say" """hi"""*');
    assert.equal(toFtsQuery('NEAR(a b)'), '"NEAR(a" "b)"*');
    assert.equal(toFtsQuery('a OR'), '"a" "OR"*');
    assert.equal(toFtsQuery('x\u0000y'), '"x" "y"*');
    for (const nothing of ['', '   ', '"', '*', '""', '( ) -', '\u0000', '😀']) assert.equal(toFtsQuery(nothing), undefined, JSON.stringify(nothing));
    assert.equal(toFtsQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))!.split(' ').length, 32, 'bounded');
  });
});

describe('history search', () => {
  test('FTS5 operators and punctuation typed by a person are plain text, never an error', () => {
    const h = seeded();
    for (const q of ['"', '*', 'NEAR(', 'NEAR(a b', 'a OR', 'OR', 'AND NOT', '^', '-x', 'text:', '{text}: x', '(', ')', 'a"b', '"""', "'", '\\', '%', '_', '\u0000', ';DROP TABLE history_messages;--']) {
      assert.doesNotThrow(() => h.search(q), JSON.stringify(q));
    }
    assert.deepEqual(ids(h, 'NEAR('), ['m1'], '"NEAR" is a word in a message, not the NEAR operator');
    assert.deepEqual(ids(h, 'a OR'), ['m5'], 'both words must occur: only the message that contains "a" and "OR"');
    assert.deepEqual(ids(h, 'platform "9'), ['m1']);
    assert.deepEqual(ids(h, '"'), []);
    assert.equal(h.messages(BOB).length, 4, 'nothing was dropped');
  });

  test('words are ANDed, the last one is a prefix; case and diacritics do not matter', () => {
    const h = seeded();
    assert.deepEqual(ids(h, 'lunch'), ['m2', 'm0'], 'newest first');
    assert.deepEqual(ids(h, 'lun'), ['m2', 'm0'], 'prefix while typing');
    assert.deepEqual(ids(h, 'lun '), [], 'a finished word is not a prefix');
    assert.deepEqual(ids(h, 'lunch menu'), ['m0']);
    assert.deepEqual(ids(h, 'LUNCH MUller'), ['m0']);
    assert.deepEqual(ids(h, 'cafe'), ['m0']);
    assert.deepEqual(ids(h, 'grüsse koln'), [], 'ß is not folded to ss (unicode61 has no such rule)');
    assert.deepEqual(ids(h, 'gruße koln'), ['m3']);
    assert.deepEqual(ids(h, 'lunch zebra'), []);
  });

  test('unicode: Cyrillic, Greek, German and Japanese text can be found', () => {
    const h = seeded();
    assert.deepEqual(ids(h, 'привет'), ['m6']);
    assert.deepEqual(ids(h, 'ΕΛΛΗΝΙΚΆ'), ['m6'], 'Greek case folds');
    assert.deepEqual(ids(h, 'ελληνικα'), [], 'remove_diacritics covers Latin letters only, not Greek tonos');
    assert.deepEqual(ids(h, 'straße'), ['m3']);
    // unicode61 does not segment Japanese: a run of kana/kanji is one token, found by its beginning.
    assert.deepEqual(ids(h, '東京'), ['m4']);
  });

  test('snippets mark the hits with «» and stay plain text', () => {
    const h = seeded();
    assert.deepEqual(h.search('station plat').map((hit) => hit.snippet), ['NEAR the «station», «platform» "9"']);
    const long = `${'filler '.repeat(200)}needle ${'more '.repeat(200)}`;
    h.appendOutgoing({ id: 'long', conversationId: BOB, direction: 'out', text: long, at: 9000, state: 'delivered' });
    const [hit] = h.search('needle');
    assert.match(hit!.snippet, /^….*«needle».*…$/);
    assert.ok(hit!.snippet.length < 200, 'a snippet is a window, not the whole message');
    assert.equal(hit!.message.text, long, 'the hit carries the whole message');
  });

  test('conversation filter and limit', () => {
    const h = seeded();
    assert.deepEqual(ids(h, 'lunch', { conversationId: CAROL }), ['m2']);
    assert.deepEqual(ids(h, 'lunch', { conversationId: 'sip:nobody@x.test' }), []);
    assert.deepEqual(ids(h, 'lunch', { limit: 1 }), ['m2']);
  });

  test('property: any string is answered without an error', () => {
    const h = seeded();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: fc.constantFrom('"', '*', '(', ')', ' ', 'a', 'N', 'E', 'A', 'R', 'O', ':', '^', '-', '+', '{', '}', '\u0000'), maxLength: 30 })), (q) => {
        const hits = h.search(q);
        assert.ok(Array.isArray(hits));
      }),
      { numRuns: 500 },
    );
  });
});
