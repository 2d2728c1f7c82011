import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/text-order.ts
/**
 * Text order by Unicode code point, which is how Athena (Trino) and DuckDB compare strings; `<` on
 * JavaScript strings compares UTF-16 code units, which differs above U+FFFF.
 */
function compareText(a, b) {
    if (a === b)
        return 0;
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
        const x = a.charCodeAt(i);
        const y = b.charCodeAt(i);
        if (x === y)
            continue;
        // A surrogate (a code point above U+FFFF) sorts after every other code unit.
        const xHigh = x >= 0xd800 && x <= 0xdfff;
        const yHigh = y >= 0xd800 && y <= 0xdfff;
        if (xHigh !== yHigh)
            return xHigh ? 1 : -1;
        return x < y ? -1 : 1;
    }
    return a.length - b.length;
}

;// CONCATENATED MODULE: ./src/engine/aggregate.ts
/**
 * The fine-grained aggregate both engines produce: one row per distinct combination of the key
 * columns, with `events` its count and, for rows whose events matched rules, their first and last
 * event time and the evidence of their earliest events. Every report is computed from it, so a
 * run scans the logs once, and the engines can differ only in producing it.
 */

/** The columns that make a row distinct, in the order the query groups and sorts them. */
const AGGREGATE_KEY_COLUMNS = [
    'account',
    'region',
    'eventsource',
    'eventname',
    'eventdate',
    'errorcode',
    'identitytype',
    'principal',
    'actor',
    'rules'
];
/** The columns of the Athena query's result, in order; `evidence` is JSON text there. */
const AGGREGATE_COLUMNS = [
    ...AGGREGATE_KEY_COLUMNS,
    'events',
    'records',
    'first',
    'last',
    'evidence'
];
/**
 * A row from its cells as the query's result gives them, in `AGGREGATE_COLUMNS` order: `events`
 * and `records` whole numbers, `evidence` JSON text (`''` for none). `where` names the cell's
 * place (query id, line) in the error for a malformed one.
 */
function aggregateRow(cells, where) {
    if (cells.length !== AGGREGATE_COLUMNS.length) {
        throw new Error(`${where()} has ${cells.length} values; expected ${AGGREGATE_COLUMNS.length}`);
    }
    const [account, region, eventsource, eventname, eventdate] = cells;
    const [errorcode, identitytype, principal, actor, rules] = cells.slice(5);
    const [events, records, first, last, evidence] = cells.slice(AGGREGATE_KEY_COLUMNS.length);
    for (const [name, value] of [
        ['events', events],
        ['records', records]
    ]) {
        if (!/^\d+$/.test(value)) {
            throw new Error(`${where()}: ${name} is ${JSON.stringify(value)}, not a whole number`);
        }
    }
    return {
        account: account,
        region: region,
        eventsource: eventsource,
        eventname: eventname,
        eventdate: eventdate,
        errorcode: errorcode,
        identitytype: identitytype,
        principal: principal,
        actor: actor,
        rules: rules,
        events: Number(events),
        records: Number(records),
        first: first,
        last: last,
        evidence: parseEvidence(evidence, where)
    };
}
/**
 * The `evidence` column: a JSON array of events, each an array of the `EVIDENCE_FIELDS` values in
 * their order (`json_format` of the query's `min_by` array), or `''` for none.
 */
function parseEvidence(text, where) {
    if (text === '')
        return [];
    const shown = JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
    const malformed = (why) => new Error(`${where()}: evidence is not a JSON array of arrays of ${EVIDENCE_FIELDS.length} strings (${why}): ${shown}`);
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch (error) {
        throw malformed(`not valid JSON: ${error.message}`);
    }
    if (!Array.isArray(parsed))
        throw malformed('not an array');
    return parsed.map((item, index) => {
        if (!Array.isArray(item) ||
            item.length !== EVIDENCE_FIELDS.length ||
            !item.every((value) => typeof value === 'string')) {
            throw malformed(`not so at item ${index + 1}`);
        }
        const [eventtime, eventid, sourceipaddress, useragent, resources, requestparameters] = item;
        return {
            eventtime: eventtime,
            eventid: eventid,
            sourceipaddress: sourceipaddress,
            useragent: useragent,
            resources: resources,
            requestparameters: requestparameters
        };
    });
}
/** The evidence fields, in the order both engines sort by and the SQL lists them. */
const EVIDENCE_FIELDS = [
    'eventtime',
    'eventid',
    'sourceipaddress',
    'useragent',
    'resources',
    'requestparameters'
];
const REQUEST_PARAMETERS_LIMIT = 1000;
/** Earliest first: the order in which evidence is kept and listed, on both engines. */
function compareEvidence(a, b) {
    for (const field of EVIDENCE_FIELDS) {
        const order = compareText(a[field], b[field]);
        if (order !== 0)
            return order;
    }
    return 0;
}

