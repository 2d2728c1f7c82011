import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/engine/local/batches.ts
/**
 * Parses a batch of files into one aggregate, reading those sent by path with `read`: in a parser
 * thread, so that the main thread has nothing to do but merge.
 */
function parseBatch(parser, batch, read) {
    const newKeys = [];
    const counts = [];
    const eventIds = [];
    const failures = [];
    let records = 0;
    batch.files.forEach((file, index) => {
        let bytes = file.bytes;
        if (bytes === undefined) {
            try {
                bytes = read(file.path);
            }
            catch (error) {
                failures.push({ index, reason: error.message, unreadable: true });
                return;
            }
        }
        try {
            const result = parser.parse(bytes, file.gzipped);
            records += result.records;
            newKeys.push(...result.newKeys);
            counts.push(result.counts);
            eventIds.push(result.eventIds);
        }
        catch (error) {
            failures.push({ index, reason: error.message, unreadable: false });
        }
    });
    const result = { records, newKeys, counts: join(counts), eventIds: join(eventIds) };
    return { id: batch.id, result, failures };
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

;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/engine/local/flags.ts
/**
 * Interim, until the local engine evaluates the loaded rules (phase 2 of issue 10, on the parser
 * branch): the 14 CIS monitoring rules as the local parser has evaluated them so far, data it
 * compiles to functions of a few captured fields. An event takes the first rule it matches, and
 * the local engine reports that rule's key in the aggregate's `rules` column (when the rule is
 * loaded), with no actor, times or evidence. The built-in Sigma rules of the same names are what
 * the Athena query runs.
 */
/** An API call of one service: `eventSource` is the service, `eventName` one of `names`. */
function call(service, names) {
    return {
        all: [
            { field: 'eventsource', is: `${service}.amazonaws.com` },
            { field: 'eventname', oneOf: names }
        ]
    };
}
/**
 * Most severe first: an event that matches several rules takes the first. Loss of audit
 * (root, logging) comes before changes to who may do what, then to data and network, then
 * failed attempts, which are the most frequent and the least sure sign of harm.
 */
const FLAG_RULES = [
    {
        name: 'root-activity',
        when: {
            all: [
                { field: 'identitytype', is: 'Root' },
                { field: 'invokedby', is: '' },
                { field: 'eventtype', isNot: 'AwsServiceEvent' }
            ]
        }
    },
    {
        name: 'cloudtrail-changes',
        when: call('cloudtrail', [
            'CreateTrail',
            'UpdateTrail',
            'DeleteTrail',
            'StartLogging',
            'StopLogging'
        ])
    },
    {
        name: 'console-login-without-mfa',
        when: {
            all: [
                { field: 'eventname', is: 'ConsoleLogin' },
                { field: 'identitytype', is: 'IAMUser' },
                { field: 'consolelogin', is: 'Success' },
                { field: 'mfaused', isNot: 'Yes' }
            ]
        }
    },
    {
        name: 'iam-policy-changes',
        when: call('iam', [
            'DeleteGroupPolicy',
            'DeleteRolePolicy',
            'DeleteUserPolicy',
            'PutGroupPolicy',
            'PutRolePolicy',
            'PutUserPolicy',
            'CreatePolicy',
            'DeletePolicy',
            'CreatePolicyVersion',
            'DeletePolicyVersion',
            'AttachRolePolicy',
            'DetachRolePolicy',
            'AttachUserPolicy',
            'DetachUserPolicy',
            'AttachGroupPolicy',
            'DetachGroupPolicy'
        ])
    },
    {
        name: 'kms-key-disabled-or-deleted',
        when: call('kms', ['DisableKey', 'ScheduleKeyDeletion'])
    },
    {
        name: 's3-bucket-policy-changes',
        when: call('s3', [
            'PutBucketAcl',
            'PutBucketPolicy',
            'PutBucketCors',
            'PutBucketLifecycle',
            'PutBucketReplication',
            'DeleteBucketPolicy',
            'DeleteBucketCors',
            'DeleteBucketLifecycle',
            'DeleteBucketReplication'
        ])
    },
    {
        name: 'config-changes',
        when: call('config', [
            'StopConfigurationRecorder',
            'DeleteDeliveryChannel',
            'PutDeliveryChannel',
            'PutConfigurationRecorder'
        ])
    },
    {
        name: 'security-group-changes',
        when: call('ec2', [
            'AuthorizeSecurityGroupIngress',
            'AuthorizeSecurityGroupEgress',
            'RevokeSecurityGroupIngress',
            'RevokeSecurityGroupEgress',
            'CreateSecurityGroup',
            'DeleteSecurityGroup'
        ])
    },
    {
        name: 'nacl-changes',
        when: call('ec2', [
            'CreateNetworkAcl',
            'CreateNetworkAclEntry',
            'DeleteNetworkAcl',
            'DeleteNetworkAclEntry',
            'ReplaceNetworkAclEntry',
            'ReplaceNetworkAclAssociation'
        ])
    },
    {
        name: 'network-gateway-changes',
        when: call('ec2', [
            'CreateCustomerGateway',
            'DeleteCustomerGateway',
            'AttachInternetGateway',
            'CreateInternetGateway',
            'DeleteInternetGateway',
            'DetachInternetGateway'
        ])
    },
    {
        name: 'route-table-changes',
        when: call('ec2', [
            'CreateRoute',
            'CreateRouteTable',
            'ReplaceRoute',
            'ReplaceRouteTableAssociation',
            'DeleteRouteTable',
            'DeleteRoute',
            'DisassociateRouteTable'
        ])
    },
    {
        name: 'vpc-changes',
        when: call('ec2', [
            'CreateVpc',
            'DeleteVpc',
            'ModifyVpcAttribute',
            'AcceptVpcPeeringConnection',
            'CreateVpcPeeringConnection',
            'DeleteVpcPeeringConnection',
            'RejectVpcPeeringConnection',
            'AttachClassicLinkVpc',
            'DetachClassicLinkVpc',
            'DisableVpcClassicLink',
            'EnableVpcClassicLink'
        ])
    },
    {
        name: 'console-login-failures',
        when: {
            all: [
                { field: 'eventname', is: 'ConsoleLogin' },
                {
                    any: [
                        { field: 'errormessage', is: 'Failed authentication' },
                        { field: 'consolelogin', is: 'Failure' }
                    ]
                }
            ]
        }
    },
    {
        name: 'unauthorized-calls',
        when: {
            any: [
                { field: 'errorcode', endsWith: 'UnauthorizedOperation' },
                { field: 'errorcode', startsWith: 'AccessDenied' }
            ]
        }
    }
];
/** A condition as a function, built once: the local engine tests every event against every rule. */
function compileCondition(condition) {
    if ('all' in condition) {
        const parts = condition.all.map(compileCondition);
        return (event) => parts.every((part) => part(event));
    }
    if ('any' in condition) {
        const parts = condition.any.map(compileCondition);
        return (event) => parts.some((part) => part(event));
    }
    const { field } = condition;
    if ('is' in condition)
        return (event) => event[field] === condition.is;
    if ('isNot' in condition)
        return (event) => event[field] !== condition.isNot;
    if ('oneOf' in condition) {
        const names = new Set(condition.oneOf);
        return (event) => names.has(event[field]);
    }
    if ('startsWith' in condition)
        return (event) => event[field].startsWith(condition.startsWith);
    return (event) => event[field].endsWith(condition.endsWith);
}

;// CONCATENATED MODULE: ./src/engine/local/parser/captures.ts
/** How a captured value becomes text. */
const MISSING = 0; // absent or null: ''
const ASCII = 1; // a string of plain ASCII bytes
const UTF8 = 2; // a string with other bytes, and no escapes
const ESCAPED = 3; // a string with escapes
const RAW = 4; // not a string: its JSON text
const EMPTY = Buffer.alloc(0);
/**
 * The current record's captured fields, by slot: where each value's bytes are in the document and
 * how they read. No string is made until one is asked for, and the scanner only writes numbers.
 */
class Captures {
    slots;
    kinds;
    /** For a string, the offsets of its first byte and of its closing quote; else of its JSON text. */
    starts;
    ends;
    /** The document being scanned, which the offsets are into. */
    bytes = EMPTY;
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
    /** The slot's value as text: a string decoded, another value's JSON text, '' when absent. */
    decode(slot) {
        const from = this.starts[slot];
        const to = this.ends[slot];
        switch (this.kinds[slot]) {
            case ASCII:
                return this.bytes.toString('latin1', from, to);
            case UTF8:
            case RAW:
                return this.bytes.toString('utf8', from, to);
            case ESCAPED:
                return JSON.parse(this.bytes.toString('utf8', from - 1, to + 1));
            default:
                return '';
        }
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

;// CONCATENATED MODULE: ./src/engine/local/parser/json.ts
/**
 * The bytes of JSON's grammar (RFC 8259) and scanners of its tokens: whitespace, strings, escapes,
 * numbers and the three literals. Each takes the document, the offset where the token starts and
 * the document's end, and returns the offset just past the token, or throws the error that says
 * where the document stops being JSON.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** The first byte of `null`. */
const LETTER_N = 0x6e;
const TRUE = new TextEncoder().encode('true');
const FALSE = new TextEncoder().encode('false');
const NULL = new TextEncoder().encode('null');
/** Stops at offset `i`: the document is not JSON. */
function notJson(i, end) {
    throw new Error(i >= end
        ? 'not valid JSON: unexpected end of the document'
        : `not valid JSON: unexpected byte at offset ${i}`);
}
/** The offset of the first byte at or after `i` that is not whitespace. */
function skipSpace(b, i, end) {
    while (i < end) {
        const c = b[i];
        if (c > 0x20 || (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09))
            return i;
        i++;
    }
    return i;
}
/** Past one escape; `i` is just after its backslash. */
function skipEscape(b, i, end) {
    const c = i < end ? b[i] : 0;
    if (c === 0x75) {
        for (let j = i + 1; j <= i + 4; j++)
            if (!isHexDigit(j < end ? b[j] : 0))
                notJson(j, end);
        return i + 5;
    }
    // " \ / b f n r t
    if (c === QUOTE ||
        c === BACKSLASH ||
        c === 0x2f ||
        c === 0x62 ||
        c === 0x66 ||
        c === 0x6e ||
        c === 0x72 ||
        c === 0x74) {
        return i + 1;
    }
    return notJson(i, end);
}
function isHexDigit(c) {
    return (c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
/**
 * Whether none of the four bytes of `v` is a quote, a backslash or a control character: bytes
 * read four at a time, with the bit tricks of "Bit Twiddling Hacks" (a byte that is zero after
 * the XOR, or below 0x20, sets its high bit in the result).
 */
function isPlain(v) {
    const quote = v ^ 0x22222222;
    const backslash = v ^ 0x5c5c5c5c;
    const special = ((quote - 0x01010101) & ~quote) |
        ((backslash - 0x01010101) & ~backslash) |
        ((v - 0x20202020) & ~v);
    return (special & 0x80808080) === 0;
}
/**
 * Past a string whose contents start at `i`: the offset after its closing quote. `view` is a
 * `DataView` of `b`. The hot loop: most of a log file is strings no one reads.
 */
function skipString(b, view, i, end) {
    let c = 0;
    for (;;) {
        while (i + 4 <= end && isPlain(view.getInt32(i, true)))
            i += 4;
        while (i < end) {
            c = b[i];
            if (c === QUOTE || c === BACKSLASH || c < 0x20)
                break;
            i++;
        }
        if (i >= end || c < 0x20)
            notJson(i, end);
        if (c === QUOTE)
            return i + 1;
        i = skipEscape(b, i + 1, end);
    }
}
/** Past a number, from its first byte (a minus or a digit). */
function skipNumber(b, i, end) {
    if (b[i] === MINUS)
        i++;
    if (i < end && b[i] === ZERO)
        i++;
    else
        i = skipDigits(b, i, end);
    if (i < end && b[i] === 0x2e)
        i = skipDigits(b, i + 1, end);
    if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
        i++;
        if (i < end && (b[i] === 0x2b || b[i] === MINUS))
            i++;
        i = skipDigits(b, i, end);
    }
    return i;
}
/** Past one digit or more. */
function skipDigits(b, i, end) {
    let c = i < end ? b[i] : 0;
    if (c < ZERO || c > NINE)
        notJson(i, end);
    do
        c = ++i < end ? b[i] : 0;
    while (c >= ZERO && c <= NINE);
    return i;
}
/** Past `true`, `false` or `null`, from its first byte. */
function skipLiteral(b, i, end) {
    const c = b[i];
    const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : c === LETTER_N ? NULL : undefined;
    if (word === undefined)
        return notJson(i, end);
    for (let j = 0; j < word.length; j++, i++)
        if (i >= end || b[i] !== word[j])
            notJson(i, end);
    return i;
}
/** Past any scalar other than a string: a number or a literal. */
function skipScalar(b, i, end) {
    const c = i < end ? b[i] : 0;
    return c === MINUS || (c >= ZERO && c <= NINE) ? skipNumber(b, i, end) : skipLiteral(b, i, end);
}

;// CONCATENATED MODULE: ./src/engine/local/parser/event-date.ts


/** `2026-11-01T12:34:56Z`: how CloudTrail writes every `eventTime`. */
const CLOUDTRAIL_TIME_LENGTH = 20;
const LETTER_T = 0x54;
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

;// CONCATENATED MODULE: ./src/engine/local/parser/record.ts
/** The record fields the aggregate and the audit rules read; a field's slot is its index. */
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
    'userIdentity.accountId',
    'userIdentity.sessionContext.sessionIssuer.arn',
    'eventType',
    'errorMessage',
    'additionalEventData.MFAUsed',
    'responseElements.ConsoleLogin'
];
const RECORD_FIELDS = FIELDS.map((field) => field.split('.'));
const slot = (field) => FIELDS.indexOf(field);
const ACCOUNT = slot('recipientAccountId');
const REGION = slot('awsRegion');
const SOURCE = slot('eventSource');
const NAME = slot('eventName');
const TIME = slot('eventTime');
const ERROR = slot('errorCode');
const EVENT_ID = slot('eventID');
const IDENTITY_TYPE = slot('userIdentity.type');
const ARN = slot('userIdentity.arn');
const INVOKED_BY = slot('userIdentity.invokedBy');
const ACCOUNT_ID = slot('userIdentity.accountId');
const ISSUER_ARN = slot('userIdentity.sessionContext.sessionIssuer.arn');
const EVENT_TYPE = slot('eventType');
const ERROR_MESSAGE = slot('errorMessage');
const MFA_USED = slot('additionalEventData.MFAUsed');
const CONSOLE_LOGIN = slot('responseElements.ConsoleLogin');
const ASSUMED_ROLE = new TextEncoder().encode('AssumedRole');
/** Who acted: the session issuer of an assumed role, the ARN, the invoking service, the account. */
function principalSlot(captures) {
    if (captures.present(ISSUER_ARN) && captures.holds(IDENTITY_TYPE, ASSUMED_ROLE))
        return ISSUER_ARN;
    if (captures.present(ARN))
        return ARN;
    if (captures.present(INVOKED_BY))
        return INVOKED_BY;
    return ACCOUNT_ID;
}
/**
 * The current record as the audit rules see it. The key's fields are set on it (they are decoded
 * for the key anyway); the others, rarely tested and after a rule's cheaper conditions, are
 * decoded from the record when a rule asks.
 */
class RuleEvent {
    captures;
    identitytype = '';
    errorcode = '';
    eventsource = '';
    eventname = '';
    constructor(captures) {
        this.captures = captures;
    }
    get invokedby() {
        return this.captures.decode(INVOKED_BY);
    }
    get eventtype() {
        return this.captures.decode(EVENT_TYPE);
    }
    get errormessage() {
        return this.captures.decode(ERROR_MESSAGE);
    }
    get mfaused() {
        return this.captures.decode(MFA_USED);
    }
    get consolelogin() {
        return this.captures.decode(CONSOLE_LOGIN);
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/texts.ts

/** Past this many, new byte forms are decoded each time: the cache stays small. */
const SEEN_BYTES_LIMIT = 1 << 16;
/**
 * Distinct strings, each made once, with a small id that aggregate keys are made of (id 0 is '').
 * A captured value's bytes are looked up by a hash of them (checked byte for byte), so a value
 * seen before costs no decoding and no string.
 */
class Texts {
    /** By id. */
    texts = [];
    ids = new Map();
    /** Byte forms already decoded: hash → index in `seenBytes` and `seenIds`. */
    byHash = new Map();
    seenBytes = [];
    seenIds = [];
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
    /** The id of a captured value's text. */
    idOf(captures, slot) {
        const kind = captures.kinds[slot];
        if (kind === MISSING)
            return 0;
        if (kind === ESCAPED)
            return this.idOfText(captures.decode(slot));
        const from = captures.starts[slot];
        const to = captures.ends[slot];
        const b = captures.bytes;
        let h = 0x811c9dc5 ^ (to - from);
        for (let i = from; i < to; i++)
            h = Math.imul(h ^ b[i], 0x01000193);
        const entry = this.byHash.get(h);
        if (entry !== undefined) {
            const known = this.seenBytes[entry];
            if (known.length === to - from) {
                let j = 0;
                while (j < known.length && known[j] === b[from + j])
                    j++;
                if (j === known.length)
                    return this.seenIds[entry];
            }
            return this.idOfText(captures.decode(slot));
        }
        const id = this.idOfText(captures.decode(slot));
        if (this.seenBytes.length < SEEN_BYTES_LIMIT) {
            this.byHash.set(h, this.seenBytes.length);
            this.seenBytes.push(Uint8Array.prototype.slice.call(b, from, to));
            this.seenIds.push(id);
        }
        return id;
    }
}

;// CONCATENATED MODULE: ./src/engine/local/parser/aggregate.ts







/** account, region, eventsource, eventname, eventdate, errorcode, identitytype, principal, flag */
const KEY_WIDTH = 9;
const FLAG = 8;
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
    event;
    rules;
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
    constructor(options, captures) {
        this.options = options;
        this.captures = captures;
        this.event = new RuleEvent(captures);
        this.rules = options.flagRules.map((rule) => ({
            id: this.texts.idOfText(rule.name),
            test: compileCondition(rule.when)
        }));
    }
    /** Starts a file. */
    begin() {
        this.firstKey = this.keys.size;
        this.newKeys = [];
        this.touched = [];
        this.eventIds = [];
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
        tuple[0] = texts.idOf(captures, ACCOUNT);
        tuple[1] = texts.idOf(captures, REGION);
        tuple[2] = texts.idOf(captures, SOURCE);
        tuple[3] = texts.idOf(captures, NAME);
        tuple[4] = date;
        tuple[5] = texts.idOf(captures, ERROR);
        tuple[6] = texts.idOf(captures, IDENTITY_TYPE);
        tuple[7] = texts.idOf(captures, principalSlot(captures));
        tuple[FLAG] = this.flag(tuple);
        let id = keys.find();
        if (id < 0)
            id = this.newKey();
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
        const counts = new Uint32Array(this.touched.length * 2);
        this.touched.forEach((id, i) => {
            counts[i * 2] = id;
            counts[i * 2 + 1] = this.counts[id];
            this.counts[id] = 0;
        });
        return { records, newKeys: this.newKeys, counts, eventIds: Uint32Array.from(this.eventIds) };
    }
    /** Takes the file back: it counts for nothing, not even the keys it introduced. */
    abandon() {
        this.keys.truncate(this.firstKey);
        for (const id of this.touched)
            this.counts[id] = 0;
    }
    /** The text id of the most severe rule the record matches, or of ''. */
    flag(tuple) {
        const { event, texts } = this;
        event.eventsource = texts.texts[tuple[2]];
        event.eventname = texts.texts[tuple[3]];
        event.errorcode = texts.texts[tuple[5]];
        event.identitytype = texts.texts[tuple[6]];
        for (const rule of this.rules)
            if (rule.test(event))
                return rule.id;
        return 0;
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
     * By shape: its entries in an open-addressing table (-1 where none) by a hash of the key's
     * length and three of its bytes, at least twice as large as the entries: a key that matters
     * costs a look or two and one comparison, and most of the others are ruled out by one look.
     */
    tables = [];
    constructor(paths) {
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
     * The entry of the key between `from` and `to` (the bytes inside its quotes) in an object of
     * shape `shape`, or -1. An `escaped` key is compared by the text its escapes stand for.
     */
    entryOf(b, from, to, escaped, shape) {
        if (escaped) {
            const quoted = Buffer.from(b.buffer, b.byteOffset + from - 1, to - from + 2);
            return this.keys[shape]?.get(JSON.parse(quoted.toString())) ?? -1;
        }
        const table = this.tables[shape];
        const mask = table.length - 1;
        const length = to - from;
        for (let at = keyHash(b, from, length) & mask;; at = (at + 1) & mask) {
            const entry = table[at];
            if (entry < 0)
                return -1;
            const name = this.names[entry];
            if (name.length !== length)
                continue;
            // From the end: keys of a shape often share a prefix (eventName, eventType).
            let j = length - 1;
            while (j >= 0 && name[j] === b[from + j])
                j--;
            if (j < 0)
                return entry;
        }
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
/** A hash of a key's length and its first, middle and last bytes. */
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



// Where a value sits in a delivery, besides the shapes of the captured fields (`IGNORED`, `ROOT`
// for a record, and the shapes under it): the document, and its `Records` array.
const DOCUMENT = -1;
const RECORDS = -2;
/** The document's one key that matters; its slot is never used. */
const DOCUMENT_KEYS = new Shapes([['Records']]);
/**
 * Reads a CloudTrail delivery, `{"Records": [record, …]}`, byte by byte: validates it as strictly
 * as `JSON.parse` (RFC 8259), and captures each record's fields (`Captures`, slots by `Shapes`)
 * without making a string. One loop, with the nesting on an explicit stack: for each open object
 * or array, the byte that closes it, its shape (`IGNORED` for most), and the slot that gets its
 * JSON text when it is itself a captured value.
 */
class DeliveryScanner {
    shapes;
    captures;
    stack = newStack(64);
    /** What the next value is: its shape if it opens an object or array, the slot it fills. */
    nextShape = DOCUMENT;
    nextSlot = -1;
    /** The `Records` elements so far. */
    elements = 0;
    seenRecords = false;
    /** Why the document, JSON so far, is not a delivery; '' while it is. */
    problem = '';
    constructor(shapes, captures) {
        this.shapes = shapes;
        this.captures = captures;
    }
    /**
     * Reads the document and calls `onRecord` after each record, its fields in the captures, until
     * the document shows it is not a delivery. Returns the number of `Records` elements. Throws
     * `not valid JSON: …` when it is not JSON, else `not a CloudTrail log file: …` when it is not a
     * delivery.
     */
    scan(b, onRecord) {
        const n = b.length;
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const { kinds, starts, ends } = this.captures;
        this.nextShape = DOCUMENT;
        this.nextSlot = -1;
        this.elements = 0;
        this.seenRecords = false;
        this.problem = '';
        // The stack, in locals for the loop: growing it replaces the arrays.
        let { closers, frameShapes, frameSlots } = this.stack;
        let depth = 0;
        let i = 0;
        for (;;) {
            i = skipSpace(b, i, n);
            const shape = this.nextShape;
            const slot = this.nextSlot;
            if (shape !== IGNORED) {
                this.nextShape = IGNORED;
                this.expect(shape, i < n ? b[i] : 0);
            }
            if (slot >= 0)
                this.nextSlot = -1;
            let c = i < n ? b[i] : 0;
            if (c === QUOTE) {
                i = slot < 0 ? skipString(b, view, i + 1, n) : this.captureString(b, view, i + 1, n, slot);
            }
            else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
                const frameShape = frameShapeOf(c, shape);
                if (frameShape === ROOT)
                    kinds.fill(MISSING);
                if (slot >= 0)
                    starts[slot] = i;
                if (depth === closers.length) {
                    this.stack = grow(this.stack);
                    ({ closers, frameShapes, frameSlots } = this.stack);
                }
                const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
                closers[depth] = close;
                frameShapes[depth] = frameShape;
                frameSlots[depth] = slot;
                depth++;
                i = skipSpace(b, i + 1, n);
                // On to its first value; or, when it is empty, it closes below like any other.
                if (i >= n || b[i] !== close) {
                    i =
                        close === CLOSE_OBJECT
                            ? this.key(b, view, i, n, frameShape)
                            : this.element(i, frameShape);
                    continue;
                }
            }
            else {
                const from = i;
                i = skipScalar(b, i, n);
                if (slot >= 0)
                    this.capture(slot, c === LETTER_N ? MISSING : RAW, from, i);
            }
            // After a value: close what ends here, or go on to the next key or element.
            for (;;) {
                i = skipSpace(b, i, n);
                if (depth === 0) {
                    if (i < n)
                        notJson(i, n);
                    if (!this.seenRecords)
                        this.fail('it has no "Records" key');
                    if (this.problem !== '')
                        throw new Error(`not a CloudTrail log file: ${this.problem}`);
                    return this.elements;
                }
                c = i < n ? b[i] : 0;
                if (c === COMMA) {
                    const frameShape = frameShapes[depth - 1];
                    i =
                        closers[depth - 1] === CLOSE_OBJECT
                            ? this.key(b, view, skipSpace(b, i + 1, n), n, frameShape)
                            : this.element(i + 1, frameShape);
                    break;
                }
                if (c !== closers[depth - 1] || i >= n)
                    notJson(i, n);
                i++;
                depth--;
                const captured = frameSlots[depth];
                if (captured >= 0) {
                    kinds[captured] = RAW;
                    ends[captured] = i;
                }
                if (frameShapes[depth] === ROOT && this.problem === '')
                    onRecord();
            }
        }
    }
    /** Notes what a value must be where it is: the document an object, and so on. */
    expect(shape, c) {
        if (shape === ROOT) {
            if (c !== OPEN_OBJECT)
                this.fail(`Records[${this.elements}] is not an object`);
            this.elements++;
        }
        else if (shape === RECORDS && c !== OPEN_ARRAY) {
            this.fail('"Records" is not an array');
        }
        else if (shape === DOCUMENT && c !== OPEN_OBJECT) {
            this.fail('the document is not an object');
        }
    }
    fail(problem) {
        if (this.problem === '')
            this.problem = problem;
    }
    /** Captures the string whose contents start at `i`; returns the offset past its closing quote. */
    captureString(b, view, i, n, slot) {
        const from = i;
        let high = 0;
        let escaped = false;
        let c = 0;
        for (;;) {
            for (let v = 0; i + 4 <= n; i += 4) {
                v = view.getInt32(i, true);
                if ((v & 0x80808080) !== 0 || !isPlain(v))
                    break;
            }
            while (i < n) {
                c = b[i];
                if (c === QUOTE || c === BACKSLASH || c < 0x20)
                    break;
                high |= c;
                i++;
            }
            if (i >= n || c < 0x20)
                notJson(i, n);
            if (c === QUOTE)
                break;
            i = skipEscape(b, i + 1, n);
            escaped = true;
        }
        this.capture(slot, escaped ? ESCAPED : high >= 0x80 ? UTF8 : ASCII, from, i);
        return i + 1;
    }
    capture(slot, kind, from, to) {
        const { kinds, starts, ends } = this.captures;
        kinds[slot] = kind;
        starts[slot] = from;
        ends[slot] = to;
    }
    /** At the element at `i` of an array of shape `frameShape`; notes what it is. */
    element(i, frameShape) {
        if (frameShape === RECORDS)
            this.nextShape = ROOT;
        return i;
    }
    /**
     * Reads the key at `i` of an object of shape `frameShape`, and the colon after it; notes what its
     * value is. Returns the offset of the value.
     */
    key(b, view, i, n, frameShape) {
        if (i >= n || b[i] !== QUOTE)
            notJson(i, n);
        const from = ++i;
        let escaped = false;
        let c = 0;
        for (;;) {
            while (i + 4 <= n && isPlain(view.getInt32(i, true)))
                i += 4;
            while (i < n) {
                c = b[i];
                if (c === QUOTE || c === BACKSLASH || c < 0x20)
                    break;
                i++;
            }
            if (i >= n || c < 0x20)
                notJson(i, n);
            if (c === QUOTE)
                break;
            i = skipEscape(b, i + 1, n);
            escaped = true;
        }
        if (frameShape !== IGNORED)
            this.matchKey(b, from, i, escaped, frameShape);
        i = skipSpace(b, i + 1, n);
        if (i >= n || b[i] !== COLON)
            notJson(i, n);
        return skipSpace(b, i + 1, n);
    }
    /** Notes what the value of the key between `from` and `to`, in an object that matters, is. */
    matchKey(b, from, to, escaped, frameShape) {
        if (frameShape === DOCUMENT) {
            if (DOCUMENT_KEYS.entryOf(b, from, to, escaped, ROOT) < 0)
                return;
            if (this.seenRecords)
                this.fail('it has more than one "Records" key');
            else
                this.nextShape = RECORDS;
            this.seenRecords = true;
            return;
        }
        const { shapes } = this;
        const entry = shapes.entryOf(b, from, to, escaped, frameShape);
        if (entry < 0)
            return;
        const nested = shapes.shapeOf[entry];
        if (nested !== IGNORED) {
            // The last of repeated keys wins, as with JSON.parse: what an earlier one set is gone.
            for (const slot of shapes.slotsUnder[nested])
                this.captures.kinds[slot] = MISSING;
            this.nextShape = nested;
        }
        this.nextSlot = shapes.slotOf[entry];
    }
}
function newStack(size) {
    return {
        closers: new Uint8Array(size),
        frameShapes: new Int32Array(size),
        frameSlots: new Int32Array(size)
    };
}
/** A stack twice the size, with the same frames. */
function grow(stack) {
    const bigger = newStack(stack.closers.length * 2);
    bigger.closers.set(stack.closers);
    bigger.frameShapes.set(stack.frameShapes);
    bigger.frameSlots.set(stack.frameSlots);
    return bigger;
}
/** The shape of the frame an object or array opens, where a value of `shape` is expected. */
function frameShapeOf(c, shape) {
    if (c === OPEN_OBJECT)
        return shape === DOCUMENT || shape > 0 ? shape : IGNORED;
    return shape === RECORDS ? RECORDS : IGNORED;
}

;// CONCATENATED MODULE: ./src/engine/local/parser/parser.ts






/** Output in larger pieces than zlib's default 16 KiB: a quarter less time in gunzip. */
const GUNZIP_CHUNK = 256 * 1024;
const RECORD_SHAPES = new Shapes(RECORD_FIELDS);
/**
 * Makes a parser of CloudTrail log files. It reads the bytes itself instead of `JSON.parse`: it
 * validates the whole document as strictly as `JSON.parse` does, but makes strings only of the few
 * fields the aggregate needs, and makes each distinct one once. That is what lets the local engine
 * outrun DuckDB's `read_json`.
 */
function createLogParser(options) {
    const captures = new Captures(RECORD_FIELDS.length);
    const scanner = new DeliveryScanner(RECORD_SHAPES, captures);
    const aggregator = new FileAggregator(options, captures);
    const addRecord = () => aggregator.add();
    return {
        parse(input, gzipped) {
            const bytes = gzipped && input.length > 0 ? gunzip(input) : asBuffer(input);
            // An empty file is an empty delivery, not a broken one.
            if (bytes.length === 0) {
                return { records: 0, newKeys: [], counts: new Uint32Array(0), eventIds: new Uint32Array(0) };
            }
            captures.bytes = bytes;
            aggregator.begin();
            let records;
            try {
                records = scanner.scan(bytes, addRecord);
            }
            catch (error) {
                aggregator.abandon();
                throw error;
            }
            finally {
                captures.release();
            }
            return aggregator.finish(records);
        }
    };
}
function gunzip(input) {
    try {
        return (0,external_node_zlib_namespaceObject.gunzipSync)(input, { chunkSize: GUNZIP_CHUNK });
    }
    catch (error) {
        const code = error.code;
        throw new Error(code === 'Z_BUF_ERROR'
            ? 'truncated gzip: the file ends before its compressed data does'
            : `not valid gzip: ${error.message}`);
    }
}
function asBuffer(input) {
    return Buffer.from(input.buffer, input.byteOffset, input.length);
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
port.on('message', (batch) => {
    const reply = parseBatch(parser, batch, (path) => (0,external_node_fs_namespaceObject.readFileSync)(path));
    port.postMessage(reply, [reply.result.counts.buffer, reply.result.eventIds.buffer]);
});

