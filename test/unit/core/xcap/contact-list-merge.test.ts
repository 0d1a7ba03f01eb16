import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeContactLists, sameList } from '../../../../electron/core/xcap/contact-list-merge';
import type { FlatList, ListEntry } from '../../../../electron/core/xcap/contact-list-merge';

const e = (uri: string, group = 'G', displayName?: string): ListEntry => ({ uri: `sip:${uri}@x.test`, group, ...(displayName ? { displayName } : {}) });
const list = (...entries: ListEntry[]): FlatList => ({ groups: [...new Set(entries.map((x) => x.group))], entries });
const uris = (l: FlatList) => l.entries.map((x) => x.uri.slice(4, x.uri.indexOf('@'))).sort();

describe('three-way merge of contact lists', () => {
  test('without a base (first sync) the two lists are unioned', () => {
    assert.deepEqual(uris(mergeContactLists(undefined, list(e('a'), e('b')), list(e('b'), e('c')))), ['a', 'b', 'c']);
  });
  test('additions on both sides are kept', () => {
    const base = list(e('a'));
    assert.deepEqual(uris(mergeContactLists(base, list(e('a'), e('l')), list(e('a'), e('s')))), ['a', 'l', 's']);
  });
  test('a removal on one side wins over the untouched other side', () => {
    const base = list(e('a'), e('b'));
    assert.deepEqual(uris(mergeContactLists(base, list(e('a')), base)), ['a']);
    assert.deepEqual(uris(mergeContactLists(base, base, list(e('b')))), ['b']);
  });
  test('removed on one side but edited on the other: kept, with the edit', () => {
    const base = list(e('a'), e('b'));
    const m = mergeContactLists(base, list(e('a')), list(e('a'), e('b', 'G', 'Bee')));
    assert.deepEqual(m.entries.find((x) => x.uri.includes('b@'))?.displayName, 'Bee');
  });
  test('edits on both sides merge field by field', () => {
    const base = list(e('a', 'G', 'A'));
    const m = mergeContactLists(base, list(e('a', 'G', 'Alice')), list(e('a', 'Work', 'A')));
    assert.deepEqual(m.entries, [{ uri: 'sip:a@x.test', group: 'Work', displayName: 'Alice' }]);
    assert.deepEqual(m.groups, ['G', 'Work']);
  });
  test('sameList ignores entry order but not names or groups', () => {
    assert.equal(sameList(list(e('a'), e('b')), list(e('b'), e('a'))), true);
    assert.equal(sameList(list(e('a', 'G', 'x')), list(e('a', 'G', 'y'))), false);
  });
});