;// CONCATENATED MODULE: ./src/engine/local/sorted.ts
/** The index just past the items of sorted `items` that `compare` puts before or equal to `item`. */
function indexAfter(items, item, compare) {
    let low = 0;
    let high = items.length;
    while (low < high) {
        const middle = (low + high) >>> 1;
        if (compare(items[middle], item) <= 0)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

;// CONCATENATED MODULE: ./src/engine/local/evidence.ts



/** Past this many items, an event's item is found by a map instead of a look through the list. */
const INDEXED = 32;
/**
 * The earliest evidence of one aggregate row, at most `limit` items, in `compareEvidence` order:
 * what the query's `min_by(evidence, evidence, N)` keeps. With dedupe, one item per `eventID`
 * (those without one are each their own), its smallest. Items can come in any order and from any
 * number of partial lists (files, threads): the result is the same, because an item dropped for
 * being past the limit can never come back into it (the limit's last item only gets smaller), and
 * an event's smallest item is kept wherever it came in.
 */
class EvidenceList {
    limit;
    dedupe;
    /** Sorted, earliest first. */
    items = [];
    /**
     * With dedupe, once the list is long: the item kept for each `eventID`. Most rows list a few
     * events, and a map each would be most of their memory.
     */
    byId;
    constructor(limit, dedupe) {
        this.limit = limit;
        this.dedupe = dedupe;
    }
    /**
     * Whether an item of this event time may be kept: not when the list is full and its last item
     * is earlier. Lets the parser skip making the evidence of most records.
     */
    admits(eventtime) {
        const { items, limit } = this;
        if (items.length < limit)
            return true;
        const last = items[items.length - 1];
        return last !== undefined && compareText(eventtime, last.eventtime) <= 0;
    }
    add(item) {
        const { items, limit } = this;
        if (limit === 0)
            return;
        const id = this.dedupe && item.eventid !== '' ? item.eventid : undefined;
        if (id !== undefined) {
            const kept = this.keptFor(id);
            if (kept !== undefined) {
                if (compareEvidence(item, kept) >= 0)
                    return;
                items.splice(indexAfter(items, kept, compareEvidence) - 1, 1);
            }
        }
        const last = items[items.length - 1];
        if (items.length >= limit && last !== undefined && compareEvidence(item, last) >= 0)
            return;
        items.splice(indexAfter(items, item, compareEvidence), 0, item);
        if (id !== undefined)
            this.byId?.set(id, item);
        if (items.length > limit) {
            const dropped = items.pop();
            if (dropped.eventid !== '')
                this.byId?.delete(dropped.eventid);
        }
        if (this.dedupe && this.byId === undefined && items.length >= INDEXED) {
            this.byId = new Map(items.filter((kept) => kept.eventid !== '').map((kept) => [kept.eventid, kept]));
        }
    }
    /** The item kept for the event `id`, if any. */
    keptFor(id) {
        if (this.byId !== undefined)
            return this.byId.get(id);
        for (const kept of this.items)
            if (kept.eventid === id)
                return kept;
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/captures.ts
/** How a captured value becomes text. */
const MISSING = 0; // absent or null: ''
const ASCII = 1; // a string of plain ASCII bytes
const UTF8 = 2; // a string with other bytes, and no escapes
const ESCAPED = 3; // a string with escapes
const RAW = 4; // not a string: its JSON text, read as the table's string column reads it
const EMPTY = Buffer.alloc(0);
/** Remembers nothing: captures not written by a scanner. */
const NO_BYTE_IDS = { find: () => -1, remember: () => { } };
/**
 * The current record's captured fields, by slot: where each value's bytes are in the document and
 * how they read. No string is made until one is asked for, and the scanner only writes numbers.
 */
class Captures {
    slots;
    /** Views into the scanner's memory once a scanner writes them (`DeliveryScanner`). */
    kinds;
    /** For a string, the offsets of its first byte and of its closing quote; else of its JSON text. */
    starts;
    ends;
    /** The document being scanned, which the offsets are into. */
    bytes = EMPTY;
    /** The scanner's byte strings with a text id, in `bytes`. */
    byteIds = NO_BYTE_IDS;
    constructor(slots) {
        this.slots = slots;
        this.kinds = new Uint8Array(slots);
        this.starts = new Int32Array(slots);
        this.ends = new Int32Array(slots);
    }
    /** Lets go of the document. */
    release() {
        this.bytes = EMPTY;
    }
    /** Whether the slot holds a value other than null or `""`. */
    present(slot) {
        return (this.kinds[slot] !== MISSING && this.ends[slot] > this.starts[slot]);
    }
    /**
     * The slot's value as text, '' when absent: a string decoded; a number or boolean as
     * `String(JSON.parse(…))` writes it, an object or array as compact JSON (`JSON.stringify`),
     * which is how the reference reads a string column (`record-values.ts`).
     */
    decode(slot) {
        const from = this.starts[slot];
        const to = this.ends[slot];
        switch (this.kinds[slot]) {
            case ASCII:
                return this.bytes.toString('latin1', from, to);
            case UTF8:
                return this.bytes.toString('utf8', from, to);
            case ESCAPED:
                return JSON.parse(this.bytes.toString('utf8', from - 1, to + 1));
            case RAW: {
                const value = JSON.parse(this.bytes.toString('utf8', from, to));
                return typeof value === 'object' ? JSON.stringify(value) : String(value);
            }
            default:
                return '';
        }
    }
    /** The slot's text (`decode`), or `null` when it is absent or null. */
    text(slot) {
        return this.kinds[slot] === MISSING ? null : this.decode(slot);
    }
    /** Whether the slot holds the string `ascii` (ASCII bytes), however it is written. */
    holds(slot, ascii) {
        const kind = this.kinds[slot];
        if (kind !== ASCII) {
            return kind === ESCAPED && this.decode(slot) === Buffer.from(ascii).toString('latin1');
        }
        const from = this.starts[slot];
        if (this.ends[slot] - from !== ascii.length)
            return false;
        for (let i = 0; i < ascii.length; i++)
            if (this.bytes[from + i] !== ascii[i])
                return false;
        return true;
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/event-date.ts

/** `2026-11-01T12:34:56Z`: how CloudTrail writes every `eventTime`. */
const CLOUDTRAIL_TIME_LENGTH = 20;
const LETTER_T = 0x54;
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const LETTER_Z = 0x5a;
/**
 * The UTC date of each record's `eventTime`, as a text id. CloudTrail's own form is read from the
 * bytes, and consecutive records of a file mostly share their date, so the usual record costs a
 * few byte reads and no string; any other ISO-8601 form is parsed.
 */
class EventDates {
    texts;
    lastDay = -1;
    lastDayId = 0;
    constructor(texts) {
        this.texts = texts;
    }
    /** The id of the date of the time captured in `slot`, `YYYY-MM-DD`, or of '' when it has none. */
    idOf(captures, slot) {
        const b = captures.bytes;
        const i = captures.starts[slot];
        if (captures.kinds[slot] === ASCII &&
            captures.ends[slot] - i === CLOUDTRAIL_TIME_LENGTH) {
            const year = number(b, i, 4);
            const month = number(b, i + 5, 2);
            const day = number(b, i + 8, 2);
            const hour = number(b, i + 11, 2);
            const minute = number(b, i + 14, 2);
            const second = number(b, i + 17, 2);
            if (b[i + 4] === MINUS &&
                b[i + 7] === MINUS &&
                b[i + 10] === LETTER_T &&
                b[i + 13] === COLON &&
                b[i + 16] === COLON &&
                b[i + 19] === LETTER_Z &&
                isDate(year, month, day) &&
                isTime(hour, minute, second)) {
                const key = year * 10_000 + month * 100 + day;
                if (key !== this.lastDay) {
                    this.lastDay = key;
                    this.lastDayId = this.texts.idOfText(b.toString('latin1', i, i + 10));
                }
                return this.lastDayId;
            }
        }
        return captures.kinds[slot] === MISSING
            ? 0
            : this.texts.idOfText(isoDate(captures.decode(slot)));
    }
}
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
/** The UTC date of an ISO-8601 date and time, with an offset or none (UTC); '' if it is not one. */
function isoDate(time) {
    const match = ISO.exec(time);
    if (match === null)
        return '';
    const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match
        .slice(1, 7)
        .map((part) => Number(part ?? 0));
    const zone = match[7] ?? 'Z';
    if (!isDate(year, month, day) || !isTime(hour, minute, second))
        return '';
    const offsetMinutes = zone === 'Z'
        ? 0
        : (zone.startsWith('-') ? -1 : 1) *
            (Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0));
    // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute - offsetMinutes, second);
    return utc.toISOString().slice(0, 10);
}
/** The decimal number of `length` digits at `at`; negative if one is not a digit. */
function number(b, at, length) {
    let value = 0;
    for (let i = at; i < at + length; i++) {
        const c = b[i] - ZERO;
        value = value * 10 + (c >= 0 && c <= 9 ? c : -100_000);
    }
    return value;
}
function isDate(year, month, day) {
    return year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}
function isTime(hour, minute, second) {
    return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60;
}
function daysIn(year, month) {
    if (month === 2)
        return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
    return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

;// CONCATENATED MODULE: ./src/engine/local/parser/hash.ts
/**
 * A 64-bit hash, as two 32-bit halves (`high`, `low`), of a string's UTF-16 code units, continuing
 * from a seed: two MurmurHash3-style lanes with different constants, mixed together at the end.
 * `ofBytes` is the same over ASCII bytes, which are the same units, so a value hashes the same
 * whether it was read as bytes or decoded. Every parser thread must hash alike: the main thread
 * dedupes events across threads by these hashes.
 */
class Hash64 {
    high = 0;
    low = 0;
    ofString(value, seedHigh, seedLow) {
        let a = seedHigh ^ value.length;
        let b = seedLow ^ Math.imul(value.length, 0x9e3779b1);
        for (let i = 0; i < value.length; i++) {
            const c = value.charCodeAt(i);
            a = Math.imul(a ^ c, 0xcc9e2d51);
            a = (a << 15) | (a >>> 17);
            b = Math.imul(b ^ c, 0x1b873593);
            b = (b << 13) | (b >>> 19);
            b = (Math.imul(b, 5) + 0xe6546b64) | 0;
        }
        this.finish(a, b);
    }
    /** The hash of the ASCII bytes from `from` to `to`, as `ofString` of their text. */
    ofBytes(bytes, from, to, seedHigh, seedLow) {
        let a = seedHigh ^ (to - from);
        let b = seedLow ^ Math.imul(to - from, 0x9e3779b1);
        for (let i = from; i < to; i++) {
            const c = bytes[i];
            a = Math.imul(a ^ c, 0xcc9e2d51);
            a = (a << 15) | (a >>> 17);
            b = Math.imul(b ^ c, 0x1b873593);
            b = (b << 13) | (b >>> 19);
            b = (Math.imul(b, 5) + 0xe6546b64) | 0;
        }
        this.finish(a, b);
    }
    finish(a, b) {
        a ^= b;
        a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
        a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
        a ^= a >>> 16;
        b ^= a;
        b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
        b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
        b ^= b >>> 16;
        this.high = a >>> 0;
        this.low = b >>> 0;
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/keys.ts
/**
 * The aggregate keys a parser has seen, each a tuple of text ids with an id of its own, in the
 * order they were first seen. A key is found by a hash of its tuple, probing the next hash values
 * on a collision, and checked id for id.
 */
class KeyTable {
    width;
    /** The key to find or add: set its ids, then call `find`. */
    tuple;
    tuples;
    count = 0;
    byHash = new Map();
    /** By key id: its hash in `byHash`, to forget it. */
    hashOf = [];
    /** Where `find` last found no key: the hash `add` files the tuple under. */
    freeHash = 0;
    constructor(width) {
        this.width = width;
        this.tuple = new Int32Array(width);
        this.tuples = new Int32Array(width * 1024);
    }
    get size() {
        return this.count;
    }
    /** The id of `tuple`, or -1. */
    find() {
        const { tuple, width } = this;
        let h = 0x9747b28c;
        for (let i = 0; i < width; i++)
            h = Math.imul(h ^ tuple[i], 0x5bd1e995) ^ (h >>> 15);
        for (;; h = (h + 1) | 0) {
            const id = this.byHash.get(h);
            if (id === undefined) {
                this.freeHash = h;
                return -1;
            }
            let i = 0;
            while (i < width && this.tuples[id * width + i] === tuple[i])
                i++;
            if (i === width)
                return id;
        }
    }
    /** Adds `tuple`, which `find` just did not find, and returns its id. */
    add() {
        const id = this.count++;
        if (this.tuples.length < this.count * this.width) {
            const bigger = new Int32Array(this.tuples.length * 2);
            bigger.set(this.tuples);
            this.tuples = bigger;
        }
        this.tuples.set(this.tuple, id * this.width);
        this.byHash.set(this.freeHash, id);
        this.hashOf[id] = this.freeHash;
        return id;
    }
    /**
     * Forgets the keys from id `size` on, those of a file that turned out broken. Deleting the
     * newest keys breaks no probe sequence: older keys never probed past them.
     */
    truncate(size) {
        for (let id = size; id < this.count; id++)
            this.byHash.delete(this.hashOf[id]);
        this.count = size;
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/listings.ts


/**
 * What findings.csv can still list of one rule (or one suppression entry, or one group of a
 * threshold rule): it lists the earliest `limit` findings of each (`reports/findings.ts`, earliest
 * by event time, then event id, then the other evidence). Holds the earliest distinct findings
 * seen so far, by (time, id), at most `limit`: a finding after all of them can never be listed.
 */
class Listing {
    limit;
    /** Sorted by (time, id). */
    entries = [];
    /** With dedupe, by key and event id: one event of one key is one finding, however delivered. */
    byEvent;
    constructor(limit, dedupe) {
        this.limit = limit;
        this.byEvent = dedupe ? new Map() : undefined;
    }
    /** Whether a finding at (time, id) may be among the earliest: ties may, by their other evidence. */
    mayList(time, id) {
        const { entries } = this;
        if (entries.length < this.limit)
            return true;
        const last = entries[entries.length - 1];
        return compare(time, id, last) <= 0;
    }
    add(time, id, key) {
        const event = this.byEvent !== undefined && id !== '' ? `${key} ${id}` : undefined;
        if (event !== undefined) {
            const kept = this.byEvent?.get(event);
            if (kept !== undefined) {
                // The same finding again: it is as early as its earliest delivery.
                if (compareText(time, kept.time) < 0) {
                    this.entries.splice(this.entries.indexOf(kept), 1);
                    kept.time = time;
                    this.insert(kept);
                }
                return;
            }
        }
        if (!this.mayList(time, id))
            return;
        const entry = { time, id, key };
        this.insert(entry);
        if (event !== undefined)
            this.byEvent?.set(event, entry);
        if (this.entries.length > this.limit) {
            const dropped = this.entries.pop();
            if (this.byEvent !== undefined && dropped.id !== '') {
                this.byEvent.delete(`${dropped.key} ${dropped.id}`);
            }
        }
    }
    insert(entry) {
        this.entries.splice(indexAfter(this.entries, entry, byTimeAndId), 0, entry);
    }
}
function compare(time, id, entry) {
    return compareText(time, entry.time) || compareText(id, entry.id);
}
const byTimeAndId = (a, b) => compare(a.time, a.id, b);
/**
 * Which matched records can show in findings.csv, so that a parser makes the evidence of those
 * alone: a record whose (eventTime, eventID) comes after the `limit` earliest distinct findings
 * of every listing it belongs to (each rule of its `rules` column; for a threshold rule, the
 * rule's group of the record: its UTC day and `per` columns) is past every listing for good,
 * whatever the other files hold. Counts, times and everything else stay exact; only evidence
 * that no listing could take is not made, which on a busy day is most of it.
 *
 * What a file's records add is taken in at `commit`, when the file has been read whole: a file
 * that turns out broken counts for nothing, so it must not shorten the listings either.
 */
class Listings {
    limit;
    dedupe;
    perOf;
    byGroup = new Map();
    /** By key id: the listings its records belong to. */
    ofKey = [];
    pending = [];
    constructor(rules, limit, dedupe) {
        this.limit = limit;
        this.dedupe = dedupe;
        this.perOf = new Map(rules.map((rule) => [rule.key, rule.per]));
    }
    /** Whether the key's listings are known (`learn`). */
    knows(key) {
        return this.ofKey[key] !== undefined;
    }
    /** Notes which listings the records of key `key`, of these columns, belong to. */
    learn(key, group) {
        this.ofKey[key] = this.listingsOf(group);
    }
    /** Whether a matched record of key `key` (known) may be listed; notes it for `commit` if so. */
    mayList(key, time, id) {
        if (this.limit === 0)
            return false;
        let may = false;
        for (const listing of this.ofKey[key]) {
            if (!listing.mayList(time, id))
                continue;
            this.pending.push({ listing, time, id, key });
            may = true;
        }
        return may;
    }
    /** Takes in the records of the file just read. */
    commit() {
        for (const { listing, time, id, key } of this.pending)
            listing.add(time, id, key);
        this.pending = [];
    }
    /** Forgets the records of the file just read, and the key ids from `keys` on, which it made. */
    abandon(keys) {
        this.pending = [];
        this.ofKey.length = Math.min(this.ofKey.length, keys);
    }
    listingsOf(group) {
        return group.rules.split(' ').map((token) => {
            const per = this.perOf.get(token);
            const name = per === undefined
                ? token
                : [token, group.eventdate, ...per.map((column) => group[column])].join(' ');
            let listing = this.byGroup.get(name);
            if (listing === undefined) {
                listing = new Listing(this.limit, this.dedupe);
                this.byGroup.set(name, listing);
            }
            return listing;
        });
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/record.ts

/**
 * The record fields every parser captures, for the aggregate's key and the evidence; a field's
 * slot is its index. The rules' own scalar fields are captured after these (`recordFields`).
 */
const FIELDS = [
    'recipientAccountId',
    'awsRegion',
    'eventSource',
    'eventName',
    'eventTime',
    'errorCode',
    'eventID',
    'userIdentity.type',
    'userIdentity.arn',
    'userIdentity.invokedBy',
    'userIdentity.userName',
    'userIdentity.accountId',
    'userIdentity.sessionContext.sessionIssuer.arn',
    'userIdentity.sessionContext.sourceIdentity',
    'userIdentity.onBehalfOf.userId',
    'sourceIPAddress',
    'userAgent',
    'resources',
    'requestParameters'
];
const slot = (field) => FIELDS.indexOf(field);
const ACCOUNT = slot('recipientAccountId');
const REGION = slot('awsRegion');
const SOURCE = slot('eventSource');
const NAME = slot('eventName');
const TIME = slot('eventTime');
const ERROR = slot('errorCode');
const EVENT_ID = slot('eventID');
const IDENTITY_TYPE = slot('userIdentity.type');
const SOURCE_IP = slot('sourceIPAddress');
const USER_AGENT = slot('userAgent');
const RESOURCES = slot('resources');
const REQUEST_PARAMETERS = slot('requestParameters');
const ARN = slot('userIdentity.arn');
const INVOKED_BY = slot('userIdentity.invokedBy');
const USER_NAME = slot('userIdentity.userName');
const ACCOUNT_ID = slot('userIdentity.accountId');
const ISSUER_ARN = slot('userIdentity.sessionContext.sessionIssuer.arn');
const SOURCE_IDENTITY = slot('userIdentity.sessionContext.sourceIdentity');
const ON_BEHALF_OF = slot('userIdentity.onBehalfOf.userId');
/**
 * The paths a parser captures: `FIELDS`, then every other field the rules test, and the JSON
 * column or array each is in, so that no rule needs the record read with `JSON.parse`
 * (`CapturedValues`). A path's slot is its index.
 */
function recordFields(conditions) {
    const paths = new Map(FIELDS.map((field) => [field, field.split('.')]));
    const visit = (condition) => {
        switch (condition.kind) {
            case 'and':
                condition.all.forEach(visit);
                break;
            case 'or':
                condition.any.forEach(visit);
                break;
            case 'not':
                visit(condition.condition);
                break;
            case 'match': {
                const { kind, keys } = condition.field.source;
                if (kind === 'json' || kind === 'array') {
                    const root = keys.slice(0, 1);
                    if (!paths.has(root.join('.')))
                        paths.set(root.join('.'), root);
                }
                if (kind !== 'array')
                    paths.set(keys.join('.'), keys);
            }
        }
    };
    conditions.forEach(visit);
    return [...paths.values()];
}
const PRINCIPAL_FALLBACKS = [ARN, INVOKED_BY, USER_NAME, ACCOUNT_ID];
const ACTOR_FALLBACKS = [USER_NAME, ON_BEHALF_OF, INVOKED_BY];
const ASSUMED_ROLE = new TextEncoder().encode('AssumedRole');
const SLASH = 0x2f;
/**
 * The aggregate's `principal` and `actor` of the record in the captures, as text ids. Each
 * fallback takes a value that is there and not `''`, as the query's `nullif(…, '')` does.
 */
class Identities {
    texts;
    principal = 0;
    actor = 0;
    constructor(texts) {
        this.texts = texts;
    }
    read(captures) {
        const { texts } = this;
        const assumed = captures.holds(IDENTITY_TYPE, ASSUMED_ROLE);
        // Who acted: the session issuer of an assumed role, the ARN, the invoking service, the user
        // name of an identity without an ARN, the account.
        const principal = assumed && captures.present(ISSUER_ARN)
            ? ISSUER_ARN
            : firstPresent(captures, PRINCIPAL_FALLBACKS);
        this.principal = principal < 0 ? 0 : texts.idOf(captures, principal);
        // The person or session behind it: the source identity, an assumed role's session name (the
        // ARN's last segment), the user name, the Identity Center user, the invoking service.
        if (captures.present(SOURCE_IDENTITY)) {
            this.actor = texts.idOf(captures, SOURCE_IDENTITY);
            return;
        }
        if (assumed && captures.present(ARN)) {
            const session = this.sessionName(captures);
            if (session > 0) {
                this.actor = session;
                return;
            }
        }
        const actor = firstPresent(captures, ACTOR_FALLBACKS);
        this.actor = actor < 0 ? 0 : texts.idOf(captures, actor);
    }
    /** The text id of what follows the ARN's last `/`: 0 for '' or an ARN without one. */
    sessionName(captures) {
        const kind = captures.kinds[ARN];
        if (kind === ASCII || kind === UTF8) {
            const b = captures.bytes;
            const to = captures.ends[ARN];
            let i = to - 1;
            while (i >= captures.starts[ARN] && b[i] !== SLASH)
                i--;
            if (i < captures.starts[ARN] || i === to - 1)
                return 0;
            return this.texts.idOfBytes(captures, ARN, i + 1);
        }
        const arn = captures.decode(ARN);
        const slash = arn.lastIndexOf('/');
        return slash < 0 ? 0 : this.texts.idOfText(arn.slice(slash + 1));
    }
}
function firstPresent(captures, slots) {
    for (const slot of slots)
        if (captures.present(slot))
            return slot;
    return -1;
}

;// CONCATENATED MODULE: ./src/engine/local/predicates.ts
/**
 * Makes a compiler of rule conditions to predicates; each parser thread makes its own, from the
 * rules it receives as data (`parser/rules.ts`). Its semantics are those of
 * `engine/athena/rules-sql.ts`, which the SQL oracle test proves equal.
 */
function createRuleCompiler() {
    const fields = [];
    const fieldIndexes = new Map();
    const fieldIndex = (source) => {
        const key = JSON.stringify(source);
        let index = fieldIndexes.get(key);
        if (index === undefined) {
            index = fields.length;
            fields.push(source);
            fieldIndexes.set(key, index);
        }
        return index;
    };
    /** Trino's and DuckDB's `lower()`: each code point by its simple mapping (see `lowerText`). */
    const lower = (text) => {
        if (!/[\u0130\u03a3]/.test(text))
            return text.toLowerCase();
        let out = '';
        for (const char of text)
            out += char === '\u0130' ? 'i' : char.toLowerCase();
        return out;
    };
    const escapeRegex = (text) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    /** A Sigma string's parts as a test of a whole (already lowercased, unless cased) value. */
    const patternMatcher = (parts) => {
        const texts = parts.map((part) => (typeof part === 'string' ? undefined : part.text));
        const [first, second] = texts;
        if (parts.length === 0)
            return (value) => value === '';
        if (parts.length === 1 && first !== undefined)
            return (value) => value === first;
        if (parts.length === 2 && parts[0] === '*' && second !== undefined) {
            return (value) => value.endsWith(second);
        }
        if (parts.length === 2 && parts[1] === '*' && first !== undefined) {
            return (value) => value.startsWith(first);
        }
        if (parts.length === 3 && parts[0] === '*' && parts[2] === '*' && second !== undefined) {
            return (value) => value.includes(second);
        }
        if (parts.length === 1 && parts[0] === '*')
            return () => true;
        // `[\s\S]` with the `u` flag: any one code point, newlines included, as LIKE's `_`.
        const body = parts
            .map((part) => part === '*' ? '[\\s\\S]*' : part === '?' ? '[\\s\\S]' : escapeRegex(part.text))
            .join('');
        const regex = new RegExp(`^${body}$`, 'u');
        return (value) => regex.test(value);
    };
    const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;
    const ipv4Number = (address) => address.split('.').reduce((number, octet) => number * 256 + Number(octet), 0);
    /** A test of a value that is there (`null` values never pass a value test). */
    const valueTests = new Map();
    const valueTest = (test) => {
        const key = JSON.stringify(test);
        const cached = valueTests.get(key);
        if (cached !== undefined)
            return cached;
        let made;
        switch (test.kind) {
            case 'pattern': {
                const matches = patternMatcher(test.parts);
                made = test.cased ? matches : (value) => matches(lower(value));
                break;
            }
            case 'regex': {
                // Multiline anchors see `\n` only, as in Java and RE2, where JavaScript's also see `\r`.
                const source = test.multiline
                    ? test.source.replace(/\\[\s\S]|\[\^|[\^$]/g, (token) => token === '^' ? '(?<![^\\n])' : token === '$' ? '(?![^\\n])' : token)
                    : test.source;
                const regex = new RegExp(source, test.ignoreCase ? 'iu' : 'u');
                made = (value) => regex.test(value);
                break;
            }
            case 'cidr': {
                const size = 2 ** (32 - test.prefixLength);
                const low = Math.floor(ipv4Number(test.network) / size) * size;
                const high = low + size - 1;
                made = (value) => {
                    if (!IPV4.test(value))
                        return false;
                    const number = ipv4Number(value);
                    return number >= low && number <= high;
                };
                break;
            }
            case 'exists':
            case 'null':
                throw new Error(`${test.kind} is not a value test`);
        }
        valueTests.set(key, made);
        return made;
    };
    const compileMatch = (source, test) => {
        const index = fieldIndex(source);
        if (source.kind === 'array') {
            const anyElement = (holds) => (record) => {
                const values = record.elements(index);
                if (values === null)
                    return false;
                for (const value of values)
                    if (value !== null && holds(value))
                        return true;
                return false;
            };
            if (test.kind === 'exists')
                return anyElement(() => true);
            if (test.kind === 'null') {
                const exists = anyElement(() => true);
                return (record) => !exists(record);
            }
            return anyElement(valueTest(test));
        }
        if (test.kind === 'exists' || test.kind === 'null') {
            const wanted = test.kind === 'exists';
            return source.kind === 'json' && source.path.length > 0
                ? (record) => record.present(index) === wanted
                : (record) => (record.text(index) !== null) === wanted;
        }
        const holds = valueTest(test);
        // The last answer, for the same text again (the parser hands the same string back).
        let lastValue = null;
        let lastAnswer = false;
        return (record) => {
            const value = record.text(index);
            if (value === null)
                return false;
            if (value !== lastValue) {
                lastValue = value;
                lastAnswer = holds(value);
            }
            return lastAnswer;
        };
    };
    const compile = (condition) => {
        switch (condition.kind) {
            case 'and': {
                const parts = condition.all.map(compile);
                return (record) => {
                    for (const part of parts)
                        if (!part(record))
                            return false;
                    return true;
                };
            }
            case 'or': {
                const parts = condition.any.map(compile);
                return (record) => {
                    for (const part of parts)
                        if (part(record))
                            return true;
                    return false;
                };
            }
            case 'not': {
                const part = compile(condition.condition);
                return (record) => !part(record);
            }
            case 'match':
                return compileMatch(condition.field.source, condition.test);
        }
    };
    const specialize = (condition, known) => {
        switch (condition.kind) {
            case 'and':
            case 'or': {
                const decisive = condition.kind === 'or';
                const left = [];
                for (const part of condition.kind === 'and' ? condition.all : condition.any) {
                    const result = specialize(part, known);
                    if (result === decisive)
                        return decisive;
                    if (result !== !decisive)
                        left.push(result);
                }
                if (left.length === 0)
                    return !decisive;
                if (left.length === 1)
                    return left[0];
                return condition.kind === 'and' ? { kind: 'and', all: left } : { kind: 'or', any: left };
            }
            case 'not': {
                const result = specialize(condition.condition, known);
                return typeof result === 'boolean' ? !result : { kind: 'not', condition: result };
            }
            case 'match': {
                const { source } = condition.field;
                if (source.kind !== 'column' && source.kind !== 'struct')
                    return condition;
                const value = known(source);
                if (value === undefined)
                    return condition;
                const { test } = condition;
                if (test.kind === 'exists')
                    return value !== null;
                if (test.kind === 'null')
                    return value === null;
                return value !== null && valueTest(test)(value);
            }
        }
    };
    return { fields, compile, specialize };
}

;// CONCATENATED MODULE: ./src/rules/fields.ts
/**
 * The scalar fields of the record and of its structs, as CloudTrail spells their keys. The table's
 * names are the same in lowercase (Hive's JSON SerDe matches keys whatever their case).
 */
const SCALAR_PATHS = [
    'eventVersion',
    'eventTime',
    'eventSource',
    'eventName',
    'awsRegion',
    'sourceIPAddress',
    'userAgent',
    'errorCode',
    'errorMessage',
    'requestID',
    'eventID',
    'readOnly',
    'eventType',
    'apiVersion',
    'recipientAccountId',
    'sharedEventID',
    'vpcEndpointId',
    'vpcEndpointAccountId',
    'eventCategory',
    'sessionCredentialFromConsole',
    'userIdentity.type',
    'userIdentity.principalId',
    'userIdentity.arn',
    'userIdentity.accountId',
    'userIdentity.invokedBy',
    'userIdentity.accessKeyId',
    'userIdentity.userName',
    'userIdentity.onBehalfOf.userId',
    'userIdentity.onBehalfOf.identityStoreArn',
    'userIdentity.sessionContext.attributes.mfaAuthenticated',
    'userIdentity.sessionContext.attributes.creationDate',
    'userIdentity.sessionContext.sessionIssuer.type',
    'userIdentity.sessionContext.sessionIssuer.principalId',
    'userIdentity.sessionContext.sessionIssuer.arn',
    'userIdentity.sessionContext.sessionIssuer.accountId',
    'userIdentity.sessionContext.sessionIssuer.userName',
    'userIdentity.sessionContext.ec2RoleDelivery',
    'userIdentity.sessionContext.sourceIdentity',
    'userIdentity.sessionContext.webIdFederationData.federatedProvider',
    'addendum.reason',
    'addendum.updatedFields',
    'addendum.originalRequestID',
    'addendum.originalEventID',
    'tlsDetails.tlsVersion',
    'tlsDetails.cipherSuite',
    'tlsDetails.clientProvidedHostHeader'
];
/** The objects kept as JSON text, any path below which a rule may test. */
const JSON_ROOTS = [
    'requestParameters',
    'responseElements',
    'additionalEventData',
    'serviceEventDetails'
];
/** The array of structs, and its elements' fields. */
const ARRAY_ROOT = 'resources';
const ARRAY_FIELDS = ['ARN', 'accountId', 'type'];
const byLowercase = (entries) => new Map(entries.map(([name, value]) => [name.toLowerCase(), value]));
const SCALARS = byLowercase(SCALAR_PATHS.map((path) => [path, path.split('.')]));
const JSON_COLUMNS = byLowercase(JSON_ROOTS.map((root) => [root, root]));
const ELEMENT_FIELDS = byLowercase(ARRAY_FIELDS.map((name) => [name, name]));
/**
 * A key below a JSON root must be plain text for the JSON path (`$["key"]`): no `"` or `\`, which
 * the path would have to escape, and no control character.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const JSON_KEY = /^[^"\\\u0000-\u001f]+$/;
/** Why a path is not in the catalogue. */
class UnknownField extends Error {
}
/**
 * Where `path` is. The record's own fields and those of its structs are found whatever their
 * case, as Athena finds them; keys below a JSON object are case-sensitive, as `json_extract_scalar`
 * is. Throws `UnknownField` for anything else.
 */
function resolveField(path) {
    return { path, source: sourceOf(path) };
}
function sourceOf(path) {
    const scalar = SCALARS.get(path.toLowerCase());
    if (scalar !== undefined) {
        const [column, ...rest] = scalar.map((key) => key.toLowerCase());
        return rest.length === 0
            ? { kind: 'column', column, keys: scalar }
            : { kind: 'struct', column, path: rest, keys: scalar };
    }
    const [root = '', ...below] = path.split('.');
    const jsonRoot = JSON_COLUMNS.get(root.toLowerCase());
    if (jsonRoot !== undefined) {
        const bad = below.find((key) => !JSON_KEY.test(key));
        if (bad !== undefined) {
            throw new UnknownField(`the field ${JSON.stringify(path)} has a key that is empty or holds ", \\ or a control character`);
        }
        return { kind: 'json', column: jsonRoot.toLowerCase(), path: below, keys: [jsonRoot, ...below] };
    }
    if (root.toLowerCase() === ARRAY_ROOT && below.length === 1) {
        const element = ELEMENT_FIELDS.get(below[0].toLowerCase());
        if (element !== undefined) {
            return {
                kind: 'array',
                column: ARRAY_ROOT,
                field: element.toLowerCase(),
                keys: [ARRAY_ROOT, element]
            };
        }
    }
    throw new UnknownField(`the field ${JSON.stringify(path)} is not in the CloudTrail record`);
}

;// CONCATENATED MODULE: ./src/engine/local/record-values.ts
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A value read by the Athena table's SerDe into a STRING column: scalars as text, objects as JSON. */
function columnText(value) {
    if (value === undefined || value === null)
        return null;
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    return JSON.stringify(value);
}
function child(value, key) {
    return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}
/**
 * `json_extract_scalar` (text) and whether `json_extract` finds a non-null value (presence) at a
 * path below a JSON column: the column's text is parsed as JSON (a string column holding JSON text
 * is read through, as Athena reads it); only objects are entered, by key.
 */
function jsonValue(column, path) {
    let value = column;
    if (typeof value === 'string') {
        try {
            value = JSON.parse(value);
        }
        catch {
            return undefined;
        }
    }
    for (const key of path)
        value = child(value, key);
    return value;
}
/**
 * `RecordValues` over a record read with `JSON.parse`, computing each value when a rule first asks
 * for it: the reference the local engine's parser must agree with, and what tests use.
 */
function jsonRecordValues(fields, record) {
    const root = record;
    const at = (keys) => keys.reduce((value, key) => child(value, key), root);
    const source = (field) => {
        const found = fields[field];
        if (found === undefined)
            throw new Error(`No field ${field}`);
        return found;
    };
    const jsonAt = (field) => jsonValue(root[field.keys[0]], field.path);
    return {
        text(field) {
            const found = source(field);
            if (found.kind === 'json' && found.path.length > 0) {
                const value = jsonAt(found);
                return typeof value === 'object' ? null : columnText(value);
            }
            return columnText(at(found.keys));
        },
        present(field) {
            const found = source(field);
            if (found.kind !== 'json')
                throw new Error(`${found.kind} fields have no presence test`);
            const value = found.path.length > 0 ? jsonAt(found) : root[found.keys[0]];
            return value !== undefined && value !== null;
        },
        elements(field) {
            const found = source(field);
            const [arrayKey = '', elementKey = ''] = found.keys;
            const array = root[arrayKey];
            if (!Array.isArray(array))
                return null;
            return array.map((element) => columnText(child(element, elementKey)));
        }
    };
}

;// CONCATENATED MODULE: ./src/engine/local/parser/values.ts





/** The evidence's fields that are objects or arrays: read from their captured JSON text. */
const EVIDENCE_SOURCES = [resolveField('resources.ARN'), resolveField('requestParameters')].map((field) => field.source);
const ARNS = 0;
const PARAMETERS = 1;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
/**
 * The current record's values as the compiled rules read them (`RecordValues`, by the index of
 * the field in `fields`, the rule compiler's list, which grows as it compiles), all from the
 * parser's captures (`recordFields` captures every field a rule names, and the JSON objects and
 * arrays they are in). Only an array's elements, and a field below a JSON column that holds JSON
 * as a string, are read with `JSON.parse`, of that one value, when a rule asks. The reference
 * accessor (`record-values.ts`) defines the values: both give the same.
 */
class CapturedValues {
    captures;
    fields;
    /** By field index; unset until asked. */
    places = [];
    /** By slot: the last ASCII text read from it (`textOf`). */
    lastTexts = [];
    slotOfPath;
    /** The JSON columns and arrays of the record that rules read parsed, by key; null if none. */
    parsed = null;
    parsedValues = null;
    constructor(captures, fields, paths) {
        this.captures = captures;
        this.fields = fields;
        this.slotOfPath = new Map(paths.map((path, slot) => [path.join('.'), slot]));
    }
    /** On to the next record: nothing read of the last one is kept. */
    reset() {
        this.parsed = null;
        this.parsedValues = null;
    }
    text(field) {
        const { slot, root } = this.placeOf(field);
        const { captures } = this;
        if (root < 0)
            return slot >= 0 ? this.textOf(slot) : this.fromParsed(field).text(field);
        if (holdsText(captures, root))
            return this.fromParsed(field).text(field);
        // `json_extract_scalar` gives no text for an object or an array.
        if (captures.kinds[slot] === RAW) {
            const first = captures.bytes[captures.starts[slot]];
            if (first === OPEN_OBJECT || first === OPEN_ARRAY)
                return null;
        }
        return this.textOf(slot);
    }
    /**
     * The captured text in `slot`: the last one read from that slot when the bytes are the same,
     * as they often are from record to record (a role, a service), so that a rule's tests of it
     * make no new string and can reuse their last answer (`predicates.ts`).
     */
    textOf(slot) {
        const { captures } = this;
        if (captures.kinds[slot] !== ASCII)
            return captures.text(slot);
        const from = captures.starts[slot];
        const length = captures.ends[slot] - from;
        const last = this.lastTexts[slot];
        if (last !== undefined && last.length === length) {
            const b = captures.bytes;
            let i = 0;
            while (i < length && last.charCodeAt(i) === b[from + i])
                i++;
            if (i === length)
                return last;
        }
        const text = captures.decode(slot);
        this.lastTexts[slot] = text;
        return text;
    }
    present(field) {
        const { slot, root } = this.placeOf(field);
        if (root >= 0 && holdsText(this.captures, root))
            return this.fromParsed(field).present(field);
        return this.captures.kinds[slot] !== MISSING;
    }
    elements(field) {
        return this.fromParsed(field).elements(field);
    }
    /**
     * The record's evidence, from its captures: its time, id, source address and user agent, the
     * ARNs of its resources space-separated, and its request parameters' compact JSON text cut to
     * `REQUEST_PARAMETERS_LIMIT` code points.
     */
    evidence() {
        const { captures } = this;
        const record = jsonRecordValues(EVIDENCE_SOURCES, {
            resources: this.parsed?.resources ?? values_valueOf(captures, RESOURCES),
            requestParameters: this.parsed?.requestParameters ?? values_valueOf(captures, REQUEST_PARAMETERS)
        });
        const arns = record.elements(ARNS) ?? [];
        const parameters = record.text(PARAMETERS) ?? '';
        return {
            eventtime: captures.decode(TIME),
            eventid: captures.decode(EVENT_ID),
            sourceipaddress: captures.decode(SOURCE_IP),
            useragent: captures.decode(USER_AGENT),
            resources: arns.filter((arn) => arn !== null).join(' '),
            requestparameters: cutCodePoints(parameters, REQUEST_PARAMETERS_LIMIT)
        };
    }
    placeOf(field) {
        let place = this.places[field];
        if (place === undefined) {
            const source = this.fields[field];
            if (source === undefined)
                throw new Error(`No field ${field}`);
            const slotOf = (keys) => {
                const slot = this.slotOfPath.get(keys.join('.'));
                if (slot === undefined)
                    throw new Error(`The field ${keys.join('.')} is not captured`);
                return slot;
            };
            place =
                source.kind === 'array'
                    ? { slot: -1, root: -1 }
                    : {
                        slot: slotOf(source.keys),
                        root: source.kind === 'json' && source.path.length > 0
                            ? slotOf(source.keys.slice(0, 1))
                            : -1
                    };
            this.places[field] = place;
        }
        return place;
    }
    /** The reference's values over the field's JSON column or array, parsed once per record. */
    fromParsed(field) {
        const key = this.fields[field].keys[0];
        this.parsed ??= {};
        if (!Object.hasOwn(this.parsed, key)) {
            const slot = this.slotOfPath.get(key);
            if (slot === undefined)
                throw new Error(`The field ${key} is not captured`);
            this.parsed[key] = values_valueOf(this.captures, slot);
        }
        this.parsedValues ??= jsonRecordValues(this.fields, this.parsed);
        return this.parsedValues;
    }
}
/**
 * Whether a JSON column holds a string: the reference then reads the JSON text in it, so the
 * fields below it are read from that, not from the captures.
 */
function holdsText(captures, slot) {
    const kind = captures.kinds[slot];
    return kind !== MISSING && kind !== RAW;
}
/** A captured value as `JSON.parse` gives it (`null` when absent). */
function values_valueOf(captures, slot) {
    const kind = captures.kinds[slot];
    if (kind === MISSING)
        return null;
    if (kind !== RAW)
        return captures.decode(slot);
    const from = captures.starts[slot];
    return JSON.parse(captures.bytes.toString('utf8', from, captures.ends[slot]));
}
/** The text's first `limit` code points (a pair of surrogates is one). */
function cutCodePoints(text, limit) {
    if (text.length <= limit)
        return text;
    let end = 0;
    for (let count = 0; count < limit && end < text.length; count++) {
        const unit = text.charCodeAt(end);
        const next = text.charCodeAt(end + 1);
        end += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    }
    return text.slice(0, end);
}

;// CONCATENATED MODULE: ./src/engine/local/parser/rules.ts






/** The fields every record's key reads anyway, which decide most rules before any other. */
const KNOWN = [
    { path: 'eventSource', slot: SOURCE },
    { path: 'eventName', slot: NAME },
    { path: 'errorCode', slot: ERROR },
    { path: 'userIdentity.type', slot: IDENTITY_TYPE }
];
/**
 * Evaluates the loaded rules on each record, as the aggregate's `rules` column: the keys of every
 * rule it matches, in code point order, space-separated. Each rule is first decided by the fields
 * every record's key reads (event source and name, error code, identity type): for each distinct
 * combination of them, once, the rules are specialized (`RuleCompiler.specialize`), so a record
 * whose combination decides every rule costs a table lookup. Only what is left is tested on the
 * record's other values (`CapturedValues`).
 */
class RuleMatcher {
    texts;
    captures;
    compiler = createRuleCompiler();
    rules;
    combinations = new KeyTable(KNOWN.length);
    plans = [];
    values;
    constructor(rules, texts, captures, paths) {
        this.texts = texts;
        this.captures = captures;
        this.rules = [...rules].sort((a, b) => compareText(a.key, b.key));
        this.values = new CapturedValues(captures, this.compiler.fields, paths);
    }
    /**
     * Starts on the record in the captures (`values` read it from now on), and gives the text id of
     * its `rules` column, given the text ids of its event source, event
     * name, error code and identity type.
     */
    match(source, name, error, type) {
        const { captures, combinations, values } = this;
        values.reset();
        if (this.rules.length === 0)
            return 0;
        const tuple = combinations.tuple;
        // A field that is absent is not one that is '': `exists` tells them apart.
        tuple[0] = captures.kinds[SOURCE] === MISSING ? -1 : source;
        tuple[1] = captures.kinds[NAME] === MISSING ? -1 : name;
        tuple[2] = captures.kinds[ERROR] === MISSING ? -1 : error;
        tuple[3] = captures.kinds[IDENTITY_TYPE] === MISSING ? -1 : type;
        let id = combinations.find();
        if (id < 0) {
            id = combinations.add();
            this.plans[id] = this.plan(tuple);
        }
        const plan = this.plans[id];
        if ('rules' in plan)
            return plan.rules;
        let matched = '';
        for (const { key, test } of plan.left) {
            if (test === null || test(values))
                matched = matched === '' ? key : `${matched} ${key}`;
        }
        return this.texts.idOfText(matched);
    }
    plan(tuple) {
        const known = (source) => {
            const at = KNOWN.findIndex(({ path }) => path === source.keys.join('.'));
            if (at < 0)
                return undefined;
            const text = tuple[at];
            return text < 0 ? null : this.texts.texts[text];
        };
        const left = [];
        for (const rule of this.rules) {
            const rest = this.compiler.specialize(rule.condition, known);
            if (rest === false)
                continue;
            left.push({ key: rule.key, test: rest === true ? null : this.compiler.compile(rest) });
        }
        if (left.every(({ test }) => test === null)) {
            return { rules: this.texts.idOfText(left.map(({ key }) => key).join(' ')) };
        }
        return { left };
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/texts.ts

/**
 * Distinct strings, each made once, with a small id that aggregate keys are made of (id 0 is '').
 * A captured value's bytes are looked up in the scanner's memory of those it has seen
 * (`Captures.byteIds`, in WebAssembly), so a value seen before costs no decoding and no string.
 */
class Texts {
    /** By id. */
    texts = [];
    ids = new Map();
    constructor() {
        this.idOfText('');
    }
    idOfText(text) {
        let id = this.ids.get(text);
        if (id === undefined) {
            id = this.texts.length;
            this.texts.push(text);
            this.ids.set(text, id);
        }
        return id;
    }
    /** The id of a captured value's text (`Captures.decode`). */
    idOf(captures, slot) {
        const kind = captures.kinds[slot];
        if (kind === MISSING)
            return 0;
        // Not by their bytes: `1.0` and "1.0" are the same bytes, but not the same text.
        if (kind === ESCAPED || kind === RAW)
            return this.idOfText(captures.decode(slot));
        return this.idOfBytes(captures, slot, captures.starts[slot]);
    }
    /**
     * The id of the text of the captured string in `slot` (`ASCII` or `UTF8`, not escaped) from the
     * byte at `from` (a character's first byte) to its end.
     */
    idOfBytes(captures, slot, from) {
        const to = captures.ends[slot];
        const known = captures.byteIds.find(from, to);
        if (known >= 0)
            return known;
        const id = this.idOfText(decodeFrom(captures, slot, from));
        captures.byteIds.remember(from, to, id);
        return id;
    }
}
/** The text of the captured string in `slot` from the byte at `from`. */
function decodeFrom(captures, slot, from) {
    return from === captures.starts[slot]
        ? captures.decode(slot)
        : captures.bytes.toString('utf8', from, captures.ends[slot]);
}

;// CONCATENATED MODULE: ./src/engine/local/parser/aggregate.ts










/** The aggregate's key columns (`AGGREGATE_KEY_COLUMNS`), in order. */
const KEY_WIDTH = 10;
const ACCOUNT_COLUMN = 0;
const REGION_COLUMN = 1;
const EVENT_DATE = 4;
const PRINCIPAL = 7;
const RULES = 9;
/**
 * Adds records up into one file's aggregate, by key, from their captured fields. The keys and the
 * strings they are made of stay from file to file; a file that turns out broken is taken back.
 */
class FileAggregator {
    options;
    captures;
    texts = new Texts();
    dates = new EventDates(this.texts);
    keys = new KeyTable(KEY_WIDTH);
    hash = new Hash64();
    identities = new Identities(this.texts);
    matcher;
    listings;
    /** By key id: the hash of its values, which seeds its events' hashes. */
    keyHashHigh = [];
    keyHashLow = [];
    /** By key id: the events counted in this file (0 for keys it has not touched). */
    counts = [];
    // This file's: the first key id it made, its keys' values, the keys it counted, its event ids.
    firstKey = 0;
    newKeys = [];
    touched = [];
    eventIds = [];
    /** This file's rows with rules, by key id. */
    ruleRows = new Map();
    /** `paths` are the fields `captures` holds, by slot (`recordFields`). */
    constructor(options, captures, paths) {
        this.options = options;
        this.captures = captures;
        this.matcher = new RuleMatcher(options.rules, this.texts, captures, paths);
        this.listings = new Listings(options.rules, options.evidenceLimit, options.dedupe);
    }
    /** Starts a file. */
    begin() {
        this.firstKey = this.keys.size;
        this.newKeys = [];
        this.touched = [];
        this.eventIds = [];
        this.ruleRows = new Map();
    }
    /** Counts the record in the captures. */
    add() {
        const { captures, texts, keys } = this;
        const date = this.dates.idOf(captures, TIME);
        if (this.options.byEventTime) {
            const day = texts.texts[date];
            if (day === '' || day < this.options.start || day > this.options.end)
                return;
        }
        const tuple = keys.tuple;
        tuple[ACCOUNT_COLUMN] = texts.idOf(captures, ACCOUNT);
        tuple[REGION_COLUMN] = texts.idOf(captures, REGION);
        tuple[2] = texts.idOf(captures, SOURCE);
        tuple[3] = texts.idOf(captures, NAME);
        tuple[EVENT_DATE] = date;
        tuple[5] = texts.idOf(captures, ERROR);
        tuple[6] = texts.idOf(captures, IDENTITY_TYPE);
        this.identities.read(captures);
        tuple[PRINCIPAL] = this.identities.principal;
        tuple[8] = this.identities.actor;
        tuple[RULES] = this.matcher.match(tuple[2], tuple[3], tuple[5], tuple[6]);
        let id = keys.find();
        if (id < 0)
            id = this.newKey();
        if (tuple[RULES] !== 0)
            this.addRuleRecord(id);
        if (this.options.dedupe && captures.present(EVENT_ID)) {
            this.hashEventId(id);
            this.eventIds.push(id, this.hash.high, this.hash.low);
        }
        else {
            if (this.counts[id] === 0)
                this.touched.push(id);
            this.counts[id] = this.counts[id] + 1;
        }
    }
    /** The file's aggregate, of `records` records; the counts start again from zero. */
    finish(records) {
        this.listings.commit();
        const counts = new Uint32Array(this.touched.length * 2);
        this.touched.forEach((id, i) => {
            counts[i * 2] = id;
            counts[i * 2 + 1] = this.counts[id];
            this.counts[id] = 0;
        });
        const ruleRows = Array.from(this.ruleRows, ([key, row]) => ({
            key,
            first: row.first,
            last: row.last,
            evidence: row.evidence.items
        }));
        return {
            records,
            newKeys: this.newKeys,
            counts,
            eventIds: Uint32Array.from(this.eventIds),
            ruleRows
        };
    }
    /** Takes the file back: it counts for nothing, not even the keys it introduced. */
    abandon() {
        this.keys.truncate(this.firstKey);
        this.listings.abandon(this.firstKey);
        for (const id of this.touched)
            this.counts[id] = 0;
    }
    /** Notes the time and the evidence of a record of a row with rules. */
    addRuleRecord(key) {
        const { captures } = this;
        let row = this.ruleRows.get(key);
        if (row === undefined) {
            row = {
                first: null,
                last: null,
                evidence: new EvidenceList(this.options.evidenceLimit, this.options.dedupe)
            };
            this.ruleRows.set(key, row);
        }
        const time = captures.text(TIME);
        if (time !== null) {
            if (row.first === null || compareText(time, row.first) < 0)
                row.first = time;
            if (row.last === null || compareText(time, row.last) > 0)
                row.last = time;
        }
        if (row.evidence.admits(time ?? '') && this.mayList(key, time ?? '')) {
            row.evidence.add(this.matcher.values.evidence());
        }
    }
    /** Whether findings.csv may list the record (`Listings`); the key's columns are in `tuple`. */
    mayList(key, time) {
        const { listings } = this;
        if (!listings.knows(key)) {
            const { tuple } = this.keys;
            listings.learn(key, {
                rules: this.texts.texts[tuple[RULES]],
                eventdate: tuple[EVENT_DATE],
                principal: tuple[PRINCIPAL],
                account: tuple[ACCOUNT_COLUMN],
                region: tuple[REGION_COLUMN]
            });
        }
        return listings.mayList(key, time, this.captures.decode(EVENT_ID));
    }
    newKey() {
        const { keys, texts } = this;
        const id = keys.add();
        const key = JSON.stringify(Array.from(keys.tuple, (text) => texts.texts[text]));
        this.newKeys.push(key);
        this.hash.ofString(key, 0x243f6a88, 0x85a308d3);
        this.keyHashHigh[id] = this.hash.high;
        this.keyHashLow[id] = this.hash.low;
        this.counts[id] = 0;
        return id;
    }
    /** Hashes the record's `eventID`, seeded by its key's hash: the same event under two keys is two. */
    hashEventId(key) {
        const { captures, hash } = this;
        const seedHigh = this.keyHashHigh[key];
        const seedLow = this.keyHashLow[key];
        if (captures.kinds[EVENT_ID] === ASCII) {
            const from = captures.starts[EVENT_ID];
            hash.ofBytes(captures.bytes, from, captures.ends[EVENT_ID], seedHigh, seedLow);
        }
        else {
            hash.ofString(captures.decode(EVENT_ID), seedHigh, seedLow);
        }
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/scanner-wasm.ts
// Generated by `npm run wasm` from assembly/scanner.ts (scripts/scanner-wasm.ts): do not edit.
/** The delivery scanner compiled to WebAssembly, in base64. */
const SCANNER_WASM = 'AGFzbQEAAAABPglgA39/fwF/YAABf2AAAGAEf39/fwF/YAN/f38AYAR/f39/AGAFf39/f38AYAl/f39/f39/f38AYAJ/fwF/Ah8CA2Vudgplc2NhcGVkS2V5AAADZW52BnJlY29yZAACAw8OAAMCAAAEAQEFBgcBCAEFAwEAAAZ+GX8BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQX8LfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALB4ABCgZsYXlvdXQADA1sYXlvdXRCeXRlSWRzAAsJZmluZEJ5dGVzAA4NcmVtZW1iZXJCeXRlcwAHCGhlYXBCYXNlAA0IZmFpbGVkQXQADwtwcm9ibGVtQ29kZQAJE3Byb2JsZW1FbGVtZW50SW5kZXgACARzY2FuAAYGbWVtb3J5AgAIAQQKjyMO1wEBAn8gASACSAR/IAAgAWotAAAFQQALIgNB9QBGBEAgAUEBaiEDA0AgAyABQQRqTARAIAIgA0oEfyAAIANqLQAABUEACyIEQTlMIARBME5xBH9BAQUgBEHGAEwgBEHBAE5xCwR/QQEFIARB5gBMIARB4QBOcQtFBEAgAyQXQX8PCyADQQFqIQMMAQsLIAFBBWoPCyADQdwARiADQSJGciADQS9GciADQeIARnIgA0HmAEZyIANB7gBGciADQfIARnIgA0H0AEZyBEAgAUEBag8LIAEkF0F/C4AEAgN/AXsgASACTgR/QQEFIAAgAWotAABBIkcLBEAgASQXQX8PCyABQQFqIgUhAUEAJBgDQAJAAkADQCABQRBqIgQgAkwEQCABIAAgAWr9AAQAIgf9DCIiIiIiIiIiIiIiIiIiIiL9IyAH/QxcXFxcXFxcXFxcXFxcXFxc/SP9UCAH/QwgICAgICAgICAgICAgICAg/Sb9UP1kIgZoaiEBIAYNAiAEIQEMAQsLA0AgASACSARAIAAgAWotAAAiBEHcAEYgBEEiRnIgBEEgSXINAiABQQFqIQEMAQsLCyABIAJOBEAgASQXQX8hBAwBCyAAIAEiBGotAAAiBkEiRg0AIAZBIEkEQCABJBdBfyEEDAELIAAgBEEBaiACEAIhAUF/IQQgAUEASA0AQQEkGAwBCwsgBEEASARAQX8PCyADBEAgACAFIAQgAxAKCyAEQQFqIQEDQCABIAJIBEAgACABai0AACIDQSBLBH9BAQUgA0EKRyADQSBHcSADQQ1HcSADQQlHcQtFBEAgAUEBaiEBDAILCwsgASACTgR/QQEFIAAgAWotAABBOkcLBEAgASQXQX8PCyABQQFqIQEDQCABIAJIBEAgACABai0AACIDQSBLBH9BAQUgA0EKRyADQSBHcSADQQ1HcSADQQlHcQtFBEAgAUEBaiEBDAILCwsgAQsGAEF/JBELiAUCAn8BfiABIAJIBH8gACABai0AAAVBAAsiBEEtRgR/QQEFIARBOUwgBEEwTnELBEAgAiABQQFqIAEgACABai0AAEEtRhsiAUoEfyAAIAFqLQAAQTBGBUEACwRAIAFBAWohAQUCQCABIAJIBH8gACABai0AAAVBAAsiA0EwSCADQTlKcgRAIAEkF0F/IQEMAQsDQCACIAFBAWoiAUoEfyAAIAFqLQAABUEACyIDQTlMIANBME5xDQALCwsCf0F/IAFBAEgNABogASACSAR/IAAgAWotAABBLkYFQQALBEACQCACIAFBAWoiAUoEfyAAIAFqLQAABUEACyIDQTBIIANBOUpyBEAgASQXQX8hAQwBCwNAIAIgAUEBaiIBSgR/IAAgAWotAAAFQQALIgNBOUwgA0EwTnENAAsLC0F/IAFBAEgNABogASACSAR/IAAgAWotAAAFQQALIgNBxQBGIANB5QBGcgRAAkAgAiABQQFqIgFKBH8gACABai0AAAVBAAsiA0EtRiADQStGcgRAIAFBAWohAQsgASACSAR/IAAgAWotAAAFQQALIgNBMEggA0E5SnIEQCABJBdBfyEBDAELA0AgAiABQQFqIgFKBH8gACABai0AAAVBAAsiA0E5TCADQTBOcQ0ACwsLIAELIQEFAkAgBEH0AEYEfkEEIQRC9OTVqwYFIARB5gBGBH5BBSEEQubCsZvXDAUgBEHuAEcEQCABJBdBfyEBDAMLQQQhBELu6rHjBgsLIQUDQCADIARIBEAgASACTgR/QQEFIAAgAWoxAAAgBSADrEIDhohC/wGDUgsEQCABJBdBfyEBDAMLIANBAWohAyABQQFqIQEMAQsLCwsgAQuEDgIHfwF7IAAkEEF/JBFBfyQSQQAkE0EAJBRBACQVQQAkFgNAAkADQCABIANKBEAgACADai0AACIEQSBLBH9BAQUgBEEKRyAEQSBHcSAEQQ1HcSAEQQlHcQtFBEAgA0EBaiEDDAILCwsjESIFBEBBACQRIAEgA0oEfyAAIANqLQAABUEACyEEIAVBAUYEQCMVRSAEQfsAR3EEQEEDJBUjEyQWCyMTQQFqJBMFIAVBfkYgBEHbAEdxBEAjFUUEQEEEJBUjEyQWCwUjFUUgBUF/RiAEQfsAR3FxBEBBBSQVIxMkFgsLCwsjEiIIQQBOBEBBfyQSCyABIAMiBEoEfyAAIANqLQAABUEACyIHQSJGBEAgCEEASAR/IARBAWohA0EAJBgDQAJAAkADQCADQRBqIgQgAUwEQCADIAAgA2r9AAQAIgr9DCIiIiIiIiIiIiIiIiIiIiL9IyAK/QxcXFxcXFxcXFxcXFxcXFxc/SP9UCAK/QwgICAgICAgICAgICAgICAg/Sb9UP1kIgVoaiEDIAUNAiAEIQMMAQsLA0AgASADSgRAIAAgA2otAAAiBEHcAEYgBEEiRnIgBEEgSXINAiADQQFqIQMMAQsLCyABIANMBEAgAyQXQX8hBAwBCyADIgQgAGotAAAiBUEiRg0AIAVBIEkEQCADJBdBfyEEDAELIAAgBEEBaiABEAIhA0F/IQQgA0EASA0AQQEkGAwBCwtBfyAEQQFqIARBAEgbBQJ/IARBAWoiByEDQQAkGANAAkACQANAIANBEGoiBCABTARAIAMgACADav0ABAAiCv0MIiIiIiIiIiIiIiIiIiIiIv0jIAr9DFxcXFxcXFxcXFxcXFxcXFz9I/1QIAr9DCAgICAgICAgICAgICAgICD9Jv1Q/WQiBWhqIQMgBQ0CIAQhAwwBCwsDQCABIANKBEAgACADai0AACIEQdwARiAEQSJGciAEQSBJcg0CIANBAWohAwwBCwsLIAEgA0wEQCADJBdBfyEFDAELIAAgAyIFai0AACIEQSJGDQAgBEEgSQRAIAMkF0F/IQUMAQsgACAFQQFqIAEQAiEDQX8hBSADQQBIDQBBASQYDAELC0F/IAVBAEgNABojACAIaiMYBH9BAwUgByEDQQJBAQJ/A0AgA0EQaiIEIAVMBEBBASAAIANq/QAEAP1kDQIaIAQhAwwBCwsDQCADIAVIBEBBASAAIANqLQAAQYABTw0CGiADQQFqIQMMAQsLQQALGws6AAAgCEECdCIDIwFqIAc2AgAjAiADaiAFNgIAIAVBAWoLCyIDQQBIDQEFIAdB+wBGIgMgB0HbAEZyBEAgAwR/IAVBACAFQX9GIAVBAEpyGwVBfkEAIAVBfkYbCyIFQQFGBEAjAEEAIwP8CwALIAhBAE4EQCMBIAhBAnRqIAQ2AgALIAIgBkEDdmoiCS0AACEDIAlBASAGQQdxdCIJIANyIAMgCUF/c3EgB0H7AEYiBxs6AAAgBiMISARAIAZBAnQiAyMGaiAFNgIAIwcgA2ogCDYCAAsgBkEBaiEGIARBAWohAwNAIAEgA0oEQCAAIANqLQAAIgRBIEsEf0EBBSAEQQpHIARBIEdxIARBDUdxIARBCUdxC0UEQCADQQFqIQMMAgsLCyABIANMBH9BAQUgACADai0AAEH9AEHdACAHG0cLBEAgBwRAIAAgAyABIAUQAyEDBSAFQX5GBEBBASQRCwsgA0EASA0DDAQLBSAAIAQgARAFIgNBAEgNAiAIQQBOBEAjACAIakEEQQAgB0HuAEcbOgAAIAhBAnQiBSMBaiAENgIAIwIgBWogAzYCAAsLCwNAAkADQCABIANKBEAgACADai0AACIEQSBLBH9BAQUgBEEKRyAEQSBHcSAEQQ1HcSAEQQlHcQtFBEAgA0EBaiEDDAILCwsgBkUEQCABIANKBEAgAyQXDAQLIxQjFXJFBEBBASQVIxMkFgsjEw8LIAEgA0oEfyAAIANqLQAABUEACyEFIAIgBkEBayIEQQN2ai0AACAEQQdxdUEBcSEHIAQjCEgEfyMGIARBAnRqKAIABUEACyEIIAVBLEYEQCAHBEAgA0EBaiEDA0AgASADSgRAIAAgA2otAAAiBEEgSwR/QQEFIARBCkcgBEEgR3EgBEENR3EgBEEJR3ELRQRAIANBAWohAwwCCwsLIAAgAyABIAgQAyEDBSADQQFqIQMgCEF+RgRAQQEkEQsLIANBAEgNAwwBCyAFQf0AQd0AIAcbRyABIANMcgRAIAMkFwwDBSADQQFqIQMgBCIGIwhIBEAjByAGQQJ0aigCACIEQQBOBEAjACAEakEEOgAAIwIgBEECdGogAzYCAAsjFUUgCEEBRnEEQBABCwsMAgsACwsMAQsLQX8L6gIBBn8jDyABIABrIgEjDmpJIwsjDE5yBEAPCyMQIABqIQYgASIAQbHz3fF5bCEFA0AgA0EEaiIBIABMBEAgBSADIAZqKAIAc0HrlK+veGxBDXchBSABIQMMAQsLA0AgACADSgRAIAMgBmotAAAgB0EIdHIhByADQQFqIQMMAQsLIwogBSAHc0G13MqVfGwiAUEQdiABc3EhAQNAIwkgAUEEdGooAghBAE4EQCMKIAFBAWpxIQEMAQsLIwkgAUEEdGohAyAAIgFBsfPd8XlsIQUDQCAEQQRqIgAgAUwEQCAFIAQgBmooAgBzQeuUr694bEENdyEFIAAhBAwBCwsDQCABIARKBEAgBCAGai0AACAIQQh0ciEIIARBAWohBAwBCwsgAyAFIAhzQbXcypV8bCIAQRB2IABzNgIAIAMjDiMNazYCBCADIAE2AgggAyACNgIMIw4gBiAB/AoAACMOIAFqJA4jC0EBaiQLCwQAIxYLBAAjFQuKBAEHfyADQX9GBEAjGAR/IAEgAkF/EABBAE4FIAIgAWtBB0YEfyAAIAFqKAIAQdLKjfsGRgVBAAsEfyAAIAFqLwEEQfLIAUYFQQALBH8gACABai0ABkHzAEYFQQALC0UEQA8LIxQEQCMVRQRAQQIkFSMTJBYLBUF+JBELQQEkFA8LIxgEfyABIAIgAxAABSMEIANBBHRqIgMoAgAhCSACIAFrIgUEfyAFIAAgAWoiAi0AAEEIdHMgAiAFQQF1ai0AAEEQdHMgAiAFakEBay0AAEEYdHNBsfPd8XlsIgIgAkEPdnMFQQALIAMoAgQiCnEhBgNAAkBBfyECIAkgBkECdGooAgAiA0EASA0AIwUgAyICQQR0aiIDKAIEIAVGBH8gAygCACEHIAAgAWohCEEAIQMCfwNAIANBCGoiBCAFTARAQQAgAyAHaikDACADIAhqKQMAUg0CGiAEIQMMAQsLA0AgAyAFSARAQQAgAyAHai0AACADIAhqLQAARw0CGiADQQFqIQMMAQsLQQELBUEACw0AIAZBAWogCnEhBgwBCwsgAgsiAEEASARADwsjBSAAQQR0aiIBKAIMIgIEQCMEIAJBBHRqIgAoAgghAyAAKAIMIQRBACEAA0AgACAESARAIwAgAyAAQQJ0aigCAGpBADoAACAAQQFqIQAMAQsLIAIkEQsgASgCCCQSCzEAIAAkCSABQQFrJApBACQLIAIkDCADJA0gAyQOIAMgBGokDyAAQf8BIAFBBHT8CwALJgAgACQAIAEkASACJAIgAyQDIAQkBCAFJAUgBiQGIAckByAIJAgLBQBBgAgLtAIBBn8jECAAaiEFIAEgAGsiBEGx893xeWwhAQNAIAJBBGoiACAETARAIAEgAiAFaigCAHNB65Svr3hsQQ13IQEgACECDAELCwNAIAIgBEgEQCACIAVqLQAAIANBCHRyIQMgAkEBaiECDAELCyABIANzQbXcypV8bCIAQRB2IABzIgMjCnEhAgN/IwkgAkEEdGoiBigCCCIAQQBIBEBBfw8LIAAgBEYgBigCACADRnEEfyMNIAYoAgRqIQdBACEAAn8DQCAAQQhqIgEgBEwEQEEAIAAgB2opAwAgACAFaikDAFINAhogASEADAELCwNAIAAgBEgEQEEAIAAgB2otAAAgACAFai0AAEcNAhogAEEBaiEADAELC0EBCwVBAAsEfyAGKAIMBSMKIAJBAWpxIQIMAQsLCwQAIxcL';

;// CONCATENATED MODULE: ./src/engine/local/parser/shapes.ts
/** The shape of an object whose keys do not matter: they are only validated. */
const IGNORED = 0;
/** The shape of the objects the paths start from (the records). */
const ROOT = 1;
/**
 * The objects whose keys matter, built from the paths of the captured fields: the root and, for
 * each key a path goes through, the shape of its value. Each key of a shape is an entry, which
 * gives the slot its value is captured in (the path's index in the list), or the shape its value
 * has when it is an object, or both (a path that is a prefix of another captures the object's
 * JSON text and fields inside it).
 */
class Shapes {
    /** By entry: the key, UTF-8. */
    names = [];
    /** By entry: the slot its value is captured in, or -1. */
    slotOf = [];
    /** By entry: the shape of its value when it is an object, or `IGNORED`. */
    shapeOf = [];
    /** By shape: every slot at or under its keys, cleared when a key of that shape comes again. */
    slotsUnder = [[], []];
    /** By shape: its entries by key. */
    keys = [new Map(), new Map()];
    /**
     * By shape: its entries in an open-addressing table (-1 where none) by `keyHash`, at least twice
     * as large as the entries, which the scanner looks keys up in (`assembly/scanner.ts`): a key
     * that matters costs a look or two and one comparison, and most of the others are ruled out by
     * one look.
     */
    tables = [];
    /** The most keys in a path. */
    deepest;
    constructor(paths) {
        this.deepest = Math.max(0, ...paths.map((path) => path.length));
        paths.forEach((path, slot) => {
            if (path.length === 0)
                throw new Error('A captured field needs a path of one key or more');
            let shape = ROOT;
            path.forEach((key, depth) => {
                const entry = this.entry(shape, key);
                if (depth < path.length - 1) {
                    if (this.shapeOf[entry] === IGNORED)
                        this.shapeOf[entry] = this.newShape();
                    shape = this.shapeOf[entry];
                }
                else if (this.slotOf[entry] === -1) {
                    this.slotOf[entry] = slot;
                }
                else {
                    throw new Error(`The field ${path.join('.')} is captured twice`);
                }
            });
        });
        this.keys.forEach((keys, shape) => {
            this.tables.push(this.table([...keys.values()]));
            if (shape >= ROOT)
                this.collectSlots(shape, shape);
        });
    }
    /** The number of shapes, `IGNORED` included. */
    get count() {
        return this.keys.length;
    }
    /**
     * The entry of the key `key` in an object of shape `shape`, or -1. The scanner looks keys up by
     * their bytes, in `tables`; this is for the keys written with escapes.
     */
    entryOfKey(key, shape) {
        return this.keys[shape]?.get(key) ?? -1;
    }
    entry(shape, key) {
        const keys = this.keys[shape];
        const found = keys.get(key);
        if (found !== undefined)
            return found;
        const entry = this.names.length;
        this.names.push(new TextEncoder().encode(key));
        this.slotOf.push(-1);
        this.shapeOf.push(IGNORED);
        keys.set(key, entry);
        return entry;
    }
    newShape() {
        this.keys.push(new Map());
        this.slotsUnder.push([]);
        return this.keys.length - 1;
    }
    table(entries) {
        let size = 4;
        while (size < entries.length * 2)
            size *= 2;
        const table = new Int32Array(size).fill(-1);
        for (const entry of entries) {
            const name = this.names[entry];
            let at = keyHash(name, 0, name.length) & (size - 1);
            while (table[at] !== -1)
                at = (at + 1) & (size - 1);
            table[at] = entry;
        }
        return table;
    }
    /** Adds the slots under `shape` to those of `into`. */
    collectSlots(shape, into) {
        for (const entry of this.keys[shape].values()) {
            const slot = this.slotOf[entry];
            if (slot >= 0)
                this.slotsUnder[into].push(slot);
            const nested = this.shapeOf[entry];
            if (nested !== IGNORED)
                this.collectSlots(nested, into);
        }
    }
}
/** A hash of a key's length and its first, middle and last bytes; `assembly/scanner.ts` has it too. */
function keyHash(b, from, length) {
    if (length === 0)
        return 0;
    const first = b[from];
    const middle = b[from + (length >> 1)];
    const last = b[from + length - 1];
    const h = Math.imul(length ^ (first << 8) ^ (middle << 16) ^ (last << 24), 0x9e3779b1);
    return h ^ (h >>> 15);
}

;// CONCATENATED MODULE: ./src/engine/local/parser/scanner.ts


/** The shape `assembly/scanner.ts` gives the document's own keys (`escapedKey`). */
const DOCUMENT = -1;
/** The document's one key that matters, for when it is written with escapes. */
const DOCUMENT_KEYS = new Shapes([['Records']]);
/** Why a JSON document is not a delivery, by the scanner's `problemCode`. */
const PROBLEMS = {
    1: () => 'it has no "Records" key',
    2: () => 'it has more than one "Records" key',
    3: (element) => `Records[${element}] is not an object`,
    4: () => '"Records" is not an array',
    5: () => 'the document is not an object'
};
const PAGE = 64 * 1024;
/**
 * A scanner's memory, past which it is let go after a document (the next one gets a new one): a
 * thread keeps what usual deliveries need, not what its largest one did.
 */
const KEPT_MEMORY = 32 * 1024 * 1024;
/**
 * The largest document the loop reads: its offsets are 32-bit signed, and the memory (at most
 * 4 GiB) holds the document and its closers. CloudTrail's deliveries are a few MB.
 */
const MAX_DOCUMENT = 2 ** 31 - 2 ** 28;
/** The byte strings with a text id the scanner remembers (`Texts`): at most this many, */
const BYTE_IDS = 1 << 16;
/** in a table of twice as many slots, */
const BYTE_ID_SLOTS = BYTE_IDS * 2;
/** their bytes in an arena of this size. */
const BYTE_ID_ARENA = 4 * 1024 * 1024;
/** Compiled once a thread, when it first scans. */
let compiled;
/**
 * Reads a CloudTrail delivery, `{"Records": [record, …]}`: validates it as strictly as
 * `JSON.parse` (RFC 8259), and captures each record's fields (`Captures`, slots by `Shapes`)
 * without making a string. The loop is WebAssembly (`assembly/scanner.ts`), twice as fast as it
 * was in JavaScript; this side copies the document into its memory (`load`), points the captures
 * there, and turns what the loop returns into errors (`scan`).
 */
class DeliveryScanner {
    shapes;
    captures;
    instance;
    onRecord = () => { };
    /** The length of the loaded document. */
    loaded = 0;
    constructor(shapes, captures) {
        this.shapes = shapes;
        this.captures = captures;
    }
    /**
     * Copies the document into the scanner's memory, where `captures.bytes` then points, until the
     * next one: the caller can let go of its own copy before `scan`.
     */
    load(document) {
        const n = document.length;
        if (n > MAX_DOCUMENT) {
            throw new Error(`too large to read: ${n} bytes of JSON (the most is ${MAX_DOCUMENT})`);
        }
        this.start(n);
        this.append(document);
        this.finish();
    }
    /**
     * Starts a document given in pieces (`append`, then `finish`, or `abandon`), with memory for
     * `expected` bytes: a large delivery is gunzipped straight into the scanner's memory, so that its
     * JSON is never held twice. `expected` is only a hint: the memory grows past it.
     */
    start(expected) {
        this.prepare(Math.min(expected, MAX_DOCUMENT));
        this.loaded = 0;
    }
    /** Adds a piece of the document started. */
    append(piece) {
        const n = this.loaded + piece.length;
        if (n > MAX_DOCUMENT) {
            throw new Error(`too large to read: over ${MAX_DOCUMENT} bytes of JSON (the most)`);
        }
        const instance = this.prepare(n);
        new Uint8Array(instance.exports.memory.buffer).set(piece, instance.documentAt + this.loaded);
        this.loaded = n;
    }
    /** Ends the document started: `scan` reads it. Returns its length. */
    finish() {
        // `start` and `append` reserved the memory for the document and its closers.
        const { exports, documentAt } = this.instance;
        this.captures.bytes = Buffer.from(exports.memory.buffer, documentAt, this.loaded);
        return this.loaded;
    }
    /** Drops the document started, which will not be read (its gunzip failed). */
    abandon() {
        this.loaded = 0;
        this.keepLittle();
    }
    /**
     * Reads the loaded document and calls `onRecord` after each record, its fields in the captures,
     * until the document shows it is not a delivery. Returns the number of `Records` elements.
     * Throws `not valid JSON: …` when it is not JSON, else `not a CloudTrail log file: …` when it is
     * not a delivery.
     */
    scan(onRecord) {
        const { exports, documentAt } = this.instance;
        const n = this.loaded;
        this.onRecord = onRecord;
        try {
            // One bit per depth, after the document: it cannot nest deeper than it has bytes.
            const elements = exports.scan(documentAt, n, documentAt + n);
            if (elements < 0)
                notJson(exports.failedAt(), n);
            const problem = PROBLEMS[exports.problemCode()];
            if (problem !== undefined) {
                throw new Error(`not a CloudTrail log file: ${problem(exports.problemElementIndex())}`);
            }
            return elements;
        }
        finally {
            this.onRecord = () => { };
            this.keepLittle();
        }
    }
    /** Lets go of a memory grown past `KEPT_MEMORY` for a large document, once it is read. */
    keepLittle() {
        if ((this.instance?.exports.memory.buffer.byteLength ?? 0) > KEPT_MEMORY) {
            this.instance = undefined;
        }
    }
    /** The instance, with memory for a document of `n` bytes and its closers. */
    prepare(n) {
        const instance = this.instance ?? this.instantiate();
        const { memory } = instance.exports;
        if (reserve(memory, instance.documentAt + n + (n >> 3) + 1))
            this.bind(instance);
        return instance;
    }
    instantiate() {
        compiled ??= new WebAssembly.Module(Buffer.from(SCANNER_WASM, 'base64'));
        const wasm = new WebAssembly.Instance(compiled, {
            env: {
                record: () => this.onRecord(),
                escapedKey: (from, to, shape) => this.escapedKey(from, to, shape)
            }
        });
        const exports = wasm.exports;
        const { shapes } = this;
        const slots = this.captures.slots;
        // The frames that matter: the document, Records, the record, and one per key of a path.
        const frames = shapes.deepest + 3;
        // The layout: each part 8-byte aligned, from the first byte the module leaves free.
        let end = exports.heapBase();
        const take = (bytes) => {
            const at = align(end);
            end = at + bytes;
            return at;
        };
        const kindsAt = take(slots);
        const startsAt = take(slots * 4);
        const endsAt = take(slots * 4);
        const shapesAt = take(shapes.count * 16);
        const entriesAt = take(shapes.names.length * 16);
        const namesAt = shapes.names.map((name) => take(name.length));
        const tablesAt = shapes.tables.map((table) => take(table.length * 4));
        const underAt = shapes.slotsUnder.map((under) => take(under.length * 4));
        const frameShapesAt = take(frames * 4);
        const frameSlotsAt = take(frames * 4);
        const byteIdsAt = take(BYTE_ID_SLOTS * 16);
        const arenaAt = take(BYTE_ID_ARENA);
        const documentAt = align(end);
        reserve(exports.memory, documentAt);
        const bytes = new Uint8Array(exports.memory.buffer);
        const words = new Int32Array(exports.memory.buffer);
        shapes.names.forEach((name, entry) => {
            bytes.set(name, namesAt[entry]);
            const entryData = [namesAt[entry], name.length, shapes.slotOf[entry], shapes.shapeOf[entry]];
            words.set(entryData, (entriesAt >> 2) + entry * 4);
        });
        shapes.tables.forEach((table, shape) => {
            const under = shapes.slotsUnder[shape];
            words.set(table, tablesAt[shape] >> 2);
            words.set(under, underAt[shape] >> 2);
            words.set([tablesAt[shape], table.length - 1, underAt[shape], under.length], (shapesAt >> 2) + shape * 4);
        });
        exports.layout(kindsAt, startsAt, endsAt, slots, shapesAt, entriesAt, frameShapesAt, frameSlotsAt, frames);
        exports.layoutByteIds(byteIdsAt, BYTE_ID_SLOTS, BYTE_IDS, arenaAt, BYTE_ID_ARENA);
        const instance = { exports, kindsAt, startsAt, endsAt, documentAt };
        this.bind(instance);
        this.instance = instance;
        return instance;
    }
    /** Points the captures at the instance's memory, which growing it replaces. */
    bind(instance) {
        const { buffer } = instance.exports.memory;
        const { slots } = this.captures;
        this.captures.kinds = new Uint8Array(buffer, instance.kindsAt, slots);
        this.captures.starts = new Int32Array(buffer, instance.startsAt, slots);
        this.captures.ends = new Int32Array(buffer, instance.endsAt, slots);
        const { exports } = instance;
        this.captures.byteIds = {
            find: (from, to) => exports.findBytes(from, to),
            remember: (from, to, id) => exports.rememberBytes(from, to, id)
        };
    }
    /** The entry of a key written with escapes, by the text they stand for; or -1. */
    escapedKey(from, to, shape) {
        const key = JSON.parse(this.captures.bytes.toString('utf8', from - 1, to + 1));
        return shape === DOCUMENT
            ? DOCUMENT_KEYS.entryOfKey(key, ROOT)
            : this.shapes.entryOfKey(key, shape);
    }
}
/** Stops at offset `i`: the document is not JSON. */
function notJson(i, end) {
    throw new Error(i >= end
        ? 'not valid JSON: unexpected end of the document'
        : `not valid JSON: unexpected byte at offset ${i}`);
}
/** Grows the memory to `bytes` at least; whether it grew (which replaces its buffer). */
function reserve(memory, bytes) {
    const missing = bytes - memory.buffer.byteLength;
    if (missing <= 0)
        return false;
    memory.grow(Math.ceil(missing / PAGE));
    return true;
}
function align(offset) {
    return (offset + 7) & ~7;
}

;// CONCATENATED MODULE: ./src/engine/local/parser/parser.ts






/**
 * Whether a gzipped file is large enough, by its trailer, to be gunzipped in pieces: from 4 MiB of
 * JSON, where the memory saved outweighs the cost of a stream (CloudTrail's usual deliveries are
 * far smaller, and read whole).
 */
function inPieces(gzipped) {
    return trailerSize(gzipped) >= IN_PIECES_FROM;
}
const IN_PIECES_FROM = 4 * 1024 * 1024;
/** The pieces, when a large file is gunzipped in pieces. */
const PIECE = 1024 * 1024;
/** Deflate's largest ratio: what a file's JSON can be at most, whatever its trailer claims. */
const DEFLATE_MAX_RATIO = 1032;
/** Output in larger pieces than zlib's default 16 KiB: a quarter less time in gunzip. */
const GUNZIP_CHUNK = 256 * 1024;
/** The largest single piece asked for, whatever a file's trailer claims. */
const GUNZIP_MAX_CHUNK = 256 * 1024 * 1024;
/**
 * zlib's output piece for a file: its whole JSON in one piece when the gzip trailer tells its size
 * (ISIZE, the last 4 bytes), one byte more so the piece is never exactly full. In pieces, zlib
 * joins them into a second copy at the end, which doubled a large delivery's peak memory. A
 * trailer that lies (or a file of several gzip members) only changes the piece size: the output
 * is the same.
 */
function outputSize(input) {
    return Math.min(Math.max(trailerSize(input) + 1, GUNZIP_CHUNK), GUNZIP_MAX_CHUNK);
}
/** The size of a gzipped file's JSON by its trailer (ISIZE, the last 4 bytes), or 0 if too short. */
function trailerSize(input) {
    if (input.length < 18)
        return 0;
    const at = input.length - 4;
    return ((input[at] |
        (input[at + 1] << 8) |
        (input[at + 2] << 16) |
        (input[at + 3] << 24)) >>>
        0);
}
/**
 * Makes a parser of CloudTrail log files. It reads the bytes itself instead of `JSON.parse`: it
 * validates the whole document as strictly as `JSON.parse` does, but makes strings only of the few
 * fields the aggregate and the rules need, and makes each distinct one once; it reads a record with
 * `JSON.parse` only when a rule or the evidence needs more of it. That is what lets the local engine
 * outrun DuckDB's `read_json`.
 */
function createLogParser(options) {
    const paths = recordFields(options.rules.map((rule) => rule.condition));
    const captures = new Captures(paths.length);
    const scanner = new DeliveryScanner(new Shapes(paths), captures);
    const aggregator = new FileAggregator(options, captures, paths);
    const addRecord = () => aggregator.add();
    /** Reads the document the scanner holds, of `length` bytes. */
    const read = (length) => {
        // An empty file is an empty delivery, not a broken one.
        if (length === 0) {
            return {
                records: 0,
                newKeys: [],
                counts: new Uint32Array(0),
                eventIds: new Uint32Array(0),
                ruleRows: []
            };
        }
        aggregator.begin();
        let records;
        try {
            records = scanner.scan(addRecord);
        }
        catch (error) {
            aggregator.abandon();
            throw error;
        }
        finally {
            captures.release();
        }
        return aggregator.finish(records);
    };
    return {
        parse(input, gzipped) {
            const bytes = gzipped && input.length > 0 ? gunzip(input) : asBuffer(input);
            const length = bytes.length;
            scanner.load(bytes);
            // The scanner has its own copy: a large file's JSON is not held twice while it is read.
            if (bytes.buffer !== input.buffer && bytes.buffer.byteLength > Buffer.poolSize)
                free(bytes);
            return read(length);
        },
        async parseInPieces(input) {
            scanner.start(Math.min(trailerSize(input), input.length * DEFLATE_MAX_RATIO));
            try {
                await gunzipInPieces(input, (piece) => scanner.append(piece));
            }
            catch (error) {
                scanner.abandon();
                throw error;
            }
            return read(scanner.finish());
        }
    };
}
/**
 * Gunzips a file in pieces, giving each to `take` and then its memory back (`free`), rather than at
 * the next collection: left to it, a 60 MB delivery's pieces piled up and took more than reading
 * it whole. A piece that fills its buffer is freed: zlib is done with that buffer (it takes a new
 * one when one is full); the last, partial one is left to the collector. Throws what `take`
 * throws, or the error `gunzip` throws for the same file.
 */
async function gunzipInPieces(input, take) {
    const stream = (0,external_node_zlib_namespaceObject.createGunzip)({ chunkSize: PIECE });
    stream.end(input);
    let taking = false;
    try {
        for await (const piece of stream) {
            taking = true;
            take(piece);
            taking = false;
            if (piece.byteOffset === 0 && piece.length === piece.buffer.byteLength)
                free(piece);
        }
    }
    catch (error) {
        throw taking ? error : gunzipError(error);
    }
}
function gunzip(input) {
    try {
        return (0,external_node_zlib_namespaceObject.gunzipSync)(input, { chunkSize: outputSize(input) });
    }
    catch (error) {
        throw gunzipError(error);
    }
}
function gunzipError(error) {
    const code = error.code;
    return new Error(code === 'Z_BUF_ERROR'
        ? 'truncated gzip: the file ends before its compressed data does'
        : `not valid gzip: ${error.message}`);
}
/**
 * Gives the memory of a file's gunzipped JSON back at once, by detaching its buffer, rather than
 * at the next collection: a thread goes through hundreds of files between two collections, and
 * their JSON, each in its own 256 KiB piece or more, took over 100 MiB of a bench day's peak.
 * Nothing points into it: the scanner reads its own copy, and strings are copies. Only a buffer larger than
 * Node's shared pool is freed: a small output may sit in the pool with other live buffers (the
 * file's own bytes among them). `transfer` is Node 22's.
 */
function free(bytes) {
    ;
    bytes.buffer.transfer?.(0);
}
function asBuffer(input) {
    return Buffer.from(input.buffer, input.byteOffset, input.length);
}

;// CONCATENATED MODULE: ./src/engine/local/batches.ts

/**
 * Parses a batch of files into one aggregate, reading those sent by path with `read`: in a parser
 * thread, so that the main thread has nothing to do but merge. A large gzipped file is gunzipped
 * in pieces (`inPieces`), the rest whole.
 */
async function parseBatch(parser, batch, read) {
    const newKeys = [];
    const counts = [];
    const eventIds = [];
    const ruleRows = [];
    const failures = [];
    const sizes = batch.files.map(() => 0);
    let records = 0;
    for (const [index, file] of batch.files.entries()) {
        let bytes = file.bytes;
        if (bytes === undefined) {
            try {
                bytes = read(file.path);
            }
            catch (error) {
                failures.push({ index, reason: error.message, unreadable: true });
                continue;
            }
        }
        try {
            const result = file.gzipped && inPieces(bytes)
                ? await parser.parseInPieces(bytes)
                : parser.parse(bytes, file.gzipped);
            records += result.records;
            newKeys.push(...result.newKeys);
            counts.push(result.counts);
            eventIds.push(result.eventIds);
            ruleRows.push(...result.ruleRows);
            sizes[index] = bytes.length;
        }
        catch (error) {
            failures.push({ index, reason: error.message, unreadable: false });
        }
    }
    const result = { records, newKeys, counts: join(counts), eventIds: join(eventIds), ruleRows };
    return { id: batch.id, result, failures, sizes };
}
function join(parts) {
    const joined = new Uint32Array(parts.reduce((length, part) => length + part.length, 0));
    let at = 0;
    for (const part of parts) {
        joined.set(part, at);
        at += part.length;
    }
    return joined;
}

;// CONCATENATED MODULE: ./src/engine/local/parser-thread.ts
/**
 * A parser thread: what runs in each worker the `ParserPool` starts (`workers.ts` says from which
 * file). Importing this module serves: it answers one message per batch of files, in order.
 */




if (external_node_worker_threads_namespaceObject.parentPort === null)
    throw new Error('The log parser runs in a worker thread of ParserPool');
const port = external_node_worker_threads_namespaceObject.parentPort;
const parser = createLogParser(external_node_worker_threads_namespaceObject.workerData);
/** The batch being parsed: the next waits for it, so that replies keep the batches' order. */
let parsing = Promise.resolve();
port.on('message', (batch) => {
    parsing = parsing.then(async () => {
        const reply = await parseBatch(parser, batch, (path) => (0,external_node_fs_namespaceObject.readFileSync)(path));
        port.postMessage(reply, [reply.result.counts.buffer, reply.result.eventIds.buffer]);
    });
});

