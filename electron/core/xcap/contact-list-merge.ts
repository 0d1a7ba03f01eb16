// Three-way merge of the contact list: the last list both sides agreed on (base), the local SQLite copy and the
// server's resource-lists document. Used when a write loses the ETag race (RFC 4825 §7.11: 412) and on sign-in
// after offline edits, so neither side's change is silently dropped.
//   - a contact added on either side is kept; removed on one side and untouched on the other → removed;
//   - removed on one side but edited on the other → kept (an edit is newer intent than a removal);
//   - edited on both sides → the local edit wins field by field only where the server did not change that field.
// Group order: local order, then groups only the server has, in the server's order.

export interface ListEntry {
  readonly uri: string;
  readonly displayName?: string;
  readonly group: string;
}

export interface FlatList {
  readonly groups: readonly string[];
  readonly entries: readonly ListEntry[];
}

const sameEntry = (a: ListEntry | undefined, b: ListEntry | undefined) =>
  a !== undefined && b !== undefined && a.group.toLowerCase() === b.group.toLowerCase() && (a.displayName ?? '') === (b.displayName ?? '');

function byUri(list: FlatList | undefined): Map<string, ListEntry> {
  return new Map((list?.entries ?? []).map((e) => [e.uri, e]));
}

function mergeFields(base: ListEntry | undefined, local: ListEntry, server: ListEntry): ListEntry {
  if (!base) return local; // added on both sides independently: ours is as good as theirs, and is what the user sees
  const pick = <K extends 'displayName' | 'group'>(k: K) => ((local[k] ?? '') !== (base[k] ?? '') ? local[k] : server[k]);
  const displayName = pick('displayName');
  return { uri: local.uri, group: pick('group') ?? local.group, ...(displayName ? { displayName } : {}) };
}

export function mergeContactLists(base: FlatList | undefined, local: FlatList, server: FlatList): FlatList {
  const b = byUri(base);
  const l = byUri(local);
  const s = byUri(server);
  const out: ListEntry[] = [];
  const uris = [...l.keys(), ...[...s.keys()].filter((u) => !l.has(u))];
  for (const uri of uris) {
    const be = b.get(uri);
    const le = l.get(uri);
    const se = s.get(uri);
    if (le && se) out.push(mergeFields(be, le, se));
    else if (le) {
      // Only local: a local addition, or the server removed it (keep it only if we edited it since).
      if (!be || !sameEntry(be, le)) out.push(le);
    } else if (se) {
      // Only on the server: added there, or removed here (keep it only if the server edited it since).
      if (!be || !sameEntry(be, se)) out.push(se);
    }
  }
  const groups: string[] = [];
  const seen = new Set<string>();
  const addGroup = (g: string) => {
    if (!seen.has(g.toLowerCase())) {
      seen.add(g.toLowerCase());
      groups.push(g);
    }
  };
  local.groups.forEach(addGroup);
  server.groups.forEach((g) => {
    // A group the server has but we deleted locally stays deleted unless a kept contact is in it.
    if (base?.groups.some((x) => x.toLowerCase() === g.toLowerCase()) && !out.some((e) => e.group.toLowerCase() === g.toLowerCase())) return;
    addGroup(g);
  });
  out.forEach((e) => addGroup(e.group));
  return { groups, entries: out };
}

/** True when the two lists would produce the same document (order of entries inside a group ignored). */
export function sameList(a: FlatList, b: FlatList): boolean {
  if (a.entries.length !== b.entries.length) return false;
  const ga = a.groups.map((g) => g.toLowerCase()).join('\n');
  const gb = b.groups.map((g) => g.toLowerCase()).join('\n');
  if (ga !== gb) return false;
  const bm = byUri(b);
  return a.entries.every((e) => sameEntry(e, bm.get(e.uri)));
}
